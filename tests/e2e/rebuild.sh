#!/usr/bin/env bash
# Derived tables: the facts and daily totals that imports maintain incrementally (here
# over three imports, one of them repeating reports) equal those `dmarcq rebuild`
# computes from the records, and every answer is the same before and after.
source "$(dirname "$0")/common.sh"
cd "$SRC"
python3 scripts/gen-corpus --out "$WORK/corpus" --reports 300 --seed 23 --domains 3 --duplicates 0.05 2>/dev/null
mkdir -p "$WORK/part1" "$WORK/part2"
i=0
for file in "$WORK/corpus"/*; do
  if [ $((i % 3)) -eq 0 ]; then cp "$file" "$WORK/part1/"; else cp "$file" "$WORK/part2/"; fi
  i=$((i + 1))
done
db="$WORK/store.db"
for input in "$WORK/part1" sample-reports "$WORK/part2" "$WORK/corpus"; do
  "$DMARCQ" --db "$db" import --quiet "$input" >/dev/null 2>&1
done

answers() {
  for args in "summary" "summary --by reporter,week" "summary --by day,domain --from 2026-01-02 --to 2026-01-20" \
              "summary --by sender" "summary --by sender,source,day --from 2026-01-03" "explain --format csv" "explain --format csv --from 2026-01-01 --to 2027-01-01" \
              "digest --week 2026-W02" "digest --week 2026-W46"; do
    echo "== $args"
    # shellcheck disable=SC2086
    "$DMARCQ" --db "$db" $args
  done
  "$DMARCQ" --db "$db" sql --format csv "SELECT * FROM day_total ORDER BY domain, day, reporter"
  "$DMARCQ" --db "$db" sql --format csv "SELECT * FROM fact_total ORDER BY domain, fact_ref"
  "$DMARCQ" --db "$db" sql --format csv "SELECT report_ref, hex(packed) FROM report_facts ORDER BY report_ref"
  "$DMARCQ" --db "$db" sql --format csv "SELECT r.id, f.source_ip, f.header_from, f.dkim_aligned, f.spf_aligned,
    f.disposition, f.auth_key FROM record r JOIN fact f ON f.id = r.fact_ref ORDER BY r.id"
}
# explain over all time reads fact_total; with days it reads the records: the same
# findings either way.
for format in table json; do
  expect_rc 0 "$DMARCQ" --db "$db" explain --format "$format"
  mv "$WORK/out" "$WORK/explain-totals"
  expect_rc 0 "$DMARCQ" --db "$db" explain --format "$format" --from 1970-01-01 --to 2099-12-31
  expect_same "$WORK/explain-totals" "$WORK/out"
done
answers >"$WORK/before" 2>&1
expect_rc 0 "$DMARCQ" --db "$db" rebuild
expect_grep "recomputed" "$WORK/err"
answers >"$WORK/after" 2>&1
expect_same "$WORK/before" "$WORK/after"
checks=$((checks + 1))
[ "$(grep -c . "$WORK/before")" -gt 500 ] || fail "too little output to compare"
# Daily totals hold the record-level figures: their sum is the sum of the counts.
checks=$((checks + 1))
[ "$("$DMARCQ" --db "$db" sql --format csv "SELECT sum(messages) FROM day_total" | tail -1)" = \
  "$("$DMARCQ" --db "$db" sql --format csv "SELECT sum(message_count) FROM record" | tail -1)" ] ||
  fail "daily totals do not add up to the records"
# A store in a directory that does not exist: a path that does not exist, exit 1.
expect_rc 1 "$DMARCQ" --db "$WORK/missing-dir/x.db" rebuild
finish
