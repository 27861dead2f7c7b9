#!/bin/bash
# The quirks corpus: every case of tests/quirks/cases/ (and those make-binary-cases
# generates) imported alone into a fresh database and checked against its .expect.
# usage: run.sh DMARCQ SOURCE_DIR [CASE_SUBSTRING...]
# Prints one line per failed check, then "N passed, N failed"; exits 1 on a failure.
# QUIRKS_TIMES=1 prints each case's import time on stderr; QUIRKS_KEEP=1 keeps the
# temporary directory (databases and generated inputs).
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 DMARCQ SOURCE_DIR [CASE_SUBSTRING...]" >&2
  exit 1
fi
exec python3 "$2/tests/quirks/run.py" "$@"
