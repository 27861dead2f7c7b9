#!/usr/bin/env bash
# Files read before (table file, migration 10) are skipped unopened on a re-import: the
# accounting is the one a re-import without the memo gives, line by line, and the store
# does not change. Only files whose every unit was imported or a duplicate are
# remembered: a reject (read again, and retried) and a skip (said again) are not. A file
# whose bytes changed is read; the same bytes under another name, or on standard
# input, are known. For --jobs 1 and --jobs 3.
source "$(dirname "$0")/common.sh"
S=$SRC/sample-reports

# A new report: the bytes of one of the samples with another report id.
new_report() { sed 's/f43442a864bb142d5f78761bdb8a6879/'"$1"'/' "$S/gmx.net!example.com!1795219200!1795305599.xml"; }

scalar() { "$DMARCQ" --db "$1" sql --format csv "$2" | tail -n 1; }
# A copy of a store without its remembered files: what a re-import was before them.
forget_files() {
  cp "$1" "$2"
  python3 -c 'import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM file"); db.commit()' "$2"
}
# import DB JOBS OUT [OPTIONS...] PATH...: the accounting on stderr, --verbose, without the time.
run_import() {
  local db=$1 jobs=$2 out=$3
  shift 3
  checks=$((checks + 1))
  "$DMARCQ" --db "$db" import --verbose --jobs "$jobs" "$@" 2>&1 >/dev/null | sed -E 's/ in [0-9.]+ s$//' >"$out"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -le 2 ] || { fail "import exited $rc: $*"; sed 's/^/  /' "$out" | head -5 >&2; }
}
same() {  # same WHAT EXPECTED ACTUAL
  checks=$((checks + 1))
  cmp -s "$2" "$3" || { fail "$1"; diff "$2" "$3" | head -10 >&2; }
}

for jobs in 1 3; do
  IN=$WORK/in$jobs
  DB=$WORK/jobs$jobs.db
  mkdir -p "$IN/sub"
  cp "$S"/*.xml.gz "$S"/gmx.net*.xml "$S"/*.zip "$IN"/          # reports, some duplicates of others
  cp "$S/google.com!example.com!1794268800!1794355199.zip" "$IN/sub/copy.zip"  # the same bytes again
  cp "$S/broken-missing-date-range.xml" "$IN"/                  # rejected
  cp "$S/README.md" "$IN/notes.txt"                             # skipped
  cp "$S/mail/forwarded-twice.eml" "$IN"/                       # one message: the message memo's
  # Mail in an archive: a message with a report and a TLS report.
  python3 -c 'import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name in sys.argv[2:]: z.write(name, name.rsplit("/", 1)[-1])' \
    "$IN/mail.zip" "$S/mail/pasted-report.eml" "$S/mail/tls-report.eml"
  new_report "first$jobs" >"$IN/changing.xml"

  run_import "$DB" "$jobs" "$WORK/first$jobs" "$IN"
  expect_grep "^dmarcq: import: [0-9]* mail messages: [0-9]* with reports, 1 without (1 TLS report (TLS-RPT))$" "$WORK/first$jobs"
  expect_grep "^dmarcq: import: [0-9]* reports imported, [0-9]* duplicates, 1 rejected, 1 skipped (not a report)$" "$WORK/first$jobs"
  store_contents "$DB" >"$WORK/tables$jobs"

  # Remembered: every file of reports (the copy once: same bytes), the archive of
  # mail; not the reject, the skip, nor the message file.
  files=$(ls "$IN"/*.gz "$IN"/*.zip "$IN"/*.xml | wc -l)
  checks=$((checks + 1))
  [ "$(scalar "$DB" "SELECT count(*) FROM file")" -eq $((files - 1)) ] ||
    fail "--jobs $jobs: $(scalar "$DB" "SELECT count(*) FROM file") files remembered, wanted $((files - 1))"
  checks=$((checks + 1))
  [ "$(scalar "$DB" "SELECT count(*) FROM file WHERE origin LIKE '%broken%' OR origin LIKE '%notes.txt' OR origin LIKE '%.eml' OR origin LIKE '%copy.zip'")" -eq 0 ] ||
    fail "--jobs $jobs: a reject, a skip, a message file or a second copy was remembered"
  expect_rc 0 "$DMARCQ" --db "$DB" sql --format csv "SELECT imported, duplicates, mail_messages, with_report, no_report FROM file WHERE origin LIKE '%mail.zip'"
  expect_grep '^1,0,2,1,"{""TLS report (TLS-RPT)"": 1}"$' "$WORK/out"

  # Again: the same accounting as a re-import that reads every file, and no change.
  forget_files "$DB" "$WORK/unremembered$jobs.db"
  run_import "$DB" "$jobs" "$WORK/again$jobs" "$IN"
  run_import "$WORK/unremembered$jobs.db" "$jobs" "$WORK/read$jobs" "$IN"
  same "--jobs $jobs: a re-import accounts otherwise with remembered files" "$WORK/read$jobs" "$WORK/again$jobs"
  expect_grep "^dmarcq: import: 0 reports imported, [0-9]* duplicates, 1 rejected (1 already by an earlier run), 1 skipped (not a report)$" "$WORK/again$jobs"
  store_contents "$DB" >"$WORK/tables-again$jobs"
  same "--jobs $jobs: a re-import changed the store" "$WORK/tables$jobs" "$WORK/tables-again$jobs"

  # Unopened: with every document over the size limit, remembered files still come out
  # duplicates (the broken report is rejected for the limit now); read, they would not.
  cp "$DB" "$WORK/limit$jobs.db"
  forget_files "$DB" "$WORK/limit-read$jobs.db"
  run_import "$WORK/limit$jobs.db" "$jobs" "$WORK/limit$jobs" --max-document-size 100 "$IN"
  run_import "$WORK/limit-read$jobs.db" "$jobs" "$WORK/limit-read$jobs" --max-document-size 100 "$IN"
  # (A reject for the size limit is not looked up by its bytes, so it is not known as
  # rejected before: the accounts are compared without that remark.)
  grep -v "^dmarcq: rejected: " "$WORK/again$jobs" |
    sed -E 's/ \([0-9,]+ already by an earlier run\)//' >"$WORK/again-accounts$jobs"
  grep -v "^dmarcq: rejected: " "$WORK/limit$jobs" |
    sed -E 's/ \([0-9,]+ already by an earlier run\)//' >"$WORK/limit-accounts$jobs"
  same "--jobs $jobs: remembered files were unpacked" "$WORK/again-accounts$jobs" "$WORK/limit-accounts$jobs"
  expect_grep "^dmarcq: import: 0 reports imported, [0-9]* duplicates\?, [2-9][0-9]* rejected" "$WORK/limit-read$jobs"

  # Changed bytes under the same name are read; the old bytes stay remembered.
  new_report "second$jobs" >"$IN/changing.xml"
  run_import "$DB" "$jobs" "$WORK/changed$jobs" "$IN"
  expect_grep "^dmarcq: import: 1 report imported, [0-9]* duplicates, 1 rejected (1 already by an earlier run), 1 skipped (not a report)$" "$WORK/changed$jobs"
  checks=$((checks + 1))
  [ "$(scalar "$DB" "SELECT count(*) FROM file")" -eq "$files" ] || fail "--jobs $jobs: the changed file was not remembered"

  # The same bytes under another name, and on standard input, are known unopened.
  mkdir -p "$WORK/elsewhere$jobs"
  cp "$IN/changing.xml" "$WORK/elsewhere$jobs/renamed.xml"
  run_import "$DB" "$jobs" "$WORK/renamed$jobs" --max-document-size 100 "$WORK/elsewhere$jobs"
  expect_grep "^dmarcq: import: 0 reports imported, 1 duplicate, 0 rejected, 0 skipped (not a report)$" "$WORK/renamed$jobs"
  run_import "$DB" "$jobs" "$WORK/stdin$jobs" --max-document-size 100 - <"$IN/mail.zip"
  expect_grep "^dmarcq: file: <stdin>: 2 mail messages: 1 with reports, 1 without (1 TLS report (TLS-RPT)); 0 reports imported, 1 duplicate, 0 rejected, 0 skipped (not a report)$" "$WORK/stdin$jobs"
  new_report "stdin$jobs" | gzip >"$WORK/stdin$jobs.xml.gz"
  run_import "$DB" "$jobs" "$WORK/stdin-new$jobs" - <"$WORK/stdin$jobs.xml.gz"
  expect_grep "^dmarcq: import: 1 report imported" "$WORK/stdin-new$jobs"
  checks=$((checks + 1))
  [ "$(scalar "$DB" "SELECT count(*) FROM file WHERE origin = '<stdin>'")" -eq 1 ] || fail "--jobs $jobs: standard input was not remembered"
  run_import "$DB" "$jobs" "$WORK/stdin-again$jobs" --max-document-size 100 "$WORK/stdin$jobs.xml.gz"
  expect_grep "^dmarcq: import: 0 reports imported, 1 duplicate, 0 rejected" "$WORK/stdin-again$jobs"
done

# Both runs accounted alike (the copy of a file within one import is found by the
# writer under --jobs 3: the lookahead only sees what is committed).
for step in first again changed; do
  sed "s|$WORK/in3/|$WORK/in1/|" "$WORK/${step}3" >"$WORK/${step}3-as-1"
  same "--jobs 3 accounted otherwise than --jobs 1 ($step)" "$WORK/${step}1" "$WORK/${step}3-as-1"
done

# A file that held a reject is not remembered, so a reject that `rejects --retry`
# imports (or that imports later) never replays as rejected: the import after the retry
# reads every file, remembers those now whole, and the next one accounts as a re-import
# that reads them all.
DB=$WORK/retry.db
IN=$WORK/in1
run_import "$DB" 1 "$WORK/tight" --max-document-size 500 "$IN"
expect_grep "^dmarcq: import: 0 reports imported, 0 duplicates, [0-9]* rejected, 1 skipped" "$WORK/tight"
checks=$((checks + 1))
[ "$(scalar "$DB" "SELECT count(*) FROM file")" -eq 0 ] || fail "files with rejects were remembered"
expect_rc 2 "$DMARCQ" --db "$DB" rejects --retry
expect_grep "^dmarcq: retry: [0-9]* rejects retried: [1-9][0-9]* imported" "$WORK/err"
run_import "$DB" 1 "$WORK/after-retry" "$IN"
expect_grep "^dmarcq: import: [0-9]* reports\? imported, [0-9]* duplicates, 1 rejected (1 already by an earlier run), 1 skipped (not a report)$" "$WORK/after-retry"
checks=$((checks + 1))
[ "$(scalar "$DB" "SELECT count(*) FROM file")" -gt 0 ] || fail "files were not remembered after the retry"
forget_files "$DB" "$WORK/retry-read.db"
run_import "$DB" 1 "$WORK/after-retry-again" "$IN"
run_import "$WORK/retry-read.db" 1 "$WORK/after-retry-read" "$IN"
same "a re-import after a retry accounts otherwise" "$WORK/after-retry-read" "$WORK/after-retry-again"
expect_grep "^dmarcq: import: 0 reports imported, [0-9]* duplicates, 1 rejected (1 already by an earlier run), 1 skipped (not a report)$" "$WORK/after-retry-again"
finish
