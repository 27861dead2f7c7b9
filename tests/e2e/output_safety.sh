#!/usr/bin/env bash
# Terminal and spreadsheet safety of every output path: hostile report strings through
# every command, in every format, and the diagnostics (see output_safety.py).
source "$(dirname "$0")/common.sh"
checks=$((checks + 1))
python3 "$SRC/tests/e2e/output_safety.py" "$DMARCQ" "$WORK" || fail "output_safety.py"
finish
