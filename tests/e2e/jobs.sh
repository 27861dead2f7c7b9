#!/usr/bin/env bash
# The parallel import: --jobs 1 and --jobs 4 give the same store (same reports, ids,
# records, facts, inputs, rejects, remembered messages and files) and the same accounting,
# on files with duplicates and broken ones, on an mbox that holds the same reports
# again, on a mailbox with a message repeated inside one import, and on re-imports of
# the files and of the mbox (its 400-odd messages known: more than one run of them
# goes to the writer at once).
source "$(dirname "$0")/common.sh"
cd "$SRC"
python3 scripts/gen-corpus --out "$WORK/corpus" --mbox "$WORK/corpus.mbox" --reports 400 --seed 5 \
  --domains 3 --duplicates 0.05 --broken 0.03 --spam 0.05 2>/dev/null
# One message twice in one mailbox: the second is found stored within the import.
head -c 200000 "$WORK/corpus.mbox" | awk 'BEGIN { n = 0 } /^From / { n++ } n == 2 { exit } { print }' \
  >"$WORK/repeat.mbox"
cat "$WORK/repeat.mbox" "$WORK/repeat.mbox" >"$WORK/twice.mbox"


for jobs in 1 4; do
  db="$WORK/jobs$jobs.db"
  : >"$WORK/accounting$jobs"
  for input in "$WORK/twice.mbox" "$WORK/corpus" "$WORK/corpus.mbox" "$WORK/corpus" "$WORK/corpus.mbox"; do
    "$DMARCQ" --db "$db" import --verbose --jobs "$jobs" "$input" 2>&1 >/dev/null |
      sed -E "s/ in [0-9.]+ s$//" >>"$WORK/accounting$jobs"
    echo "exit ${PIPESTATUS[0]}" >>"$WORK/accounting$jobs"
  done
  store_contents "$db" >"$WORK/facts$jobs"
done

expect_grep "^ok$" "$WORK/facts4"
expect_grep "reports imported" "$WORK/accounting4"
expect_grep "^exit 2$" "$WORK/accounting4"
checks=$((checks + 1))
cmp -s "$WORK/facts1" "$WORK/facts4" || { fail "--jobs 4 stored something else than --jobs 1"; diff "$WORK/facts1" "$WORK/facts4" | head -10 >&2; }
checks=$((checks + 1))
cmp -s "$WORK/accounting1" "$WORK/accounting4" || { fail "--jobs 4 accounted differently"; diff "$WORK/accounting1" "$WORK/accounting4" | head -10 >&2; }
# The repeated message (first import) is read once and accounted twice: its second
# copy is found stored by the writer, not by the lookahead, which only sees commits.
expect_grep "2 mail messages: 2 with reports" "$WORK/accounting4"
expect_grep "1 reports\? imported, 1 duplicate" "$WORK/accounting4"
# The mbox's re-import: its 452 messages accounted as before, their reports duplicates.
checks=$((checks + 1))
awk 'seen == 4 { print } /^exit / { seen++ }' "$WORK/accounting4" >"$WORK/reimport4"
grep -q "^dmarcq: import: 452 mail messages: 432 with reports" "$WORK/reimport4" &&
  grep -q "^dmarcq: import: 0 reports imported, 420 duplicates, 12 rejected" "$WORK/reimport4" ||
  { fail "the mbox's re-import accounted otherwise"; grep "^dmarcq: import:" "$WORK/reimport4" >&2; }
expect_rc 1 "$DMARCQ" --db "$WORK/x.db" import --jobs 0 "$WORK/corpus"
expect_grep "jobs" "$WORK/err"
finish
