#!/usr/bin/env bash
# The weekly digest: golden files for two weeks of the samples (a report spans the
# W46/W47 boundary; a source sends in W46 only), spreadsheet mode, --all-weeks, and on
# generated data, per-domain sums equal to summary for every week.
source "$(dirname "$0")/common.sh"
GOLDEN=$SRC/tests/golden/e2e
DB=$WORK/digest.db
cd "$SRC"
"$DMARCQ" --db "$DB" import --quiet sample-reports >/dev/null 2>&1

for week in 2026-W46 2026-W47; do
  expect_rc 0 "$DMARCQ" --db "$DB" digest --week "$week" --lang en
  expect_same "$GOLDEN/digest-$week.csv" "$WORK/out"
done
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --lang ja --domain example.com
expect_same "$GOLDEN/digest-2026-W47-example.com.ja.csv" "$WORK/out"

# The IPv6 relay of example.net sends in W46 only: it has no W47 row, and W47 rows
# without a previous week leave the _prev_week cells empty.
expect_grep '^2026-W46,example.net,unknown,unknown sources,203.0.113.77 2001:db8:' "$GOLDEN/digest-2026-W46.csv"
checks=$((checks + 1))
! grep -q '2001:db8:' "$GOLDEN/digest-2026-W47.csv" || fail "the W46-only source appears in W47"

# Spreadsheet mode: a file gets a BOM and CRLF (Japanese Excel reads a CSV without the
# BOM as Shift_JIS), standard output neither unless --excel; --no-excel leaves them out.
bom() { [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = "efbbbf" ]; }
crlf() { [ "$(head -n 1 "$1" | tail -c 2 | od -An -tx1 | tr -d ' ')" = "0d0a" ]; }
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --out "$WORK/file.csv"
checks=$((checks + 2))
bom "$WORK/file.csv" || fail "no BOM in a file"
crlf "$WORK/file.csv" || fail "no CRLF in a file"
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --no-excel --out "$WORK/plain.csv"
checks=$((checks + 1))
! bom "$WORK/plain.csv" && ! crlf "$WORK/plain.csv" || fail "BOM or CRLF with --no-excel"
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47
checks=$((checks + 1))
! bom "$WORK/out" || fail "BOM on standard output without --excel"
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --excel
checks=$((checks + 2))
bom "$WORK/out" || fail "no BOM with --excel"
crlf "$WORK/out" || fail "no CRLF with --excel"
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W47 --excel --no-excel
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W47 --format json --excel

# Each domain opens with its total row: the domain-level findings and the reporters.
# Its severity is the worst of the domain (Salesforce fails), its causes the domain's own.
expect_grep '^2026-W47,example.co.jp,all,all mail,,936,135,801,14.4,.*policy_none;enforcement_readiness,fail,' "$GOLDEN/digest-2026-W47.csv"
# JSON: typed values, English keys whatever the language.
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W47 --format json --lang ja --domain example.co.jp
checks=$((checks + 1))
python3 - "$WORK/out" <<'PY' || fail "digest JSON is not as expected"
import json, sys
rows = json.load(open(sys.argv[1], encoding="utf-8"))
first = rows[0]
assert first["sender"] == "all" and first["sender_name"] == "すべてのメール", first
assert first["messages"] == sum(r["messages"] for r in rows[1:]), rows
assert first["reporters"] == 2 and first["reporters_prev_week"] == 3, first
# Ids for scripts in every language: causes as a list, severity as an id; the fix is
# in the chosen language.
assert first["causes"] == ["policy_none", "enforcement_readiness"], first
assert first["severity"] == "fail", first
assert "ポリシー" in first["fix"], first
assert isinstance(first["pass_rate"], float), first
PY
# Reporters missing against the week before are said on stderr, with when to run again
# while the week is recent.
expect_rc 0 env DMARCQ_NOW=2026-11-24T09:00:00Z "$DMARCQ" --db "$DB" digest --domain example.co.jp
expect_grep '^dmarcq: digest: 2026-W47: reports from 2 of the 3 reporters of the week before (missing: yahoo); .*run again after 2026-11-24' "$WORK/err"
# Later than two days after the week, no date to wait for.
expect_rc 0 env DMARCQ_NOW=2026-11-27T09:00:00Z TZ=UTC "$DMARCQ" --db "$DB" digest --week 2026-W47 --domain example.co.jp
expect_grep 'reports from 2 of the 3 reporters of the week before (missing: yahoo)$' "$WORK/err"
# A week that is not over yet is partial, and says so.
expect_rc 0 env DMARCQ_NOW=2026-11-19T12:00:00Z TZ=UTC "$DMARCQ" --db "$DB" digest --week 2026-W47
expect_grep '^dmarcq: warning: digest: 2026-W47 is not over yet (today is 2026-11-19 in UTC): its figures are partial' "$WORK/err"
# csv or json only; a missing --out directory is a usage error.
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W47 --format table
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W47 --out "$WORK/no/such/dir/d.csv"
expect_grep "directory $WORK/no/such/dir does not exist" "$WORK/err"
# --all-weeks on a store without reports says so.
"$DMARCQ" --db "$WORK/empty.db" import - </dev/null 2>/dev/null
expect_rc 0 "$DMARCQ" --db "$WORK/empty.db" digest --all-weeks --out-dir "$WORK/none"
expect_grep "digest: the store holds no reports: no week to write" "$WORK/err"
expect_rc 0 env DMARCQ_NOW=2026-11-24T09:00:00Z "$DMARCQ" -q --db "$DB" digest --domain example.co.jp
checks=$((checks + 1))
[ ! -s "$WORK/err" ] || fail "--quiet digest printed: $(cat "$WORK/err")"

# The default week is the last complete one in the user's zone: Monday 07:00 in Tokyo
# is still Sunday in UTC.
monday_tokyo=2026-11-23T07:00:00+09:00
expect_rc 0 env DMARCQ_NOW=$monday_tokyo TZ=Asia/Tokyo "$DMARCQ" --db "$DB" digest
expect_same "$GOLDEN/digest-2026-W47.csv" "$WORK/out"
expect_rc 0 env DMARCQ_NOW=$monday_tokyo TZ=UTC "$DMARCQ" --db "$DB" digest
expect_same "$GOLDEN/digest-2026-W46.csv" "$WORK/out"
expect_rc 0 env DMARCQ_NOW=$monday_tokyo TZ=UTC "$DMARCQ" --db "$DB" digest --tz Asia/Tokyo
expect_same "$GOLDEN/digest-2026-W47.csv" "$WORK/out"
printf 'tz = "Asia/Tokyo"\n' >"$WORK/tokyo.toml"
expect_rc 0 env DMARCQ_NOW=$monday_tokyo TZ=UTC "$DMARCQ" --config "$WORK/tokyo.toml" --db "$DB" digest
expect_same "$GOLDEN/digest-2026-W47.csv" "$WORK/out"
expect_rc 1 "$DMARCQ" --db "$DB" digest --tz Asia/Tokio
expect_grep "unknown time zone 'Asia/Tokio'" "$WORK/err"
expect_rc 1 env DMARCQ_NOW=yesterday "$DMARCQ" --db "$DB" digest
expect_grep 'DMARCQ_NOW' "$WORK/err"

# Never silently empty: a default week without reports is a warning with the newest
# week that has them; a named empty week says so too; a mistyped domain is an error.
expect_rc 0 env DMARCQ_NOW=2026-12-08T09:00:00Z "$DMARCQ" --db "$DB" digest
expect_grep '^dmarcq: warning: digest: no reports for 2026-W49 .*the newest reports are for 2026-11-21 (2026-W47: dmarcq digest --week 2026-W47); are reports still arriving?' "$WORK/err"
expect_grep '^week,domain,' "$WORK/out"
expect_rc 0 env DMARCQ_NOW=2026-12-08T09:00:00Z "$DMARCQ" -q --db "$DB" digest
expect_grep 'no reports for 2026-W49' "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$DB" digest --week 2026-W10
expect_grep 'no reports for 2026-W10 (2026-03-02 to 2026-03-08); the newest reports' "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W47 --domain exmaple.co.jp
expect_grep 'no report in the store covers the domain exmaple.co.jp; did you mean example.co.jp?' "$WORK/err"
checks=$((checks + 1))
[ ! -s "$WORK/out" ] || fail "a mistyped domain printed a digest"

# --all-weeks writes every complete week once; a week that ended less than 7 days ago
# is rewritten on each run (its last days' reports arrive late), older ones are kept.
expect_rc 0 env DMARCQ_NOW=2026-11-25T09:00:00Z "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/weeks"
checks=$((checks + 1))
[ "$(ls "$WORK/weeks")" = "$(printf 'dmarcq-digest-2026-W46.csv\ndmarcq-digest-2026-W47.csv')" ] || fail "wrong --all-weeks files: $(ls "$WORK/weeks")"
expect_same "$GOLDEN/digest-2026-W46.csv" <(tail -c +4 "$WORK/weeks/dmarcq-digest-2026-W46.csv" | tr -d '\r')
expect_rc 0 env DMARCQ_NOW=2026-11-25T09:00:00Z "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/weeks"
expect_grep "kept .*dmarcq-digest-2026-W46.csv (its week is settled; --force rewrites it)" "$WORK/err"
expect_grep "rewrote .*dmarcq-digest-2026-W47.csv (reports for it may still arrive: rewritten until 2026-11-29)" "$WORK/err"
expect_rc 0 env DMARCQ_NOW=2026-11-30T09:00:00Z "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/weeks" --force
expect_grep "rewrote .*dmarcq-digest-2026-W46.csv$" "$WORK/err"
expect_rc 0 env DMARCQ_NOW=2026-11-18T09:00:00Z "$DMARCQ" --db "$DB" digest --all-weeks --out-dir "$WORK/running"
expect_grep "2026-W47 is not over yet, not written" "$WORK/err"
expect_rc 1 "$DMARCQ" --db "$DB" digest --week 2026-W99
expect_rc 1 "$DMARCQ" --db "$DB" digest --all-weeks

# Generated data: for every week, each domain's digest rows add up to summary.
python3 "$SRC/scripts/gen-corpus" --out "$WORK/corpus" --reports 300 --seed 7 --domains 3 2>/dev/null
"$DMARCQ" --db "$WORK/gen.db" import --quiet "$WORK/corpus" >/dev/null 2>&1
"$DMARCQ" --db "$WORK/gen.db" summary --by domain,week --format csv | tail -n +2 | cut -d, -f1-3 | sort >"$WORK/summary.txt"
: >"$WORK/digest.txt"
for week in $(cut -d, -f2 "$WORK/summary.txt" | sort -u); do
  "$DMARCQ" --db "$WORK/gen.db" digest --week "$week" >"$WORK/week.csv"
  python3 - "$WORK/week.csv" >>"$WORK/digest.txt" <<'PY'
import csv, sys, collections
sums, totals = collections.Counter(), collections.Counter()
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    key = (row["domain"], row["week"])
    (totals if row["sender"] == "all" else sums)[key] += int(row["messages"])
assert sums == totals, (sums, totals)
for (domain, week), messages in sums.items():
    print(f"{domain},{week},{messages}")
PY
done
sort -o "$WORK/digest.txt" "$WORK/digest.txt"
expect_same "$WORK/summary.txt" "$WORK/digest.txt"
checks=$((checks + 1))
[ "$(wc -l <"$WORK/summary.txt")" -ge 9 ] || fail "the generated corpus spans too few weeks"
finish
