#!/usr/bin/env bash
# The weekly digest: golden files for two weeks of the samples (a report spans the
# W46/W47 boundary; a source sends in W46 only), spreadsheet mode, --all-weeks, and on
# generated data, per-domain sums equal to summary for every week.
source "$(dirname "$0")/common.sh"
GOLDEN=$SRC/tests/golden/e2e
DB=$WORK/digest.db
cd "$SRC"
"$DMARCQ" --db "$DB" import --quiet sample-reports >/dev/null 2>&1

for week in 2026-W46 2026-W47; do
  expect_rc 0 "$DMARCQ" --db "$DB" digest --week "$week" --lang en
  expect_same "$GOLDEN/digest-$week.csv" "$WORK/out"
done
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --lang ja --domain example.com
expect_same "$GOLDEN/digest-2026-W47-example.com.ja.csv" "$WORK/out"

# The IPv6 relay of example.net sends in W46 only: it has no W47 row, and W47 rows
# without a previous week leave the _prev_week cells empty.
expect_grep '^2026-W46,example.net,unknown,unknown sources,203.0.113.77 2001:db8:' "$GOLDEN/digest-2026-W46.csv"
checks=$((checks + 1))
! grep -q '2001:db8:' "$GOLDEN/digest-2026-W47.csv" || fail "the W46-only source appears in W47"

# Spreadsheet mode: BOM and CRLF.
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --excel --out "$WORK/excel.csv"
checks=$((checks + 1))
[ "$(head -c 3 "$WORK/excel.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] || fail "no BOM with --excel"
checks=$((checks + 1))
[ "$(head -n 1 "$WORK/excel.csv" | tail -c 2 | od -An -tx1 | tr -d ' ')" = "0d0a" ] || fail "no CRLF with --excel"

# --all-weeks writes every week with data once, then skips what exists.
expect_rc 0 "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/weeks"
checks=$((checks + 1))
[ "$(ls "$WORK/weeks")" = "$(printf 'dmarcq-digest-2026-W46.csv\ndmarcq-digest-2026-W47.csv')" ] || fail "wrong --all-weeks files: $(ls "$WORK/weeks")"
expect_same "$GOLDEN/digest-2026-W46.csv" "$WORK/weeks/dmarcq-digest-2026-W46.csv"
expect_rc 0 "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/weeks"
expect_grep "exists, skipped" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W99
expect_rc 1 "$DMARCQ" --db "$DB" digest --all-weeks

# Generated data: for every week, each domain's digest rows add up to summary.
python3 "$SRC/scripts/gen-corpus" --out "$WORK/corpus" --reports 300 --seed 7 --domains 3 2>/dev/null
"$DMARCQ" --db "$WORK/gen.db" import --quiet "$WORK/corpus" >/dev/null 2>&1
"$DMARCQ" --db "$WORK/gen.db" summary --by domain,week --format csv | tail -n +2 | cut -d, -f1-3 | sort >"$WORK/summary.txt"
: >"$WORK/digest.txt"
for week in $(cut -d, -f2 "$WORK/summary.txt" | sort -u); do
  "$DMARCQ" --db "$WORK/gen.db" digest --week "$week" >"$WORK/week.csv"
  python3 - "$WORK/week.csv" >>"$WORK/digest.txt" <<'PY'
import csv, sys, collections
sums = collections.Counter()
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    sums[(row["domain"], row["week"])] += int(row["messages"])
for (domain, week), messages in sums.items():
    print(f"{domain},{week},{messages}")
PY
done
sort -o "$WORK/digest.txt" "$WORK/digest.txt"
expect_same "$WORK/summary.txt" "$WORK/digest.txt"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/summary.txt")" -ge 9 ] || fail "the generated corpus spans too few weeks"
finish
