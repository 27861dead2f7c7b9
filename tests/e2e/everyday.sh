#!/usr/bin/env bash
# Everyday use from cron and a shell: where the store lives (XDG) and the config file,
# --quiet printing nothing on success, exit codes of a cron sequence with an old
# reject, honest answers for a mistyped domain or an empty window, sizes in human
# units, and the progress line at 80 columns under a pseudo-terminal.
source "$(dirname "$0")/common.sh"
cd "$WORK"
SAMPLES=$SRC/sample-reports

# No --db, no $DMARCQ_DB, no config: the store is $XDG_DATA_HOME/dmarcq/dmarcq.db,
# created on the first import (said once), wherever the command runs.
expect_rc 1 "$DMARCQ" summary
expect_grep "no store at $XDG_DATA_HOME/dmarcq/dmarcq.db: run \`dmarcq import\` first" "$WORK/err"
expect_rc 2 "$DMARCQ" import "$SAMPLES"
expect_grep "^dmarcq: created the store $XDG_DATA_HOME/dmarcq/dmarcq.db" "$WORK/err"
checks=$((checks + 1))
[ -f "$XDG_DATA_HOME/dmarcq/dmarcq.db" ] || fail "the default store was not created"
mkdir -p elsewhere
(cd elsewhere && expect_rc 0 "$DMARCQ" summary --format csv)
expect_grep "^example.co.jp,1582," "$WORK/out"
# Without XDG_DATA_HOME, the XDG default under $HOME.
expect_rc 1 env -u XDG_DATA_HOME HOME="$WORK/home" "$DMARCQ" summary
expect_grep "no store at $WORK/home/.local/share/dmarcq/dmarcq.db" "$WORK/err"
# A dmarcq.db in the current directory is not picked up silently: the error says how.
touch dmarcq.db
expect_rc 1 env -u XDG_DATA_HOME HOME="$WORK/home" "$DMARCQ" summary
expect_grep "a dmarcq.db in this directory is used only with --db dmarcq.db" "$WORK/err"
rm dmarcq.db

# Cron sequence: an input that an earlier run rejected, read again, keeps exit 0, so
# `import && digest` goes on; --quiet prints nothing then.
expect_rc 0 "$DMARCQ" -q import "$SAMPLES"
checks=$((checks + 1))
[ ! -s "$WORK/err" ] && [ ! -s "$WORK/out" ] || fail "-q import printed: $(cat "$WORK/err")"
expect_rc 0 sh -c "'$DMARCQ' --quiet import '$SAMPLES' && '$DMARCQ' digest --quiet --week 2026-W47 --out '$WORK/d.csv'"
checks=$((checks + 2))
[ -s "$WORK/d.csv" ] || fail "the digest after import was not written"
[ ! -s "$WORK/err" ] || fail "the quiet cron sequence printed: $(cat "$WORK/err")"
# A new reject is not success: --quiet still says what was rejected, and exit 2.
printf '<feedback><report_metadata>' >"$WORK/new-broken.xml"
expect_rc 2 "$DMARCQ" -q import "$WORK/new-broken.xml"
expect_grep "^dmarcq: rejected: $WORK/new-broken.xml" "$WORK/err"
for command in "summary" "explain" "senders" "rejects" "sql SELECT(1)" "rebuild" \
    "digest --week 2026-W47"; do
  # shellcheck disable=SC2086
  expect_rc 0 "$DMARCQ" --quiet $command
  checks=$((checks + 1))
  [ ! -s "$WORK/err" ] || fail "--quiet $command printed on stderr: $(head -3 "$WORK/err")"
done
# rejects --forget: one reject by its hash, then all of them.
expect_rc 0 "$DMARCQ" rejects --format json
first=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/out")
expect_rc 0 "$DMARCQ" rejects --forget "$first"
expect_grep "^dmarcq: rejects: forgot 1 reject" "$WORK/err"
expect_rc 0 "$DMARCQ" rejects --format csv
checks=$((checks + 1))
[ "$(tail -n +2 "$WORK/out" | wc -l)" -eq 1 ] || fail "--forget ID left: $(cat "$WORK/out")"
expect_rc 0 "$DMARCQ" rejects --format json
second=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$WORK/out")
expect_rc 0 "$DMARCQ" rejects --forget "$second" --forget "$second"
expect_grep "^dmarcq: rejects: forgot 1 reject" "$WORK/err"
expect_rc 1 "$DMARCQ" rejects --forget 0123456789abcdef
expect_grep "no reject with the id 0123456789abcdef" "$WORK/err"
expect_rc 0 "$DMARCQ" rejects --forget-all
expect_rc 0 "$DMARCQ" rejects --format csv
checks=$((checks + 1))
[ "$(wc -l <"$WORK/out")" -eq 1 ] || fail "--forget-all left: $(cat "$WORK/out")"
# A forgotten reject read again counts as rejected before: exit 0, and not listed again.
expect_rc 0 "$DMARCQ" import "$WORK/new-broken.xml"
expect_grep "1 rejected (1 already by an earlier run)" "$WORK/err"
expect_rc 0 "$DMARCQ" rejects --format csv
checks=$((checks + 1))
[ "$(wc -l <"$WORK/out")" -eq 1 ] || fail "a forgotten reject came back: $(cat "$WORK/out")"
expect_rc 1 "$DMARCQ" rejects --forget 'zz%'
expect_grep "is not a reject id" "$WORK/err"

# The config file: db, lang, tz, catalog; --config names another file; errors name
# the file and line.
mkdir -p "$XDG_CONFIG_HOME/dmarcq"
cp "$XDG_DATA_HOME/dmarcq/dmarcq.db" "$WORK/configured.db"
printf 'db = "%s"\nlang = "ja"\n' "$WORK/configured.db" >"$XDG_CONFIG_HOME/dmarcq/config.toml"
expect_rc 0 "$DMARCQ" explain --domain example.co.jp --top 1
expect_grep "送信" "$WORK/out"
expect_rc 0 "$DMARCQ" explain --domain example.co.jp --top 1 --lang en
expect_grep "Salesforce" "$WORK/out"
rm "$WORK/configured.db"
expect_rc 1 "$DMARCQ" summary
expect_grep "no store at $WORK/configured.db" "$WORK/err"
printf 'db = "x.db"\ncolour = "red"\n' >"$WORK/bad.toml"
expect_rc 1 "$DMARCQ" --config "$WORK/bad.toml" summary
expect_grep "bad.toml:2: unknown key 'colour' (known: db, catalog, lang, tz)" "$WORK/err"
printf 'lang = 3\n' >"$WORK/bad.toml"
expect_rc 1 "$DMARCQ" --config "$WORK/bad.toml" summary
expect_grep "bad.toml:1: 'lang' must be a string" "$WORK/err"
printf 'db = [\n' >"$WORK/bad.toml"
expect_rc 1 "$DMARCQ" --config "$WORK/bad.toml" summary
expect_grep "bad.toml:" "$WORK/err"
expect_rc 1 "$DMARCQ" --config "$WORK" summary
expect_grep "config file $WORK: is a directory" "$WORK/err"
expect_rc 1 "$DMARCQ" --db= summary
expect_grep "db needs a non-empty value" "$WORK/err"
expect_rc 1 "$DMARCQ" summary --db ""
expect_grep "db needs a non-empty PATH" "$WORK/err"
expect_rc 1 "$DMARCQ" --config "$WORK/none.toml" summary
expect_grep "config file $WORK/none.toml: cannot read" "$WORK/err"
# A broken config file does not stop --help; a bad tz in it names the file.
printf 'colour = 1\n' >"$XDG_CONFIG_HOME/dmarcq/config.toml"
expect_rc 0 "$DMARCQ" summary --help
expect_rc 1 "$DMARCQ" summary
expect_grep "config.toml:1: unknown key 'colour'" "$WORK/err"
printf 'tz = "Asia/Tokio"\n' >"$XDG_CONFIG_HOME/dmarcq/config.toml"
expect_rc 1 "$DMARCQ" --db "$XDG_DATA_HOME/dmarcq/dmarcq.db" digest
expect_grep "config.toml: tz: unknown time zone 'Asia/Tokio'" "$WORK/err"
printf 'db = "~/x.db"\n' >"$WORK/tilde.toml"
expect_rc 1 env -u HOME "$DMARCQ" --config "$WORK/tilde.toml" summary
expect_grep "tilde.toml:1: '~' needs \$HOME, which is not set" "$WORK/err"
printf 'db = "a\\u0000b"\n' >"$WORK/nul.toml"
expect_rc 1 "$DMARCQ" --config "$WORK/nul.toml" summary
expect_grep "nul.toml:1: 'db' holds a NUL character" "$WORK/err"
rm "$XDG_CONFIG_HOME/dmarcq/config.toml"
# A $TZ the zone database lacks is said, not silently UTC.
expect_rc 0 env TZ=Asia/Tokio "$DMARCQ" digest --week 2026-W47
expect_grep "TZ 'Asia/Tokio' is not a known time zone; the C library uses UTC" "$WORK/err"
expect_rc 0 env TZ=JST-9 "$DMARCQ" digest --week 2026-W47
checks=$((checks + 1))
! grep -q "not a known time zone" "$WORK/err" || fail "a POSIX TZ rule was refused"
# With neither HOME nor XDG_DATA_HOME the store is ./dmarcq.db.
mkdir -p "$WORK/nohome"
(cd "$WORK/nohome" && expect_rc 0 env -u HOME -u XDG_DATA_HOME -u XDG_CONFIG_HOME "$DMARCQ" import "$SAMPLES/gmx.net!example.net!1794528000!1794614399.xml")
checks=$((checks + 1))
[ -f "$WORK/nohome/dmarcq.db" ] || fail "no ./dmarcq.db without HOME"
# sql prints integers as SQLite gives them; other tables group them.
expect_rc 0 "$DMARCQ" sql "SELECT 2026 AS year, 1794960000 AS t"
expect_grep "^2026  1794960000$" "$WORK/out"
# A relative db in the config is relative to the config file.
printf 'db = "stores/rel.db"\n' >"$WORK/rel.toml"
mkdir -p "$WORK/stores"
expect_rc 2 "$DMARCQ" --config "$WORK/rel.toml" import "$SAMPLES"
checks=$((checks + 1))
[ -f "$WORK/stores/rel.db" ] || fail "config db not relative to the config file"
# --catalog on either side of the command.
printf '[[sender]]\nid = "acme"\nname = "Acme Mailer"\ntype = "SaaS"\nenvelope_is_customer_domain = false\nfix = "vendor-envelope"\nenvelope_suffixes = ["acme.example"]\n' >"$WORK/acme.toml"
expect_rc 0 "$DMARCQ" senders --catalog "$WORK/acme.toml" --format csv
expect_grep "^acme,Acme Mailer" "$WORK/out"
expect_rc 0 "$DMARCQ" --catalog "$WORK/acme.toml" senders --format csv
expect_grep "^acme,Acme Mailer" "$WORK/out"

# Never silently empty: a mistyped domain is an error naming the nearest domains; a
# window without reports says what the store holds.
for command in explain summary; do
  expect_rc 1 "$DMARCQ" "$command" --domain exmaple.co.jp
  expect_grep "no report in the store covers the domain exmaple.co.jp; did you mean example.co.jp?" "$WORK/err"
  checks=$((checks + 1))
  [ ! -s "$WORK/out" ] || fail "$command printed data for a mistyped domain"
  expect_rc 0 "$DMARCQ" "$command" --from 2025-01-01 --to 2025-01-31
  expect_grep "^dmarcq: warning: no report covers from 2025-01-01 to 2025-01-31; the store holds reports from 2026-11-09 to 2026-11-21" "$WORK/err"
done
expect_rc 0 "$DMARCQ" explain --domain example.co.jp --from 2025-01-01 --to 2025-01-31 --format json
expect_grep "^\[\]$" "$WORK/out"
# Relative days count from today in --tz: DMARCQ_NOW fixes the clock.
expect_rc 0 env DMARCQ_NOW=2026-11-22T01:00:00+09:00 "$DMARCQ" summary --tz Asia/Tokyo --from yesterday --by day --format csv
checks=$((checks + 1))
[ "$(cut -d, -f1 "$WORK/out" | tr '\n' ' ')" = "day 2026-11-21 " ] || fail "--from yesterday in Tokyo: $(cat "$WORK/out")"
expect_rc 0 env DMARCQ_NOW=2026-11-22T01:00:00+09:00 "$DMARCQ" summary --tz UTC --from 1d --by day --format csv
checks=$((checks + 1))
[ "$(cut -d, -f1 "$WORK/out" | tr '\n' ' ')" = "day 2026-11-20 2026-11-21 " ] || fail "--from 1d in UTC: $(cat "$WORK/out")"
expect_rc 1 "$DMARCQ" summary --from 3x

# The cron recipe of README.md, run as cron would (sh, a home of its own), with a
# mail program that records what it was given: the import, a dated Excel-ready
# digest, and the mail with it attached.
cron_line=$(grep -m1 '^0 9 \* \* 1  ' "$SRC/README.md" | sed -e 's/^0 9 \* \* 1  //' -e 's/\\%/%/g')
checks=$((checks + 1))
[ -n "$cron_line" ] || fail "no cron line in README.md"
grep -qF "$(printf '%s' "$cron_line" | cut -c1-40)" <("$DMARCQ" digest --help | tr -d '\\') ||
  fail "digest --help and README.md show different cron recipes"
mkdir -p "$WORK/cronhome/Maildir" "$WORK/bin"
cp -r "$SAMPLES/mail/maildir" "$WORK/cronhome/Maildir/.DMARC"
cat >"$WORK/bin/mail" <<'SH'
#!/bin/sh
printf '%s\n' "$@" >"$HOME/mail.args"
cat >"$HOME/mail.body"
SH
chmod +x "$WORK/bin/mail"
expect_rc 0 env -i HOME="$WORK/cronhome" PATH="$(dirname "$DMARCQ"):$WORK/bin:/usr/bin:/bin" \
  sh -c "$cron_line"
week=$(date -d '7 days ago' +%G-W%V)
checks=$((checks + 3))
[ -f "$WORK/cronhome/dmarc/digest-$week.csv" ] || fail "the cron recipe wrote no digest-$week.csv"
[ -f "$WORK/cronhome/.local/share/dmarcq/dmarcq.db" ] || fail "the cron recipe made no store"
grep -qx -- "-A" "$WORK/cronhome/mail.args" && grep -qx -- "$WORK/cronhome/dmarc/digest-$week.csv" "$WORK/cronhome/mail.args" ||
  fail "the digest was not attached: $(cat "$WORK/cronhome/mail.args" 2>/dev/null)"
# The same Monday as if it were 2026-11-23, the week after the sample mail (a date
# that answers the recipe's question): the digest holds the week's rows, Excel-ready,
# and the quiet run prints nothing for cron to mail.
cat >"$WORK/bin/date" <<'SH'
#!/bin/sh
echo 2026-W47
SH
chmod +x "$WORK/bin/date"
expect_rc 0 env -i HOME="$WORK/cronhome" PATH="$WORK/bin:$(dirname "$DMARCQ"):/usr/bin:/bin" \
  sh -c "$cron_line"
checks=$((checks + 3))
[ ! -s "$WORK/err" ] || fail "the quiet cron run printed: $(cat "$WORK/err")"
grep -q '^2026-W47,example.net,all,all mail,' "$WORK/cronhome/dmarc/digest-2026-W47.csv" ||
  fail "the cron digest has no example.net total: $(head -c 300 "$WORK/cronhome/dmarc/digest-2026-W47.csv")"
[ "$(head -c 3 "$WORK/cronhome/dmarc/digest-2026-W47.csv" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] ||
  fail "the cron digest has no BOM"

# summary --by source: busiest first; --sort any column, --top N with a note.
expect_rc 0 "$DMARCQ" summary --by source --domain example.co.jp --format csv --top 2
checks=$((checks + 1))
[ "$(cut -d, -f1,2 "$WORK/out" | tr '\n' ' ')" = "source,messages 13.110.74.200,821 13.110.242.177,509 " ] ||
  fail "--by source --top 2: $(cat "$WORK/out")"
expect_grep "summary: the first 2 of 7 rows (--top)" "$WORK/err"
expect_rc 0 "$DMARCQ" summary --sort dmarc_fail --format csv
checks=$((checks + 1))
[ "$(tail -n +2 "$WORK/out" | cut -d, -f1 | tr '\n' ' ')" = "example.co.jp example.com example.net " ] ||
  fail "--sort dmarc_fail: $(cat "$WORK/out")"
expect_rc 1 "$DMARCQ" summary --sort colour
expect_grep "unknown --sort column 'colour' (choose from domain, messages" "$WORK/err"
expect_rc 1 "$DMARCQ" summary --top 0

# The same broken bytes twice in one run are two new rejects, not one "by an earlier run".
mkdir -p "$WORK/twice"
printf '<feedback><report_metadata>' >"$WORK/twice/a.xml"
cp "$WORK/twice/a.xml" "$WORK/twice/b.xml"
expect_rc 2 "$DMARCQ" --db "$WORK/twice.db" import "$WORK/twice"
expect_grep "import: 0 reports imported, 0 duplicates, 2 rejected, 0 skipped" "$WORK/err"

# A reject without bytes (a file over the size limit) met again is not new: exit 0.
head -c 10000 /dev/zero | tr '\0' 'x' >"$WORK/huge.xml"
expect_rc 2 "$DMARCQ" --db "$WORK/huge.db" import --max-input-size 4K "$WORK/huge.xml"
expect_rc 0 "$DMARCQ" --db "$WORK/huge.db" import --max-input-size 4K "$WORK/huge.xml"
expect_grep "1 rejected (1 already by an earlier run)" "$WORK/err"

# An Outlook .pst larger than --max-input-size still gets the hint, not a size limit.
{ printf '!BDN'; head -c 8192 /dev/zero; } >"$WORK/Outlook.pst"
expect_rc 2 "$DMARCQ" --db "$WORK/pst.db" import --max-input-size 4K "$WORK/Outlook.pst"
expect_grep "Outlook.pst: Outlook data file (.pst or .ost): export the DMARC folder as mbox" "$WORK/err"

# --excel wherever CSV is written; with another format it is a usage error.
for command in "summary" "rejects" "senders" "explain" "sql SELECT(1)"; do
  # shellcheck disable=SC2086
  expect_rc 0 "$DMARCQ" $command --format csv --excel
  checks=$((checks + 1))
  [ "$(head -c 3 "$WORK/out" | od -An -tx1 | tr -d ' ')" = "efbbbf" ] || fail "$command --excel: no BOM"
done
expect_rc 1 "$DMARCQ" summary --excel
expect_grep "excel goes with --format csv" "$WORK/err"

# rebuild of a store that does not exist is a usage error, not an empty store.
expect_rc 1 "$DMARCQ" --db "$WORK/none.db" rebuild
expect_grep "no store at $WORK/none.db: run \`dmarcq import\` first" "$WORK/err"
for command in "rejects --forget-all" "rejects --retry" "rejects --forget 3f1b1267e7bc"; do
  # shellcheck disable=SC2086
  expect_rc 1 "$DMARCQ" --db "$WORK/none.db" $command
done
checks=$((checks + 1))
[ ! -e "$WORK/none.db" ] || fail "rebuild created a store"

# Sizes in human units.
expect_rc 0 "$DMARCQ" import --help
expect_grep "max-document-size SIZE (=32M)" "$WORK/out"
expect_rc 0 "$DMARCQ" --db "$WORK/sizes.db" import --max-document-size 64M --max-message-size 512K "$SAMPLES/gmx.net!example.net!1794528000!1794614399.xml"
expect_rc 1 "$DMARCQ" --db "$WORK/sizes.db" import --max-document-size 64X "$SAMPLES"
expect_rc 1 "$DMARCQ" --db "$WORK/sizes.db" import --max-document-size 5G "$SAMPLES"
expect_grep "must be from 1 to 4G" "$WORK/err"

# The progress line fits 80 columns: under a pseudo-terminal 80 wide, no line drawn
# is 80 characters or more.
if command -v script >/dev/null; then
  python3 "$SRC/scripts/gen-corpus" --out "$WORK/corpus" --reports 400 --seed 3 2>/dev/null
  COLUMNS=80 script -qec "stty cols 80; '$DMARCQ' --db '$WORK/pty.db' import --jobs 1 '$WORK/corpus'" /dev/null >"$WORK/pty.out" 2>&1
  checks=$((checks + 1))
  python3 - "$WORK/pty.out" <<'PY' || fail "a progress line is wider than 79 columns"
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
drawn = [line for line in re.split(r"[\r\n]", re.sub(r"\x1b\[K", "", text))
         if line.startswith("importing:")]
assert drawn, "no progress line drawn: " + repr(text[:300])
for line in drawn:
    assert len(line) < 80, repr(line)
PY
  # Tables fit the terminal too: names fold, gaps narrow, text is cut with a note;
  # domains and numbers stay whole in the summary at 80 columns.
  COLUMNS=80 script -qec "stty cols 80; '$DMARCQ' summary; '$DMARCQ' rejects; '$DMARCQ' senders" /dev/null >"$WORK/tables.out" 2>&1
  checks=$((checks + 3))
  python3 - "$WORK/tables.out" <<'PY' || fail "a table line is wider than 80 columns"
import sys
for line in open(sys.argv[1], encoding="utf-8").read().replace("\r", "").split("\n"):
    assert len(line) <= 80 or line.startswith("dmarcq:"), repr(line)
PY
  grep -q "^example.co.jp  *1,582 " "$WORK/tables.out" || fail "the summary at 80 columns cut a domain: $(head -8 "$WORK/tables.out")"
  grep -q "cells were cut to fit the terminal" "$WORK/tables.out" || fail "no note that cells were cut"
fi
finish
