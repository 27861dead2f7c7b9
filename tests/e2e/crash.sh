#!/usr/bin/env bash
# Crash safety and concurrency: an import killed with SIGKILL at several points and
# then run again ends with the same store as an uninterrupted import; two imports of
# the same store at once both finish, with nothing lost or doubled; a summary during
# an import reads a consistent snapshot.
source "$(dirname "$0")/common.sh"
cd "$SRC"
python3 scripts/gen-corpus --out "$WORK/corpus" --reports 600 --seed 11 --domains 4 \
  --duplicates 0.05 --broken 0.02 2>/dev/null

# The facts of a store, without the times at which they were written.
facts() {
  sql_rows "$1" \
    "SELECT reporter, report_id, domain, date_begin, date_end, record_count, message_count, origin, content_hash FROM report ORDER BY 1, 2, 3, 4" \
    "SELECT r.report_id, c.seq, c.source_ip, c.message_count, f.dkim_results, f.spf_results, f.policy_reasons FROM record c JOIN report r ON r.id = c.report_ref JOIN fact f ON f.id = c.fact_ref ORDER BY 1, 2" \
    "SELECT content_hash, outcome, detail FROM input ORDER BY 1" \
    "SELECT content_hash, origin, reason FROM reject ORDER BY 1" \
    "PRAGMA integrity_check"
}

expect_rc 2 "$DMARCQ" --db "$WORK/clean.db" import --quiet "$WORK/corpus"
facts "$WORK/clean.db" >"$WORK/clean.facts"
expect_grep "^ok$" "$WORK/clean.facts"

# Kill the import at three points, then let it finish.
for delay in 0.05 0.3 0.8; do
  "$DMARCQ" --db "$WORK/killed.db" import --quiet "$WORK/corpus" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  checks=$((checks + 1))
  # Killed before the schema was committed, the file holds no dmarcq data yet, and
  # says so; killed between two migrations (each commits on its own), it is whole at
  # the older version and says that an import must finish the upgrade; otherwise the
  # store must be whole.
  check=$("$DMARCQ" --db "$WORK/killed.db" sql --format csv 'PRAGMA integrity_check' 2>&1 | tail -n 1)
  [ "$check" = ok ] || [ ! -s "$WORK/killed.db" ] || [[ "$check" == *"no dmarcq data here yet"* ]] ||
    [[ "$check" == *"needs a schema upgrade"* ]] || fail "the store is damaged after a kill at ${delay}s: $check"
done
# The corpus holds broken documents: exit 2 if the killed runs had not committed
# them yet, 0 if they had (rejected by an earlier run is not new).
checks=$((checks + 1))
"$DMARCQ" --db "$WORK/killed.db" import --quiet "$WORK/corpus" >/dev/null 2>"$WORK/err"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] || fail "the import after the kills exited $rc: $(head -3 "$WORK/err")"
facts "$WORK/killed.db" >"$WORK/killed.facts"
expect_same "$WORK/clean.facts" "$WORK/killed.facts"

# Two imports of one store at once: the halves of the corpus, then everything again.
mkdir -p "$WORK/a" "$WORK/b"
i=0
for file in "$WORK/corpus"/*; do
  if [ $((i % 2)) -eq 0 ]; then cp "$file" "$WORK/a/"; else cp "$file" "$WORK/b/"; fi
  i=$((i + 1))
done
"$DMARCQ" --db "$WORK/both.db" import --quiet "$WORK/a" >"$WORK/a.out" 2>"$WORK/a.err" &
pid_a=$!
"$DMARCQ" --db "$WORK/both.db" import --quiet "$WORK/b" >"$WORK/b.out" 2>"$WORK/b.err" &
pid_b=$!
# A summary while they run sees a consistent snapshot: it answers, without error, once
# the first import has created the schema.
for _ in $(seq 100); do
  "$DMARCQ" --db "$WORK/both.db" sql "SELECT 1 FROM report LIMIT 1" >/dev/null 2>&1 && break
  sleep 0.05
done
expect_rc 0 "$DMARCQ" --db "$WORK/both.db" summary --format csv
wait "$pid_a"
rc_a=$?
wait "$pid_b"
rc_b=$?
checks=$((checks + 1))
[ "$rc_a" -le 2 ] && [ "$rc_b" -le 2 ] || fail "concurrent imports failed: $rc_a $rc_b ($(cat "$WORK/a.err" "$WORK/b.err" | grep error))"
for query in "SELECT count(*), sum(message_count) FROM report" "SELECT count(*) FROM record" "SELECT count(*) FROM reject"; do
  checks=$((checks + 1))
  [ "$("$DMARCQ" --db "$WORK/both.db" sql --format csv "$query")" = "$("$DMARCQ" --db "$WORK/clean.db" sql --format csv "$query")" ] ||
    fail "concurrent imports differ from one import: $query"
done

# What imports derive (daily and fact totals, each report's packed records), kept by an
# import killed and run again and by two imports at once, equals what rebuild computes
# from the records.
derived() {
  sql_rows "$1" "SELECT * FROM day_total ORDER BY 1, 2, 3" "SELECT * FROM fact_total ORDER BY 1, 2" \
    "SELECT report_ref, hex(packed) FROM report_facts ORDER BY 1"
}
for store in killed both; do
  derived "$WORK/$store.db" >"$WORK/$store.derived"
  for suffix in "" -wal; do
    if [ -e "$WORK/$store.db$suffix" ]; then cp "$WORK/$store.db$suffix" "$WORK/$store-rebuilt.db$suffix"; fi
  done
  expect_rc 0 "$DMARCQ" --db "$WORK/$store-rebuilt.db" rebuild
  derived "$WORK/$store-rebuilt.db" >"$WORK/$store-rebuilt.derived"
  expect_same "$WORK/$store.derived" "$WORK/$store-rebuilt.derived"
  checks=$((checks + 1))
  [ "$(grep -c . "$WORK/$store.derived")" -gt 600 ] || fail "too little derived data in $store.db"
done
finish
