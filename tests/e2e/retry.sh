#!/usr/bin/env bash
# rejects --retry: reports rejected under a tiny --max-document-size import once the
# limit is back to its default, and the store then equals a clean import of the same
# files; a corrupt file stays listed; the accounting adds up; a second retry and a
# retry of an empty list change nothing.
source "$(dirname "$0")/common.sh"
DB=$WORK/retry.db
CLEAN=$WORK/clean.db
IN=$WORK/in
mkdir -p "$IN"
cp "$SRC"/sample-reports/*.xml "$SRC"/sample-reports/*.xml.gz "$IN"/
printf '\037\213\010\000not really gzip' >"$IN/corrupt.xml.gz"
files=$(ls "$IN" | wc -l)

# retry_counts FILE: "retried imported duplicates still_rejected not_retried" from the
# accounting line.
retry_counts() {
  sed -nE 's/^dmarcq: retry: ([0-9]+) rejects? retried: ([0-9]+) imported, ([0-9]+) duplicates?, ([0-9]+) still rejected; ([0-9]+) not retried because their bytes were not kept$/\1 \2 \3 \4 \5/p' "$1"
}
reject_rows() { "$DMARCQ" --db "$1" sql --format csv "SELECT count(*) FROM reject" | tail -n 1; }

expect_rc 0 "$DMARCQ" rejects --help
expect_grep "^--retry reads the kept bytes" "$WORK/out"
expect_grep "max-document-size" "$WORK/out"

expect_rc 2 "$DMARCQ" --db "$CLEAN" import "$IN"
expect_grep "1[0-9] reports imported, 0 duplicates, 2 rejected" "$WORK/err"

# Every report is over 500 bytes uncompressed: all rejected, kind 'limit', bytes kept.
expect_rc 2 "$DMARCQ" --db "$DB" import --max-document-size 500 "$IN"
expect_grep "0 reports imported, 0 duplicates, $files rejected" "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$DB" rejects --format csv
checks=$((checks + 1))
[ "$(grep -c ',limit,[0-9]*,yes,[0-9a-f]*$' "$WORK/out")" -eq $((files - 1)) ] || fail "not every report was rejected for the limit with its bytes"
expect_grep "corrupt.xml.gz,cannot open gzip stream: .*,corrupt,19,yes,[0-9a-f]*$" "$WORK/out"
rejected_before=$(reject_rows "$DB")

# The limit options go with --retry; --retry prints no table.
expect_rc 1 "$DMARCQ" --db "$DB" rejects --max-document-size 1000
expect_grep "the limit options go with --retry" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" rejects --retry --format json

expect_rc 2 "$DMARCQ" --db "$DB" rejects --retry
checks=$((checks + 1))
[ ! -s "$WORK/out" ] || fail "rejects --retry printed data on stdout"
read -r retried imported duplicates still not_retried <<<"$(retry_counts "$WORK/err")"
checks=$((checks + 1))
if [ -z "${not_retried:-}" ]; then
  fail "no accounting line:"; sed 's/^/  /' "$WORK/err" >&2
else
  [ "$retried" -eq $((imported + duplicates + still)) ] || fail "retried $retried is not $imported + $duplicates + $still"
  [ $((retried + not_retried)) -eq "$rejected_before" ] || fail "retried + not retried is not the $rejected_before rejects"
  [ "$imported" -eq $((files - 2)) ] || fail "imported $imported, wanted $((files - 2))"
  [ "$still" -eq 2 ] || fail "still rejected $still, wanted 2 (the corrupt file and the broken report)"
  [ "$(reject_rows "$DB")" -eq $((still + not_retried)) ] || fail "the rejects left are not still rejected + not retried"
fi
expect_grep "^dmarcq: rejected: .*corrupt.xml.gz: cannot open gzip stream" "$WORK/err"
expect_grep "^dmarcq: rejected: .*broken-missing-date-range.xml: line 4: <report_metadata> has no <date_range>" "$WORK/err"

# The store now holds what a clean import holds: same reports, same origins, same
# rejects with the current reasons.
same_as_clean() {
  local what=$1
  shift
  "$DMARCQ" --db "$CLEAN" "$@" >"$WORK/clean.out" 2>&1
  "$DMARCQ" --db "$DB" "$@" >"$WORK/retried.out" 2>&1
  checks=$((checks + 1))
  diff -u "$WORK/clean.out" "$WORK/retried.out" >&2 || fail "$what differs from a clean import"
}
same_as_clean "summary" summary --format json
same_as_clean "summary by reporter and day" summary --by reporter,day --format csv
same_as_clean "explain" explain --format json
same_as_clean "reports and their origins" sql --format csv \
  "SELECT reporter, report_id, domain, origin, record_count, message_count FROM report ORDER BY 1, 2, 3"
same_as_clean "rejects" rejects --format csv
expect_rc 0 "$DMARCQ" --db "$DB" rejects --format json
expect_grep '"kind": "corrupt"' "$WORK/out"

# A second retry changes nothing.
dump() {
  for table in report report_note report_day record fact dkim_result spf_result policy_reason input reject message; do
    "$DMARCQ" --db "$DB" sql --format csv "SELECT * FROM $table ORDER BY 1, 2"
  done
}
dump >"$WORK/before"
expect_rc 2 "$DMARCQ" --db "$DB" rejects --retry
expect_grep "retry: 2 rejects retried: 0 imported, 0 duplicates, 2 still rejected; 0 not retried" "$WORK/err"
dump >"$WORK/after"
expect_same "$WORK/before" "$WORK/after"

# Nothing to retry: fine, and exit 0. A store that does not exist is a usage error.
expect_rc 1 "$DMARCQ" --db "$WORK/empty.db" rejects --retry
expect_grep "no store at $WORK/empty.db" "$WORK/err"
checks=$((checks + 1))
[ ! -e "$WORK/empty.db" ] || fail "rejects --retry created a store"
expect_rc 0 "$DMARCQ" --db "$WORK/empty.db" import - </dev/null
expect_rc 0 "$DMARCQ" --db "$WORK/empty.db" rejects --retry
expect_grep "retry: 0 rejects retried: 0 imported, 0 duplicates, 0 still rejected; 0 not retried" "$WORK/err"

# A zip member over the limit is rejected without its bytes (they were never read):
# counted, not retried, and it stays.
ZIPDB=$WORK/zip.db
expect_rc 2 "$DMARCQ" --db "$ZIPDB" import --max-document-size 500 \
  "$SRC/sample-reports/google.com!example.com!1794268800!1794355199.zip"
expect_rc 2 "$DMARCQ" --db "$ZIPDB" rejects --retry
expect_grep "retry: 0 rejects retried: 0 imported, 0 duplicates, 0 still rejected; 1 not retried" "$WORK/err"
checks=$((checks + 1))
[ "$(reject_rows "$ZIPDB")" -eq 1 ] || fail "the reject without bytes did not stay"
finish
