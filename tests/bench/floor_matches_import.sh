#!/usr/bin/env bash
# The benchmark's floor (dmarcq_floor) and `dmarcq import` find the same reports and
# records in the same inputs. Both are checked at once: they share no code (GMime's
# mbox mode against dmarcq's own splitter, a bare pugixml walk against the report
# parser), so a report or record that one of them loses shows up as a difference.
# Usage: floor_matches_import.sh FLOOR DMARCQ SOURCE_DIR
FLOOR=$1
source "$(dirname "$0")/../e2e/common.sh" "$2" "$3"
cd "$SRC"

# floor_counts PATH...: sets floor_reports, floor_records, floor_xml_bytes, floor_mail.
floor_counts() {
  expect_rc 0 "$FLOOR" "$@"
  read -r floor_reports floor_records floor_xml_bytes < <(
    sed -nE 's/^floor: ([0-9]+) reports, ([0-9]+) records, ([0-9]+) bytes of XML$/\1 \2 \3/p' \
      "$WORK/out")
  floor_mail=$(sed -nE 's/.* ([0-9]+) mail messages read$/\1/p' "$WORK/err")
}

# import_counts WANT_RC PATH...: imports into a fresh store and sets imported,
# duplicates, rejected, records and mail from its accounting (0 when absent).
import_counts() {
  local want=$1
  shift
  rm -f "$WORK/fresh.db"*
  expect_rc "$want" "$DMARCQ" --db "$WORK/fresh.db" import "$@"
  local numbers
  numbers=$(sed -E 's/([0-9]),([0-9])/\1\2/g' "$WORK/err")  # 3,444 -> 3444
  imported=$(sed -nE 's/.* ([0-9]+) reports? imported.*/\1/p' <<<"$numbers")
  duplicates=$(sed -nE 's/.* ([0-9]+) duplicates?, .*/\1/p' <<<"$numbers")
  rejected=$(sed -nE 's/.* ([0-9]+) rejected.*/\1/p' <<<"$numbers")
  records=$(sed -nE 's/.* ([0-9]+) records? and .*/\1/p' <<<"$numbers")
  mail=$(sed -nE 's/.* ([0-9]+) mail messages?: .*/\1/p' <<<"$numbers")
  mail=${mail:-0}
}

# expect_equal WHAT LEFT RIGHT
expect_equal() {
  checks=$((checks + 1))
  [ -n "$2" ] && [ "$2" = "$3" ] || fail "$1: $2 != $3"
}

# All of sample-reports: files, archives, an mbox, a Maildir, .eml messages (forwarded
# twice, a pasted body), duplicates and a broken report. The floor counts every report
# document each time it occurs, as dmarcq's accounting does (imported, duplicate or
# rejected); its record count includes the duplicates, which dmarcq does not store.
floor_counts sample-reports
import_counts 2 sample-reports
expect_equal "sample-reports: report documents" "$floor_reports" \
  "$((imported + duplicates + rejected))"
expect_equal "sample-reports: mail messages" "$floor_mail" "$mail"
expect_equal "sample-reports: report documents (as documented)" "$floor_reports" 40

# The report files alone hold no duplicate and no broken report: every record counts.
mapfile -t report_files < <(ls sample-reports/*.zip sample-reports/*.xml.gz sample-reports/gmx*.xml)
floor_counts "${report_files[@]}"
import_counts 0 "${report_files[@]}"
expect_equal "report files: duplicates and rejects" "$((duplicates + rejected))" 0
expect_equal "report files: reports" "$floor_reports" "$imported"
expect_equal "report files: records" "$floor_records" "$records"

# A generated mailbox (mboxrd, CRLF, Takeout separators, mail without reports mixed
# in): the generator's own totals make a third witness, XML bytes included.
python3 scripts/gen-corpus --mbox "$WORK/generated.mbox" --reports 40 --records-max 30 \
  --seed 11 --spam 0.1 --crlf 2>"$WORK/generated.txt"
read -r gen_reports gen_records gen_xml_bytes gen_mail < <(
  sed -nE 's/^gen-corpus: .*\(([0-9]+) reports.*, ([0-9]+) records, .*, ([0-9]+) bytes of XML, ([0-9]+) messages.*/\1 \2 \3 \4/p' \
    "$WORK/generated.txt")
floor_counts "$WORK/generated.mbox"
import_counts 0 "$WORK/generated.mbox"
expect_equal "generated mbox: reports (floor, dmarcq)" "$floor_reports" "$imported"
expect_equal "generated mbox: reports (floor, gen-corpus)" "$floor_reports" "$gen_reports"
expect_equal "generated mbox: records (floor, dmarcq)" "$floor_records" "$records"
expect_equal "generated mbox: records (floor, gen-corpus)" "$floor_records" "$gen_records"
expect_equal "generated mbox: XML bytes (floor, gen-corpus)" "$floor_xml_bytes" "$gen_xml_bytes"
expect_equal "generated mbox: mail messages (floor, dmarcq)" "$floor_mail" "$mail"
expect_equal "generated mbox: mail messages (floor, gen-corpus)" "$floor_mail" "$gen_mail"
finish
