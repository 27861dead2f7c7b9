#!/usr/bin/env python3
"""Terminal and spreadsheet safety of every output path.

Report text comes from strangers. This test imports reports whose every free-text
field holds ANSI and OSC escape sequences, C1 controls, NUL, bidi controls, CR/LF and
spreadsheet formula prefixes, from files whose names hold the same, and pushes them
through every command that prints report data, in every format, and through the
diagnostics on stderr. It checks that:
  - table output and stderr are valid UTF-8 with no ESC, no C0 control but LF, no DEL
    or C1 control and no bidi control: the hostile text is shown as visible escapes;
  - CSV is valid UTF-8, parses, has one column count throughout, has no C0 control
    but TAB, CR and LF (inside quotes) and no C1 control, and no text cell starts
    like a formula (= + - @ TAB CR) unless guarded with a leading quote;
  - JSON is valid UTF-8, parses as an array of objects, has no raw control or bidi
    character, and the hostile strings survive as data (escaped, not dropped).
usage: output_safety.py DMARCQ WORKDIR
"""
import csv
import io
import json
import os
import re
import subprocess
import sys

DMARCQ, WORK = sys.argv[1], sys.argv[2]
DB = os.path.join(WORK, "safety.db")
INPUTS = os.path.join(WORK, "in")

ESC_CSI = "\x1b[31mRED\x1b[0m"
OSC_LINK = "\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"
OSC_TITLE = "\x1b]0;pwned\x07"
C1_CSI = "\u009b32mGREEN"
BIDI = "\u202egnp.exe\u202c\u2066iso\u2069\u2067x\u2068y\u2069\u200fz\u200e\u061cq\u202a"
CRLF = "line1\r\nline2\rline3\nline4"
FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\tTAB=1+1", "\rCR=1+1"]
ALL_HOSTILE = [ESC_CSI, OSC_LINK, OSC_TITLE, C1_CSI, BIDI, CRLF] + FORMULAS

BIDI_CONTROLS = {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?$")

failures = []
checks = 0


def fail(where, message):
    failures.append(f"{where}: {message}")


def xml_text(text):
    """XML character data for `text`: markup escaped, CR and the controls as character
    references (pugixml reads &#27; as ESC; XML 1.0 would refuse it, reporters do not
    care), so that the parser keeps them as they are."""
    out = []
    for ch in text:
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            out.append(f"&#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


DAY = 1794182400  # 2026-11-09, Monday of ISO week 2026-W46


def report(n, text, domain=None):
    """A report whose free-text fields all carry `text` (with the report's number so
    that each field is told apart)."""
    t = lambda field: xml_text(f"{text}{field}{n}")  # noqa: E731
    domain = domain if domain is not None else t(".example")
    begin = DAY + n * 86400
    # Two records: a failing unknown source (explain finds it), and a DKIM pass.
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <report_metadata>
    <org_name>{t("org")}</org_name>
    <email>{t("@mail")}</email>
    <extra_contact_info>{t("contact")}</extra_contact_info>
    <report_id>{t("id")}</report_id>
    <date_range><begin>{begin}</begin><end>{begin + 86399}</end></date_range>
    <error>{t("error")}</error>
  </report_metadata>
  <policy_published><domain>{domain}</domain><p>none</p><sp>{t("sp")}</sp><pct>100</pct></policy_published>
  <record>
    <row><source_ip>192.0.2.{n + 1}</source_ip><count>7</count>
      <policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>
        <reason><type>other</type><comment>{t("comment")}</comment></reason>
      </policy_evaluated></row>
    <identifiers><header_from>{t("from")}</header_from><envelope_from>{t("envfrom")}</envelope_from></identifiers>
    <auth_results>
      <dkim><domain>{t("dkim")}</domain><selector>{t("sel")}</selector><result>fail</result><human_result>{t("human")}</human_result></dkim>
      <spf><domain>{t("spf")}</domain><result>fail</result></spf>
    </auth_results>
  </record>
  <record>
    <row><source_ip>198.51.100.{n + 1}</source_ip><count>3</count>
      <policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
    <identifiers><header_from>{domain}</header_from></identifiers>
    <auth_results><dkim><domain>{domain}</domain><selector>{t("s")}</selector><result>pass</result></dkim>
      <spf><domain>{t("bounce")}</domain><result>softfail</result></spf></auth_results>
  </record>
</feedback>
"""


def write_inputs():
    os.makedirs(INPUTS, exist_ok=True)
    files = {}
    for n, text in enumerate(ALL_HOSTILE):
        files[f"hostile-{n:02d}.xml"] = report(n, text).encode()
    # Formula prefixes at the very start of every field (the generator above appends
    # the field name, which keeps the prefix first).
    # A clean domain as well, so that explain, digest and summary have a plain row next
    # to the hostile ones.
    files["plain.xml"] = report(20, "ok", domain="plain.example").encode()
    # Raw NUL and ESC bytes, not character references: pugixml stops at the NUL, so the
    # report is rejected as malformed (its origin and reason are checked like the rest).
    raw = report(21, "nul").encode().replace(b"nulorg21", b"nul\x00org\x1b[2J21")
    files["raw-nul.xml"] = raw
    # &#0; is no XML character, even as a reference: rejected as malformed like a raw NUL.
    files["nul-ref.xml"] = report(26, "ref").replace("refcontact26", "ref&#0;contact26").encode()
    # Raw C1 bytes in a declared single-byte encoding: converted to UTF-8 controls.
    latin = report(22, "latin").replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    files["latin1.xml"] = latin.replace("latinorg22", "latin\x9b31morg22").encode("latin-1")
    # Ill-formed UTF-8 in a field.
    files["bad-utf8.xml"] = report(23, "utf").encode().replace(b"utforg23", b"utf\xff\xfe\xc0\xafsorg23")
    # File names with an escape sequence, a newline, a bidi override and a C1 control.
    hostile_name = "evil\x1b[31m\nname\u202e\u009blmx.xml"
    files[hostile_name] = report(24, "named").encode()
    files["broken\x1b]0;title\x07\r\n.xml"] = b"<feedback><report_metadata>\x1b[31m</feedback>"
    files["=cmd|' \x1b[1m.xml.gz"] = b"\x1f\x8bnot gzip at all"
    # A report whose rejection reason quotes hostile text (a bad <begin> value).
    files["bad-date.xml"] = report(25, "date").replace(
        f"<begin>{DAY + 25 * 86400}</begin>", "<begin>\x1b]0;x\x07=1+1\u202e</begin>").encode()
    # A root element with an escape in its name, named like a report: rejected.
    files["root.xml"] = "<feed\u202eback\u009b/>".encode()
    for name, data in files.items():
        with open(os.path.join(INPUTS, name), "wb") as f:
            f.write(data)
    # A catalog entry with hostile text, for `senders` (and explain's sender names).
    catalog = os.path.join(WORK, "hostile.toml")
    with open(catalog, "w", encoding="utf-8") as f:
        f.write('[[sender]]\nid = "evil"\nname = "=Evil\\u001b[31m \\u202eCorp\\u009b"\n'
                'type = "@SaaS\\r\\n"\nenvelope_is_customer_domain = false\nfix = "vendor-envelope"\n'
                '[[sender.ip_ranges]]\ncidrs = ["198.51.100.0/24"]\n'
                'source = "-x\\u001b]0;t\\u0007"\ndate = "2026-11-01"\n')
    return catalog


def run(args, where):
    proc = subprocess.run([DMARCQ, "--db", DB] + args, capture_output=True)
    if proc.returncode not in (0, 2):
        fail(where, f"exit {proc.returncode}: {proc.stderr[:300]!r}")
    return proc


def decode(data, where):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        fail(where, f"not valid UTF-8: {error}")
        return data.decode("utf-8", "replace")


def unsafe_for_terminal(ch, allowed=("\n",)):
    cp = ord(ch)
    if ch in allowed:
        return False
    return cp < 0x20 or 0x7F <= cp <= 0x9F or cp in BIDI_CONTROLS


def check_terminal_text(data, where):
    """Text meant for a terminal: the table writer's output and every stderr line."""
    global checks
    checks += 1
    text = decode(data, where)
    if b"\x1b" in data:
        fail(where, "holds a raw ESC byte")
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if unsafe_for_terminal(ch)})
    if bad:
        line = next(line for line in text.split("\n") if any(unsafe_for_terminal(c) for c in line))
        fail(where, f"holds {', '.join(bad)}, e.g. {line[:160]!r}")


def check_csv(data, where):
    global checks
    checks += 1
    text = decode(data, where)
    if text.startswith("\ufeff"):
        text = text[1:]
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if unsafe_for_terminal(ch, ("\n", "\r", "\t"))
                  and ord(ch) not in BIDI_CONTROLS})
    if bad:
        fail(where, f"holds control characters {', '.join(bad)}")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as error:
        fail(where, f"does not parse: {error}")
        return []
    if not rows:
        fail(where, "is empty (no header row)")
        return []
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        fail(where, f"rows have {sorted(widths)} columns")
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_STARTS) and not NUMBER.match(cell):
                fail(where, f"cell starts like a formula: {cell[:60]!r}")
    return rows


def check_json(data, where):
    global checks
    checks += 1
    text = decode(data, where)
    raw_bad = sorted({f"U+{ord(ch):04X}" for ch in text if unsafe_for_terminal(ch)})
    if raw_bad:
        fail(where, f"holds raw {', '.join(raw_bad)} (should be \\u escapes)")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        fail(where, f"does not parse: {error}")
        return []
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        fail(where, "is not an array of objects")
        return []
    return value


def check_output(proc, fmt, where):
    check_terminal_text(proc.stderr, where + " stderr")
    if fmt == "table":
        check_terminal_text(proc.stdout, where)
        return None
    if fmt == "csv":
        return check_csv(proc.stdout, where)
    return check_json(proc.stdout, where)


def expect(condition, where, message):
    global checks
    checks += 1
    if not condition:
        fail(where, message)


def main():
    catalog = write_inputs()

    # import: its diagnostics name hostile files and quote hostile reasons.
    for flags in ([], ["--verbose"]):
        proc = run(["import"] + flags + [INPUTS], "import " + " ".join(flags))
        check_terminal_text(proc.stderr, "import stderr " + " ".join(flags))
        expect(proc.stdout == b"", "import", "printed on stdout")
    stderr = proc.stderr.decode("utf-8", "replace")
    expect("evil\\x1b[31m\\x0aname\\u202e\\u009blmx.xml" in stderr, "import --verbose",
           "the hostile file name is not shown escaped: " + stderr[:400])

    rejects = run(["sql", "--format", "json", "SELECT origin FROM reject"], "sql reject origins")
    for name in ("raw-nul.xml", "nul-ref.xml"):
        expect(any(row["origin"].endswith(name) for row in json.loads(rejects.stdout)),
               "import", name + ": the report with a NUL was not rejected")

    commands = [["summary", "--by", key] for key in
                ("domain", "reporter", "source", "day", "week", "sender", "domain,sender,reporter")]
    commands += [["--catalog", catalog, "summary", "--by", "sender,domain"],
                 ["explain"], ["explain", "--lang", "ja"], ["--catalog", catalog, "explain"],
                 ["rejects"], ["senders"], ["--catalog", catalog, "senders"]]
    tables = ["report", "report_note", "record", "dkim_result", "spf_result", "policy_reason",
              "input", "reject", "message"]
    commands += [["sql", f"SELECT * FROM {table}"] for table in tables]
    # Column names are output too: an alias is a string the user typed, or pasted.
    commands.append(["sql", "SELECT org_name AS \"=x\x1b[31m\u202e\", report_id FROM report"])

    outputs = {}
    for command in commands:
        for fmt in ("table", "csv", "json"):
            where = " ".join(command) + " --format " + fmt
            proc = run(command + ["--format", fmt], where)
            outputs[(tuple(command), fmt)] = check_output(proc, fmt, repr(where))
    for extra in ([], ["--excel"], ["--lang", "ja"]):
        where = "digest --week 2026-W46 " + " ".join(extra)
        proc = run(["digest", "--week", "2026-W46"] + extra, where)
        rows = check_output(proc, "csv", where)
        expect(len(rows) > 3, where, "has no data rows")

    # rejects --retry names the rejects that remain, with their reasons.
    proc = run(["rejects", "--retry"], "rejects --retry")
    check_terminal_text(proc.stderr, "rejects --retry stderr")
    expect("broken\\x1b]0;title\\x07\\x0d\\x0a.xml" in proc.stderr.decode("utf-8", "replace"),
           "rejects --retry", "the hostile reject origin is not shown escaped")

    # The hostile strings are data: JSON carries them exactly, the table shows them.
    reports = outputs[(("sql", "SELECT * FROM report"), "json")]
    org_names = {row["org_name"] for row in reports}
    for n, text in enumerate(ALL_HOSTILE):
        # The parser trims leading and trailing whitespace (TAB, CR, LF) off values.
        text = text.lstrip(" \t\r\n")
        expect(f"{text}org{n}" in org_names, "sql report --format json",
               f"org_name {text!r} did not survive as data")
        record_rows = outputs[(("sql", "SELECT * FROM record"), "json")]
        expect(any(row["envelope_from"] == f"{text}envfrom{n}".strip(" \t\r\n").lower() for row in record_rows),
               "sql record --format json", f"envelope_from {text!r} did not survive as data")
    notes = {row["text"] for row in outputs[(("sql", "SELECT * FROM report_note"), "json")]}
    expect(f"{ESC_CSI}error0" in notes, "sql report_note --format json", "<error> did not survive")
    comments = {row["comment"] for row in outputs[(("sql", "SELECT * FROM policy_reason"), "json")]}
    expect(f"{OSC_LINK}comment1" in comments, "sql policy_reason --format json",
           "reason comment did not survive")
    human = {row["human_result"] for row in outputs[(("sql", "SELECT * FROM dkim_result"), "json")]}
    expect(f"{BIDI}human4" in human, "sql dkim_result --format json", "human_result did not survive")
    origins = {row["origin"] for row in reports}
    expect(any("evil\x1b[31m\nname\u202e\u009blmx.xml" in origin for origin in origins),
           "sql report --format json", "the hostile file name did not survive in the origin")
    rejects = outputs[(("rejects",), "json")]
    expect(any("broken\x1b]0;title\x07\r\n.xml" in row["origin"] for row in rejects),
           "rejects --format json", "the hostile reject origin did not survive")
    # In CSV the guard is a leading quote, and the rest of the cell is kept.
    csv_cells = {cell for row in outputs[(("sql", "SELECT * FROM report"), "csv")] for cell in row}
    expect("'=HYPERLINK(\"http://evil.example\",\"x\")org6" in csv_cells, "sql report --format csv",
           "the guarded formula is not the quote plus the text")

    summary = run(["sql", "--format", "table", "SELECT org_name FROM report"], "sql table")
    shown = summary.stdout.decode("utf-8", "replace")
    expect("\\x1b[31mRED\\x1b[0morg0" in shown, "sql table", "ESC is not shown as \\x1b")
    expect("\\u009b32mGREENorg3" in shown, "sql table", "a C1 control is not shown as \\u009b")
    expect("\\u202egnp.exe" in shown, "sql table", "a bidi override is not shown as \\u202e")

    for failure in failures:
        print("FAIL:", failure, file=sys.stderr)
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
