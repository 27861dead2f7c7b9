#!/usr/bin/env bash
# Archives larger than --max-input-size are unpacked as they are read instead of being
# rejected, and an mbox inside an archive or a gzip (a Google Takeout export, an
# mbox.gz) is split as it inflates. Streamed or read whole, an import gives the same
# store and the same accounting, and a re-import knows the streamed files. A file
# over the limit that is no archive is still rejected, and a cut archive says which
# member broke. For --jobs 1 and --jobs 3.
source "$(dirname "$0")/common.sh"
S=$SRC/sample-reports

IN=$WORK/in
mkdir -p "$IN"
python3 - "$S" "$IN" "$WORK/cut.zip" <<'PY'
import glob, gzip, os, sys, tarfile, zipfile
samples, out, cut = sys.argv[1:]
with zipfile.ZipFile(f"{out}/reports.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for path in sorted(glob.glob(f"{samples}/*")):
        if os.path.isfile(path):
            z.write(path, "reports/" + os.path.basename(path))
    z.write(f"{samples}/mail/rua-inbox.mbox", "Takeout/Mail/All mail Including Spam and Trash.mbox")
with tarfile.open(f"{out}/takeout.tgz", "w:gz") as t:
    t.add(f"{samples}/mail/rua-inbox.mbox", "Takeout/Mail/Inbox.mbox")
with open(f"{samples}/mail/rua-inbox.mbox", "rb") as f, open(f"{out}/inbox.mbox.gz", "wb") as g:
    g.write(gzip.compress(f.read(), mtime=0))
with open(f"{out}/reports.zip", "rb") as f:
    data = f.read()
with open(cut, "wb") as f:
    f.write(data[: len(data) * 2 // 3])
PY
for file in "$IN"/*; do
  checks=$((checks + 1))
  [ "$(stat -c %s "$file")" -gt 4096 ] || fail "$file is not larger than the 4096 bytes it must be streamed at"
done

# accounting OUT: the import's summary lines, without the time.
accounting() { sed -E 's/ in [0-9.]+ s$//' "$WORK/err" >"$1"; }
same() {  # same WHAT EXPECTED ACTUAL
  checks=$((checks + 1))
  cmp -s "$2" "$3" || { fail "$1"; diff "$2" "$3" | head -10 >&2; }
}

expect_rc 2 "$DMARCQ" --db "$WORK/whole.db" import --jobs 1 "$IN"
accounting "$WORK/whole.first"
expect_grep "^dmarcq: import: 3 files read" "$WORK/whole.first"
expect_grep "^dmarcq: import: 30 mail messages: 24 with reports" "$WORK/whole.first"
store_contents "$WORK/whole.db" >"$WORK/whole.tables"
"$DMARCQ" --db "$WORK/whole.db" import --jobs 1 "$IN" 2>"$WORK/err" >/dev/null
accounting "$WORK/whole.again"

for jobs in 1 3; do
  DB=$WORK/streamed$jobs.db
  expect_rc 2 "$DMARCQ" --db "$DB" import --jobs "$jobs" --max-input-size 4096 "$IN"
  accounting "$WORK/streamed$jobs.first"
  same "--jobs $jobs: streamed import's accounting differs from the import read whole" \
    "$WORK/whole.first" "$WORK/streamed$jobs.first"
  store_contents "$DB" >"$WORK/streamed$jobs.tables"
  same "--jobs $jobs: streamed import's store differs from the import read whole" \
    "$WORK/whole.tables" "$WORK/streamed$jobs.tables"
  # Again: the streamed files are known by their hash (those without a reject or a
  # skip are not even opened), and the store does not change. The reject is not new:
  # exit 0.
  expect_rc 0 "$DMARCQ" --db "$DB" import --jobs "$jobs" --max-input-size 4096 "$IN"
  accounting "$WORK/streamed$jobs.again"
  same "--jobs $jobs: streamed re-import's accounting differs" "$WORK/whole.again" "$WORK/streamed$jobs.again"
  expect_grep "^dmarcq: import: 0 reports imported, 51 duplicates, 1 rejected (1 already by an earlier run), 1 skipped" "$WORK/streamed$jobs.again"
  store_contents "$DB" >"$WORK/streamed$jobs.tables2"
  same "--jobs $jobs: a streamed re-import changed the store" "$WORK/whole.tables" "$WORK/streamed$jobs.tables2"
done
checks=$((checks + 1))
[ "$(sql_rows "$WORK/streamed1.db" "SELECT count(*) FROM file WHERE origin LIKE '%.gz' OR origin LIKE '%.tgz'" | tail -n 1)" = 2 ] ||
  fail "the streamed takeout.tgz and inbox.mbox.gz are not remembered"

# A cut archive, streamed: what could be read is imported, the broken member named.
expect_rc 2 "$DMARCQ" --db "$WORK/cut.db" import --max-input-size 4096 "$WORK/cut.zip"
expect_grep "^dmarcq: rejected: $WORK/cut.zip › reports/[^:]*: cannot read zip archive member: " "$WORK/err"
expect_grep "^dmarcq: import: 23 reports imported, 0 duplicates, 2 rejected, 1 skipped" "$WORK/err"

# Over the limit and no archive: rejected, as before.
head -c 5000 /dev/zero | tr '\0' ' ' | cat "$S/gmx.net!example.com!1795219200!1795305599.xml" - >"$WORK/padded.xml"
expect_rc 2 "$DMARCQ" --db "$WORK/padded.db" import --max-input-size 4096 "$WORK/padded.xml"
expect_grep "^dmarcq: rejected: $WORK/padded.xml: file is larger than the limit of 4096 bytes (--max-input-size)$" "$WORK/err"

finish
