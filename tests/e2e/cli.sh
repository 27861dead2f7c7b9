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
expect_grep "is not a day (YYYY-MM-DD, today, yesterday or Nd)" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" summary --from 2026-11-20 --to 2026-11-01
expect_rc 1 "$DMARCQ" --db "$DB" summary --format xml
expect_grep "unknown --format 'xml'" "$WORK/err"
checks=$((checks + 1))
[ ! -s "$WORK/out" ] || fail "a usage error printed data on stdout"

# sql runs what its allow-list names, on a read-only connection.
expect_rc 1 "$DMARCQ" --db "$DB" sql "DELETE FROM record"
expect_grep "DELETE is not allowed: dmarcq sql runs SELECT with read-only functions only" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" sql "ATTACH '$DB' AS again"
expect_grep "ATTACH is not allowed" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" sql "SELECT fts3_tokenizer('simple')"
expect_grep "the function fts3_tokenizer() is not allowed" "$WORK/err"
# Rows stream: three million rows print in flat memory; --max-rows cuts with a note.
expect_rc 0 "$DMARCQ" --db "$DB" sql --format csv --max-rows 3 \
  "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n"
checks=$((checks + 1))
[ "$(tr '\n' ' ' <"$WORK/out")" = "i 1 2 3 " ] || fail "--max-rows 3 printed: $(head -c 200 "$WORK/out")"
expect_grep "sql: printed the first 3 rows; there are more (--max-rows 0 prints all)" "$WORK/err"
if [ "${DMARCQ_SANITIZED:-0}" != 1 ]; then  # ASan's quarantine holds freed memory
  checks=$((checks + 1))
  peak=$( { /usr/bin/time -f "%M" "$DMARCQ" --db "$DB" sql --format json --max-rows 0 \
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT i FROM n" |
    tail -c 30 >"$WORK/tail"; } 2>&1 | tail -1)
  [ "$peak" -lt 100000 ] || fail "sql of 3,000,000 rows peaked at $peak KiB"
  expect_grep '"i": 3000000}' "$WORK/tail"
fi
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

# A store that does not exist is a path that does not exist: a usage error.
expect_rc 1 "$DMARCQ" --db "$WORK/missing.db" summary
# Fatal: a database that cannot be used.
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

# A path that does not exist is a usage error (exit 1), not a reject kept forever:
# nothing is imported, not even the paths that exist.
expect_rc 1 "$DMARCQ" --db "$WORK/typo.db" import "$SRC/sample-reports" "$WORK/no-such-file.xml"
expect_grep "no-such-file.xml: no such file or directory" "$WORK/err"
checks=$((checks + 1))
[ ! -e "$WORK/typo.db" ] || fail "a usage error created the store"

# A store that is not there, a directory given as the store: said in the user's terms.
expect_rc 1 "$DMARCQ" --db "$WORK/never-imported.db" summary
expect_grep "no store at $WORK/never-imported.db: run \`dmarcq import\` first" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$WORK" summary
expect_grep "is a directory; --db takes a database file" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$WORK/no-dir/x.db" import "$SRC/sample-reports"
expect_grep "directory $WORK/no-dir does not exist" "$WORK/err"

# --verbose gives every entry of a walk its own line, also those never opened: a
# dangling symbolic link, a FIFO, a symbolic link to a directory, a hidden file.
mkdir -p "$WORK/walk/sub"
cp "$SRC/sample-reports/gmx.net!example.com!1795219200!1795305599.xml" "$WORK/walk/a.xml"
cp "$SRC/sample-reports/gmx.net!example.net!1794528000!1794614399.xml" "$WORK/walk/z.xml"
ln -s "$WORK/nowhere.xml" "$WORK/walk/b-dangling.xml"
mkfifo "$WORK/walk/c-fifo"
ln -s "$WORK/walk/sub" "$WORK/walk/d-dirlink"
echo hidden >"$WORK/walk/.e-hidden"
expect_rc 2 "$DMARCQ" --db "$WORK/walk.db" import --verbose "$WORK/walk"
sed -E 's/ in [0-9.]+ s$//' "$WORK/err" | grep '^dmarcq: file: ' >"$WORK/walk-lines"
checks=$((checks + 1))
cat >"$WORK/walk-expected" <<EOT
dmarcq: file: $WORK/walk/.e-hidden: 0 reports imported, 0 duplicates, 0 rejected, 1 skipped (not a report)
dmarcq: file: $WORK/walk/a.xml: 1 report imported, 0 duplicates, 0 rejected, 0 skipped (not a report)
dmarcq: file: $WORK/walk/b-dangling.xml: 0 reports imported, 0 duplicates, 1 rejected, 0 skipped (not a report)
dmarcq: file: $WORK/walk/c-fifo: 0 reports imported, 0 duplicates, 0 rejected, 1 skipped (not a report)
dmarcq: file: $WORK/walk/d-dirlink: 0 reports imported, 0 duplicates, 0 rejected, 1 skipped (not a report)
dmarcq: file: $WORK/walk/z.xml: 1 report imported, 0 duplicates, 0 rejected, 0 skipped (not a report)
EOT
diff -u "$WORK/walk-expected" "$WORK/walk-lines" >&2 || fail "--verbose per-entry lines differ"
expect_grep "^dmarcq: import: 2 files read" "$WORK/err"

# Two copies of one report (same reporter, id, domain and period) with different
# counts: the first is kept, whichever it is, and the conflict is said and listed.
mkdir -p "$WORK/conflict"
original="$SRC/sample-reports/gmx.net!example.com!1795219200!1795305599.xml"
cp "$original" "$WORK/conflict/1-first.xml"
first_count=$(grep -o '<count>[0-9]*</count>' "$original" | head -1)
sed "0,/<count>[0-9]*<\/count>/s//<count>7777<\/count>/" "$original" >"$WORK/conflict/2-second.xml"
checks=$((checks + 1))
cmp -s "$WORK/conflict/1-first.xml" "$WORK/conflict/2-second.xml" && fail "the forged copy is the same"
expect_rc 0 "$DMARCQ" --db "$WORK/conflict.db" import "$WORK/conflict"
expect_grep "import: 1 report imported, 1 duplicate, 0 rejected" "$WORK/err"
expect_grep "warning: import: 1 duplicate with different contents; the first copy of each is kept" "$WORK/err"
expect_grep "conflict: $WORK/conflict/2-second.xml: same report as $WORK/conflict/1-first.xml with different contents" "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$WORK/conflict.db" sql --format csv "SELECT kept_origin, other_origin FROM conflict"
expect_grep "1-first.xml,.*2-second.xml" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$WORK/conflict.db" sql --format csv "SELECT text FROM report_note WHERE text LIKE 'conflict:%'"
expect_grep "2-second.xml has the same identity with different contents" "$WORK/out"
[ -n "$first_count" ] || fail "no count in $original"

# Counts take decimal digits within a range: Boost.Program_options would read -1 into an
# unsigned option as 4294967295, and --jobs 100000 would start that many threads. Each
# is a usage error before any store is opened.
for bad in "--jobs=-1" "--jobs 0" "--jobs 100000" "--jobs 1e3" "--jobs 0x10" "--jobs ''" \
    "--max-members=-1" "--max-document-size 99999999999999999999" "--max-mime-depth 1025" \
    "--max-depth 9" "--max-message-size 4294967296" "--max-mime-headers 0"; do
  eval "args=($bad)"
  expect_rc 1 "$DMARCQ" --db "$WORK/never.db" import "${args[@]}" "$SRC/sample-reports"
  checks=$((checks + 1))
  [ ! -e "$WORK/never.db" ] || fail "import $bad opened the store"
done
expect_rc 1 "$DMARCQ" --db "$WORK/never.db" import --jobs 100000 "$SRC/sample-reports"
expect_grep "error: --jobs must be from 1 to 256" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$WORK/never.db" import --jobs=-1 "$SRC/sample-reports"
expect_grep "invalid" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$WORK/never.db" rejects --retry --max-mime-parts=-5
expect_rc 1 "$DMARCQ" --db "$DB" explain --top -1
expect_rc 1 "$DMARCQ" --db "$DB" explain --min-messages 99999999999999999999
finish
