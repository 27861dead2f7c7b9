#!/usr/bin/env bash
# '-' reads a report from standard input, compressed or not.
source "$(dirname "$0")/common.sh"
DB=$WORK/stdin.db
expect_rc 0 "$DMARCQ" --db "$DB" import - <"$SRC/sample-reports/yahoo.com!example.net!1794268800!1794355199.xml.gz"
expect_grep "1 report imported" "$WORK/err"
expect_rc 0 "$DMARCQ" --db "$DB" sql --format csv "SELECT origin FROM report"
expect_grep "^<stdin>$" "$WORK/out"
finish
