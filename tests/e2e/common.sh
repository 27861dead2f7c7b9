# Sourced by every e2e script: $1 is the dmarcq binary, $2 the source tree.
set -u
DMARCQ=$1
SRC=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dmarcq-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# No config file or default store of the machine's user leaks into a test.
export XDG_CONFIG_HOME=$WORK/xdg-config XDG_DATA_HOME=$WORK/xdg-data
unset DMARCQ_DB DMARCQ_NOW
failures=0
checks=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_rc WANT COMMAND...: runs the command, stdout to $WORK/out, stderr to $WORK/err.
expect_rc() {
  local want=$1
  shift
  checks=$((checks + 1))
  "$@" >"$WORK/out" 2>"$WORK/err"
  local rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "exit $rc, wanted $want: $*"
    sed 's/^/  stderr: /' "$WORK/err" | head -5 >&2
  fi
}

# expect_same EXPECTED_FILE ACTUAL_FILE: golden comparison; DMARCQ_UPDATE_GOLDEN=1 rewrites.
expect_same() {
  checks=$((checks + 1))
  if [ "${DMARCQ_UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$(dirname "$1")"
    cp "$2" "$1"
    return
  fi
  if ! diff -u "$1" "$2" >&2; then fail "output differs from $1"; fi
}

# expect_grep PATTERN FILE
expect_grep() {
  checks=$((checks + 1))
  grep -q -e "$1" "$2" || { fail "no '$1' in $(basename "$2"):"; sed 's/^/  /' "$2" | head -8 >&2; }
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
}

# sql_rows DB QUERY...: each query's rows as CSV, one after the other.
sql_rows() {
  local db=$1 query
  shift
  for query in "$@"; do
    "$DMARCQ" --db "$db" sql --format csv "$query" || fail "sql on $db failed: $query"
  done
}

# store_contents DB: everything in a store but the times at which it was written (the
# result lists are in the fact rows, which the dkim_result/spf_result views read).
store_contents() {
  sql_rows "$1" \
    "SELECT id, reporter, report_id, domain, date_begin, date_end, record_count, message_count, origin, content_hash FROM report ORDER BY id" \
    "SELECT * FROM report_note ORDER BY 1, 2" \
    "SELECT * FROM report_day ORDER BY 1, 2" \
    "SELECT * FROM record ORDER BY id" \
    "SELECT * FROM fact ORDER BY id" \
    "SELECT * FROM day_total ORDER BY 1, 2, 3" \
    "SELECT * FROM fact_total ORDER BY 1, 2" \
    "SELECT report_ref, hex(packed) FROM report_facts ORDER BY 1" \
    "SELECT content_hash, origin, outcome, report_ref, detail FROM input ORDER BY content_hash" \
    "SELECT id, content_hash, origin, reason, error_kind, raw_size FROM reject ORDER BY id" \
    "SELECT content_hash, origin, imported, duplicates, rejected, skipped, no_report FROM message ORDER BY content_hash" \
    "SELECT content_hash, origin, imported, duplicates, mail_messages, with_report, no_report FROM file ORDER BY content_hash" \
    "PRAGMA integrity_check"
}
