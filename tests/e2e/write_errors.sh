#!/bin/bash
# A write that fails is an error: every command with its standard output on a full
# device, and digest --out, exit 3 with a message naming the reason, and a digest file
# that cannot be written whole leaves the previous one as it was.
source "$2/tests/e2e/common.sh"

db=$WORK/store.db
expect_rc 2 "$DMARCQ" --db "$db" import --quiet "$SRC/sample-reports"

for command in "summary --by domain" "summary --by source" "explain" "explain --format json" \
    "rejects" "senders" "digest --week 2026-W46" "sql SELECT(1)" "import --help" "--version"; do
  checks=$((checks + 1))
  # shellcheck disable=SC2086
  "$DMARCQ" --db "$db" $command >/dev/full 2>"$WORK/err"
  rc=$?
  [ "$rc" -eq 3 ] || fail "$command >/dev/full: exit $rc, wanted 3"
  expect_grep "standard output: cannot write: No space left on device" "$WORK/err"
done

expect_rc 3 "$DMARCQ" --db "$db" digest --week 2026-W46 --out /dev/full
expect_grep "/dev/full: cannot write: No space left on device" "$WORK/err"

# A digest file is replaced whole or not at all.
echo "the previous digest" >"$WORK/digest.csv"
expect_rc 0 "$DMARCQ" --db "$db" digest --week 2026-W46 --out "$WORK/digest.csv"
expect_grep "week,domain," "$WORK/digest.csv"
[ ! -e "$WORK/digest.csv.partial" ] || fail "digest left its temporary file"
echo "the previous digest" >"$WORK/digest.csv"
mkdir "$WORK/digest.csv.partial"  # the temporary file cannot be created, even by root
expect_rc 3 "$DMARCQ" --db "$db" digest --week 2026-W46 --out "$WORK/digest.csv"
expect_grep "digest.csv.partial: cannot write: File exists" "$WORK/err"
expect_grep "the previous digest" "$WORK/digest.csv"
rmdir "$WORK/digest.csv.partial"

# The new file keeps the old one's permissions; a link at the temporary name is
# removed, never written through; an output path that is a link writes its target.
echo "the previous digest" >"$WORK/digest.csv"
chmod 600 "$WORK/digest.csv"
echo "not to be touched" >"$WORK/victim"
ln -s "$WORK/victim" "$WORK/digest.csv.partial"
expect_rc 0 "$DMARCQ" --db "$db" digest --week 2026-W46 --out "$WORK/digest.csv"
checks=$((checks + 1))
[ "$(stat -c %a "$WORK/digest.csv")" = 600 ] || fail "digest.csv lost its mode 600: $(stat -c %a "$WORK/digest.csv")"
expect_grep "week,domain," "$WORK/digest.csv"
expect_grep "not to be touched" "$WORK/victim"
echo "old" >"$WORK/real.csv"
ln -s "$WORK/real.csv" "$WORK/link.csv"
expect_rc 0 "$DMARCQ" --db "$db" digest --week 2026-W46 --out "$WORK/link.csv"
checks=$((checks + 1))
[ -L "$WORK/link.csv" ] || fail "the link given as --out was replaced by a file"
expect_grep "week,domain," "$WORK/real.csv"
finish
