#!/usr/bin/env python3
"""Runs the quirks corpus: every case imported alone into a fresh database.

usage: run.py DMARCQ SOURCE_DIR [CASE_SUBSTRING...]

Cases are the files of tests/quirks/cases/ and the files make-binary-cases writes
into a temporary directory; each input NAME has its expectations in
cases/NAME.expect (see README.md). Prints one line per failed check and ends with
"N passed, N failed"; exits 1 when a check failed.
"""
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

IMPORT_TIMEOUT = 60  # seconds for one import; a hang is a failure, not a stuck run
OUTCOMES = ("imported", "duplicate", "rejected", "skipped")
ACCOUNTING = re.compile(
    r"import: ([\d,]+) reports? imported, ([\d,]+) duplicates?, ([\d,]+) rejected, "
    r"([\d,]+) skipped")


class Expect:
    def __init__(self):
        self.outcomes = {}
        self.reasons = []
        self.stderr = []
        self.sql = []
        self.warnings = []
        self.exit = None
        self.args = []


def parse_expect(path):
    expect = Expect()
    problems = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            key, sep, value = line.partition(":")
            key = key.strip()
            value = value.strip()
            if not sep:
                problems.append(f"line {number}: no 'directive:'")
            elif key == "outcome":
                for part in re.split(r"\s*(?:,|\band\b)\s*", value):
                    m = re.fullmatch(r"(imported|rejected|skipped|duplicates?)\s+(\d+)", part)
                    if not m:
                        problems.append(f"line {number}: bad outcome '{part}'")
                        continue
                    word = "duplicate" if m.group(1).startswith("duplicate") else m.group(1)
                    expect.outcomes[word] = int(m.group(2))
            elif key == "reason":
                expect.reasons.append(value)
            elif key == "stderr":
                expect.stderr.append(value)
            elif key == "sql":
                query, arrow, want = value.rpartition(" => ")
                if not arrow:
                    # "=> " at the very end: an empty expected cell
                    if value.endswith(" =>"):
                        query, want = value[:-3], ""
                    else:
                        problems.append(f"line {number}: sql without ' => '")
                        continue
                expect.sql.append((query.strip(), want))
            elif key == "warning":
                expect.warnings.append(value)
            elif key == "exit":
                expect.exit = int(value)
            elif key == "args":
                expect.args = shlex.split(value)
            else:
                problems.append(f"line {number}: unknown directive '{key}'")
    return expect, problems


def run(cmd, timeout=IMPORT_TIMEOUT):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"


def last_line(text):
    lines = text.rstrip("\n").split("\n")
    return lines[-1] if lines else ""


def check_case(dmarcq, name, input_path, expect_path, work):
    """Returns (checks, failures): failures is a list of messages."""
    checks = 0
    failures = []

    def check(ok, message):
        nonlocal checks
        checks += 1
        if not ok:
            failures.append(f"{name}: {message}")

    expect, problems = parse_expect(expect_path)
    for problem in problems:
        check(False, f"{os.path.basename(expect_path)}: {problem}")
    db = os.path.join(work, name.split("-", 1)[0] + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    started = time.monotonic()
    rc, _, err = run([dmarcq, "--db", db, "import", *expect.args, input_path])
    elapsed = time.monotonic() - started
    if rc is None:
        check(False, f"import {err}")
        return checks, failures, elapsed
    if rc < 0:
        check(False, f"import killed by signal {-rc}")
        return checks, failures, elapsed

    want_exit = expect.exit
    if want_exit is None:
        want_exit = 2 if expect.outcomes.get("rejected", 0) > 0 else 0
    check(rc == want_exit, f"exit {rc}, expected {want_exit}")

    m = ACCOUNTING.search(err)
    if not m:
        first = err.strip().split("\n")[0] if err.strip() else "(nothing)"
        check(False, f"no accounting line on stderr: {first}")
    elif expect.outcomes:
        got = dict(zip(OUTCOMES, (int(g.replace(",", "")) for g in m.groups())))
        for word in OUTCOMES:
            want = expect.outcomes.get(word, 0)
            check(got[word] == want, f"outcome {word}: expected {want}, got {got[word]}")

    lines = err.split("\n")
    unit_lines = [l for l in lines if l.startswith("dmarcq: rejected: ") or l.startswith("dmarcq: skipped: ")]
    for reason in expect.reasons:
        check(any(reason in l for l in unit_lines),
              f"reason '{reason}' not in: " + (" | ".join(unit_lines)[:400] or "(no reject/skip line)"))
    for text in expect.stderr:
        check(text in err, f"'{text}' not on stderr")

    for query, want in expect.sql:
        qrc, out, qerr = run([dmarcq, "--db", db, "sql", "--format", "csv", query], timeout=30)
        got = last_line(out)
        if qrc != 0:
            check(False, f"sql failed ({qrc}): {query}: {last_line(qerr)}")
        else:
            check(got == want, f"sql {query} => '{got}', expected '{want}'")

    if expect.warnings:
        qrc, out, qerr = run([dmarcq, "--db", db, "sql", "--format", "json",
                              "SELECT kind, text FROM report_note ORDER BY report_ref, seq"], timeout=30)
        notes = []
        if qrc == 0:
            try:
                notes = [row["text"] for row in json.loads(out or "[]")]
            except (ValueError, KeyError, TypeError):
                check(False, "report_note query gave no JSON")
        else:
            check(False, f"report_note query failed: {last_line(qerr)}")
        for text in expect.warnings:
            check(any(text in n for n in notes),
                  f"warning '{text}' not in report_note: " + (" | ".join(notes)[:400] or "(none)"))
    return checks, failures, elapsed


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    dmarcq = os.path.abspath(sys.argv[1])
    source = sys.argv[2]
    selected = sys.argv[3:]
    here = os.path.join(source, "tests", "quirks")
    cases_dir = os.path.join(here, "cases")
    work = tempfile.mkdtemp(prefix="dmarcq-quirks.")
    generated = os.path.join(work, "generated")
    os.mkdir(generated)
    checks = 0
    failures = []
    try:
        rc, _, err = run([sys.executable, os.path.join(here, "make-binary-cases"), generated], timeout=120)
        checks += 1
        if rc != 0:
            failures.append(f"make-binary-cases failed ({rc}): {last_line(err)}")

        expects = sorted(f[:-len(".expect")] for f in os.listdir(cases_dir) if f.endswith(".expect"))
        inputs = {}
        for f in os.listdir(cases_dir):
            if not f.endswith(".expect"):
                inputs[f] = os.path.join(cases_dir, f)
        for f in os.listdir(generated):
            if f in inputs:
                checks += 1
                failures.append(f"{f}: generated and also in cases/")
            inputs[f] = os.path.join(generated, f)
        for f in sorted(set(inputs) - set(expects)):
            checks += 1
            failures.append(f"{f}: no {f}.expect")

        numbers = {}
        for name in expects:
            number = name.split("-", 1)[0]
            if number in numbers:
                checks += 1
                failures.append(f"{name}: case number {number} also used by {numbers[number]}")
            numbers.setdefault(number, name)

        jobs = []
        for name in expects:
            if selected and not any(s in name for s in selected):
                continue
            if name not in inputs:
                checks += 1
                failures.append(f"{name}: no input (neither in cases/ nor generated)")
                continue
            jobs.append(name)
        workers = max(2, min(8, os.cpu_count() or 2))
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            futures = {name: pool.submit(check_case, dmarcq, name, inputs[name],
                                         os.path.join(cases_dir, name + ".expect"), work)
                       for name in jobs}
            for name in jobs:
                n, fails, elapsed = futures[name].result()
                checks += n
                failures.extend(fails)
                if os.environ.get("QUIRKS_TIMES"):
                    print(f"{elapsed:6.2f} s  {name}", file=sys.stderr)
    finally:
        if os.environ.get("QUIRKS_KEEP"):
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(failure)
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
