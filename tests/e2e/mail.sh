#!/usr/bin/env bash
# Mailbox exports: the mbox, Maildir and .eml samples, per-file accounting that adds
# up, provenance chains, a re-import that reads nothing again, a grown mailbox, and
# an mbox on standard input.
source "$(dirname "$0")/common.sh"
GOLDEN=$SRC/tests/golden/e2e
DB=$WORK/mail.db
cd "$SRC"

expect_rc 0 "$DMARCQ" --db "$DB" import --verbose sample-reports/mail
sed -E 's/ in [0-9.]+ s$//' "$WORK/err" >"$WORK/accounting"
expect_same "$GOLDEN/mail-import.stderr" "$WORK/accounting"

# Per-file lines add up to the totals (plain sed and awk: mawk has no captures).
sum_files() {  # PATTERN: sums the number before PATTERN over the per-file lines
  grep '^dmarcq: file: ' "$WORK/err" | sed -E "s/.* ([0-9,]+) $1.*/\1/; t; s/.*/0/" | tr -d , |
    awk '{ s += $1 } END { print s + 0 }'
}
total_of() {
  grep "^dmarcq: import: [0-9,]* $1" "$WORK/err" | sed -E "s/^dmarcq: import: ([0-9,]+) .*/\1/" | tr -d ,
}
checks=$((checks + 1))
[ "$(sum_files 'mail messages?:')" = "$(total_of 'mail message')" ] || fail "per-file mail messages do not add up"
checks=$((checks + 1))
[ "$(sum_files 'reports? imported')" = "$(total_of 'report')" ] || fail "per-file reports do not add up"

expect_rc 0 "$DMARCQ" --db "$DB" sql --format csv "SELECT origin FROM report ORDER BY origin"
expect_same "$GOLDEN/mail-origins.csv" "$WORK/out"

# Again: everything already seen, nothing changes.
expect_rc 0 "$DMARCQ" --db "$DB" import sample-reports/mail
expect_grep "0 reports imported" "$WORK/err"
"$DMARCQ" --db "$DB" sql --format csv "SELECT count(*) FROM report" >"$WORK/reports-before"

# The mailbox grows by one message: only that one is new.
mkdir -p "$WORK/box"
cp sample-reports/mail/rua-inbox.mbox "$WORK/box/inbox.mbox"
{
  printf '\nFrom noreply-dmarc-support@google.com Sun Nov 22 10:00:00 2026\n'
  printf 'From: noreply-dmarc-support@google.com\nMessage-ID: <grown@e2e>\nSubject: pasted\n\n'
  gzip -dc "sample-reports/yahoo.com!example.net!1794268800!1794355199.xml.gz" | sed 's/<report_id>[^<]*</<report_id>e2e-grown</'
} >>"$WORK/box/inbox.mbox"
expect_rc 0 "$DMARCQ" --db "$DB" import "$WORK/box/inbox.mbox"
expect_grep "1 report imported" "$WORK/err"

# An mbox on standard input.
expect_rc 0 "$DMARCQ" --db "$WORK/stdin.db" import - <sample-reports/mail/rua-inbox.mbox
expect_grep "10 mail messages" "$WORK/err"
finish
