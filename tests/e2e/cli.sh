#!/usr/bin/env bash
# The command-line contract: --help everywhere, exit codes 1 (usage) and 3 (fatal),
# data on stdout and diagnostics on stderr.
source "$(dirname "$0")/common.sh"
DB=$WORK/cli.db

expect_rc 0 "$DMARCQ" --help
expect_grep "usage: dmarcq" "$WORK/out"
for command in import summary rejects sql explain senders; do
  expect_rc 0 "$DMARCQ" "$command" --help
  expect_grep "usage: dmarcq" "$WORK/out"
done
expect_rc 0 "$DMARCQ" --version

expect_rc 1 "$DMARCQ"
expect_grep "dmarcq: error: no command given" "$WORK/err"
expect_rc 1 "$DMARCQ" frobnicate
expect_grep "unknown command 'frobnicate'" "$WORK/err"
expect_rc 1 "$DMARCQ" --bogus summary
expect_rc 1 "$DMARCQ" import
expect_grep "import needs at least one PATH" "$WORK/err"
expect_rc 1 "$DMARCQ" summary --no-such-option
expect_grep "Try 'dmarcq summary --help'" "$WORK/err"

expect_rc 0 "$DMARCQ" --db "$DB" import "$SRC/sample-reports/gmx.net!example.net!1794528000!1794614399.xml"
expect_rc 1 "$DMARCQ" --db "$DB" summary --by domain,colour
expect_grep "unknown --by key 'colour'" "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$DB" summary --by domain,sender --format csv
expect_grep "^example.net,salesforce," "$WORK/out"
# A catalog file that is wrong is a usage error naming the file and line.
printf '[[sender]]\nid = "x"\nname = "X"\ntype = "SaaS"\nenvelope_is_customer_domain = false\nfix = "vendor-envelope"\ncolour = "red"\n' >"$WORK/bad.toml"
expect_rc 1 "$DMARCQ" --db "$DB" --catalog "$WORK/bad.toml" senders
expect_grep "bad.toml:7: unknown key 'colour'" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" --catalog "$WORK/missing.toml" explain
expect_rc 1 "$DMARCQ" --db "$DB" explain --severity loud
expect_rc 1 "$DMARCQ" --db "$DB" explain --lang fr
expect_rc 1 "$DMARCQ" --db "$DB" summary --by day,day
expect_rc 1 "$DMARCQ" --db "$DB" summary --from 2026-13-01
expect_grep "is not a date" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" summary --from 2026-11-20 --to 2026-11-01
expect_rc 1 "$DMARCQ" --db "$DB" summary --format xml
expect_grep "unknown --format 'xml'" "$WORK/err"
checks=$((checks + 1))
[ ! -s "$WORK/out" ] || fail "a usage error printed data on stdout"

# sql is read-only by construction, not by filtering the text.
expect_rc 1 "$DMARCQ" --db "$DB" sql "DELETE FROM record"
expect_grep "only statements that change nothing" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" sql "VACUUM INTO '$WORK/copy.db'"
checks=$((checks + 1))
[ ! -e "$WORK/copy.db" ] || fail "sql wrote $WORK/copy.db"
expect_rc 1 "$DMARCQ" --db "$DB" sql "SELECT 1; DROP TABLE report"
expect_rc 0 "$DMARCQ" --db "$DB" sql --format json "SELECT count(*) AS records FROM record"
expect_grep '"records": 3' "$WORK/out"
# --db after the command and $DMARCQ_DB work too.
expect_rc 0 "$DMARCQ" summary --db "$DB"
expect_rc 0 env DMARCQ_DB="$DB" "$DMARCQ" summary
expect_grep "example.net" "$WORK/out"

# Fatal: a database that cannot be used.
expect_rc 3 "$DMARCQ" --db "$WORK/missing.db" summary
echo "not a database, just text that is long enough to look like a file header" >"$WORK/junk.db"
expect_rc 3 "$DMARCQ" --db "$WORK/junk.db" import "$SRC/sample-reports"
expect_rc 3 "$DMARCQ" --db "$WORK/junk.db" summary
"$DMARCQ" --db "$DB" sql "SELECT 1" >/dev/null  # make sure the file is closed
cp "$DB" "$WORK/newer.db"
python3 - "$WORK/newer.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA user_version = 99"); db.commit()
PY
expect_rc 3 "$DMARCQ" --db "$WORK/newer.db" summary
expect_grep "written by a newer dmarcq" "$WORK/err"

# A database that fails mid-import: the batch is rolled back, nothing of it stays,
# and the message says how much that was.
mkdir -p "$WORK/nothing"
expect_rc 0 "$DMARCQ" --db "$WORK/failing.db" import "$WORK/nothing"
python3 - "$WORK/failing.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TRIGGER fail_third AFTER INSERT ON report WHEN (SELECT count(*) FROM report) > 2 "
           "BEGIN SELECT RAISE(FAIL, 'disk on fire'); END")
db.commit()
PY
expect_rc 3 "$DMARCQ" --db "$WORK/failing.db" import "$SRC/sample-reports"
expect_grep "disk on fire" "$WORK/err"
expect_grep "import stopped: the counts above include the last batch (up to 16000 documents or mail messages, or 256 MiB of documents), which was rolled back" "$WORK/err"
checks=$((checks + 1))
[ "$("$DMARCQ" --db "$WORK/failing.db" sql --format csv "SELECT count(*) FROM report" | tail -1)" = 0 ] ||
  fail "a failed batch left reports behind"

# A path that does not exist is a reject with a reason, not a crash.
expect_rc 2 "$DMARCQ" --db "$DB" import "$WORK/no-such-file.xml"
expect_grep "no-such-file.xml: cannot read" "$WORK/err"
finish
