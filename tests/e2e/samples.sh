#!/usr/bin/env bash
# Imports sample-reports/ and checks the accounting, every summary format against its
# golden file, the rejects list, and that a second import changes nothing.
source "$(dirname "$0")/common.sh"
GOLDEN=$SRC/tests/golden/e2e
DB=$WORK/dmarcq.db
cd "$SRC"

expect_rc 2 "$DMARCQ" --db "$DB" import sample-reports
sed -E 's/ in [0-9.]+ s$//' "$WORK/err" >"$WORK/accounting"
expect_same "$GOLDEN/import.stderr" "$WORK/accounting"
expect_grep "28 reports imported, 11 duplicates, 1 rejected, 1 skipped" "$WORK/err"

for format in table csv json; do
  expect_rc 0 "$DMARCQ" --db "$DB" summary --format "$format"
  expect_same "$GOLDEN/summary-domain.$format" "$WORK/out"
done
expect_rc 0 "$DMARCQ" --db "$DB" summary --by domain,week --format csv
expect_same "$GOLDEN/summary-domain-week.csv" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" summary --by day --domain example.net --from 2026-11-14 --to 2026-11-17
expect_same "$GOLDEN/summary-day-example.net.table" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" summary --by reporter,source --format json --domain EXAMPLE.CO.JP.
expect_same "$GOLDEN/summary-reporter-source.json" "$WORK/out"
# explain: what to change, per domain; the golden files are the promise that a reader
# knows what to do in DNS and in Salesforce.
expect_rc 0 "$DMARCQ" --db "$DB" explain --lang en
expect_same "$GOLDEN/explain.en.table" "$WORK/out"
fits_80_columns() {  # terminal columns, wide (CJK) characters counting two
  python3 -c '
import sys, unicodedata
width = lambda line: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
sys.exit(max(map(width, open(sys.argv[1], encoding="utf-8").read().splitlines())) > 80)' "$1"
}
checks=$((checks + 1))
fits_80_columns "$WORK/out" || fail "explain (en) is wider than 80 columns"
expect_rc 0 "$DMARCQ" --db "$DB" explain --lang ja
expect_same "$GOLDEN/explain.ja.table" "$WORK/out"
checks=$((checks + 1))
fits_80_columns "$WORK/out" || fail "explain (ja) is wider than 80 columns"
expect_rc 0 "$DMARCQ" --db "$DB" explain --format json --severity fail
expect_same "$GOLDEN/explain-fail.json" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" explain --format csv --domain example.com
expect_same "$GOLDEN/explain-example.com.csv" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" summary --by domain,sender
expect_same "$GOLDEN/summary-domain-sender.table" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" senders --format csv
expect_same "$GOLDEN/senders.csv" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$DB" rejects --format csv
expect_same "$GOLDEN/rejects.csv" "$WORK/out"

# Day totals add up to domain totals (the spreading rule keeps exact integers).
expect_rc 0 "$DMARCQ" --db "$DB" sql --format csv \
  "SELECT sum(message_count) FROM record"
total=$(tail -n 1 "$WORK/out")
expect_rc 0 "$DMARCQ" --db "$DB" summary --by day --format csv
day_total=$(tail -n +2 "$WORK/out" | awk -F, '{ s += $2 } END { print s }')
checks=$((checks + 1))
[ "$total" = "$day_total" ] || fail "records hold $total messages, days add up to $day_total"

# A second import adds nothing and leaves every table as it was.
dump() {
  for table in report report_note report_day record fact dkim_result spf_result policy_reason input reject message; do
    "$DMARCQ" --db "$DB" sql --format csv "SELECT * FROM $table ORDER BY 1, 2"
  done
}
dump >"$WORK/before"
# The broken report fails again: reported, but not new, so the run exits 0 (a cron
# job's `import && digest` goes on).
expect_rc 0 "$DMARCQ" --db "$DB" import sample-reports
expect_grep "0 reports imported, 39 duplicates, 1 rejected (1 already by an earlier run), 1 skipped" "$WORK/err"
expect_grep "0 records and 0 messages added" "$WORK/err"
dump >"$WORK/after"
expect_same "$WORK/before" "$WORK/after"

# The same reports arriving again under other names count as duplicates.
mkdir -p "$WORK/copies"
cp sample-reports/google.com!example.com!1794268800!1794355199.zip "$WORK/copies/resent.zip"
expect_rc 0 "$DMARCQ" --db "$DB" import "$WORK/copies"
expect_grep "0 reports imported, 1 duplicate, 0 rejected" "$WORK/err"
finish
