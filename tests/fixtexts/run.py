#!/usr/bin/env python3
"""The fix texts, checked as a reader meets them.

    run.py DMARCQ SOURCE_DIR [--update]

Runs `explain` (table and JSON, English and Japanese) on

  * every case of the attribution corpus (tests/attribution/cases),
  * one generated case per sender of the built-in catalog (schema/senders.toml): mail
    from the sender's servers with SPF failing or unaligned and no DKIM signature of
    the customer's, so that every catalog sender's fix style is shown, and
  * the cases in tests/fixtexts/cases, which bring their own --catalog,

compares the four outputs with tests/golden/fixes/explain.{en,ja}.{table,json}
(--update rewrites them) and checks, over all of them:

  * every cause id and every catalog sender appears in a finding;
  * no line of the table view is wider than 80 columns (East Asian wide characters
    count 2) or starts with a character that Japanese line breaking (kinsoku) keeps
    from the start of a line;
  * no domain name, DNS record value or IP address of a fix text is broken across
    lines of the table view: each appears whole on one line;
  * every DNS record a fix has the user publish is followed by the dig command that
    shows it and the answer its value gives;
  * no "{placeholder}" is left unfilled.

Exit status 0 when everything holds.
"""
import ipaddress
import json
import pathlib
import re
import subprocess
import sys
import tempfile
import tomllib
import unicodedata

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "attribution"))
import run as corpus  # noqa: E402  (tests/attribution/run.py: writes a case's reports)

VARIANTS = [("en", "table"), ("ja", "table"), ("en", "json"), ("ja", "json")]
CAUSES = [
    "spf_include_missing", "spf_not_aligned", "dkim_not_activated", "dkim_key_unpublished",
    "spf_permerror", "forwarded", "unauthorized", "transient", "policy_none", "policy_pct",
    "policy_testing", "subdomain_policy_missing", "enforcement_readiness",
]
# Closing punctuation and small kana: never at the start of a line (src/output/wrap.cpp).
NO_LINE_START = set("、。，．）」』】〕〉》！？ー…・：；％ぁぃぅぇぉっゃゅょァィゥェォッャュョ")
# ASCII lookarounds: a domain written next to Japanese text ("example.comの") is a match.
DOMAIN = re.compile(r"(?<![A-Za-z0-9_.…-])(?:[A-Za-z0-9_*](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.)+"
                    r"[A-Za-z]{2,}(?![A-Za-z0-9_-])")
IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}(?:/\d{1,3})?(?![\w:])")
RECORD_NAME = re.compile(r"^    (?:Name:  |名前：)(\S+)$")
RECORD_TYPE = re.compile(r"^    (?:Type:  |種類：)(\S+)$")
RECORD_VALUE = re.compile(r"^    (?:Value: |値：)(.+)$")
DIG = re.compile(r"^    dig \+short (\S+) (\S+)$")
# The run of name-like characters at the end of a line and at the start of the next:
# joined, they show a name the wrapping broke.
NAME_CHARS = r"[A-Za-z0-9_.…:/@=-]"
TAIL = re.compile(NAME_CHARS + r"+$")
HEAD = re.compile(r"^" + NAME_CHARS + r"+")


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    raise TypeError(f"no TOML for {value!r}")


def sender_cases(source_dir):
    """One case per catalog sender: its servers send as example.com without the
    customer's DKIM signature, SPF failing (the customer's envelope) or passing for
    the sender's own envelope (never aligned). A sender the catalog knows by no address
    (only by its SPF include) gets a test range through --catalog, so that its fix
    texts are shown too."""
    catalog = tomllib.loads((source_dir / "schema" / "senders.toml").read_text(encoding="utf-8"))
    cases = []
    for sender in catalog["sender"]:
        if sender.get("role") == "forwarder":
            continue
        record = {"count": 120, "dkim": []}
        ranges = [cidr for block in sender.get("ip_ranges", []) for cidr in block["cidrs"]]
        overlay = None
        if ranges:
            network = ipaddress.ip_network(ranges[0])
            record["ip"] = str(network[1] if network.num_addresses > 1 else network[0])
        else:
            entry = {key: value for key, value in sender.items() if key != "ip_ranges"}
            overlay = "[[sender]]\n" + "".join(f"{key} = {toml_value(value)}\n"
                                               for key, value in entry.items())
            overlay += ('[[sender.ip_ranges]]\ncidrs = ["192.0.2.0/24"]\n'
                        'source = "a documentation range for this test"\ndate = "2026-12-07"\n')
            record["ip"] = "192.0.2.1"
        envelopes = sender.get("envelope_suffixes", [])
        if sender["fix"] == "customer-envelope" or not envelopes:
            record["spf"] = ["example.com mfrom fail"]
        else:
            record["spf"] = ["bounce." + envelopes[0].lstrip(".") + " mfrom pass"]
        cases.append((f"catalog/{sender['id']}", {"policy": {"p": "reject"}, "record": [record]},
                      overlay))
    return cases


def load_cases(source_dir):
    cases = []
    for path in sorted((HERE.parent / "attribution" / "cases").rglob("*.toml")):
        name = path.relative_to(HERE.parent / "attribution" / "cases").with_suffix("")
        cases.append((f"attribution/{name}", tomllib.loads(path.read_text(encoding="utf-8")), None))
    cases += sender_cases(source_dir)
    for path in sorted((HERE / "cases").glob("*.toml")):
        case = tomllib.loads(path.read_text(encoding="utf-8"))
        cases.append((f"fixtexts/{path.stem}", case, case.get("catalog")))
    return cases


def explain_case(dmarcq, case, catalog):
    """The four explain outputs of one case."""
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        (work / "reports").mkdir()
        corpus.write_reports(case, work / "reports")
        base = [dmarcq, "--db", str(work / "store.db")]
        if catalog:
            (work / "catalog.toml").write_text(catalog, encoding="utf-8")
            base += ["--catalog", str(work / "catalog.toml")]
        subprocess.run(base + ["import", "--quiet", str(work / "reports")], check=True,
                       capture_output=True)
        outputs = {}
        for lang, form in VARIANTS:
            done = subprocess.run(base + ["explain", "--lang", lang, "--format", form],
                                  capture_output=True, text=True)
            # 0: nothing failing; 1: findings to act on (DESIGN.md exit codes)
            if done.returncode not in (0, 1):
                raise RuntimeError(f"explain --lang {lang} --format {form}: {done.stderr.strip()}")
            outputs[(lang, form)] = done.stdout
        return outputs


def check_table(name, lang, table, findings, problems):
    lines = table.split("\n")
    for number, line in enumerate(lines, 1):
        if width(line) > 80:
            problems.append(f"{name} ({lang}) table line {number} is {width(line)} columns: {line}")
        stripped = line.lstrip(" ")
        if stripped and stripped[0] in NO_LINE_START:
            problems.append(f"{name} ({lang}) table line {number} starts with {stripped[0]}: {line}")
    for finding in findings:
        text = finding["fix"] + "\n" + finding["evidence"]
        tokens = set(DOMAIN.findall(text)) | set(IPV4.findall(text))
        tokens |= {t for t in IPV6.findall(text) if ":" in t and len(t) > 4}
        for line in text.split("\n"):
            value = RECORD_VALUE.match(line)
            if value:
                tokens.add(value.group(1))
        for token in tokens:
            if not any(token in line for line in lines):
                problems.append(f"{name} ({lang}): '{token}' is not whole on any line of the table")
        # A line break inside a name: the end of one line and the start of the next
        # make a name of the fix text that neither holds whole.
        for first, second in zip(lines, lines[1:]):
            tail, head = TAIL.search(first), HEAD.search(second.lstrip(" "))
            if not tail or not head:
                continue
            joined = tail.group(0) + head.group(0)
            for token in tokens:
                if token in joined and token not in tail.group(0) and token not in head.group(0):
                    problems.append(f"{name} ({lang}): '{token}' is broken across lines: "
                                    f"'{first.strip()}' / '{second.strip()}'")


def expected_answer(record_type, value):
    """What dig +short prints for a record of this type and value."""
    return f'"{value}"' if record_type == "TXT" else value + "."


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def check_filled(name, lang, findings, problems):
    """No "{name}" left unfilled in a text (a call that forgot a value)."""
    for finding in findings:
        for field in ("fix", "evidence"):
            left = PLACEHOLDER.search(finding[field])
            if left:
                problems.append(f"{name} ({lang}): {field} has an unfilled {left.group(0)}")


def check_dns(name, lang, findings, problems):
    """Every record block is followed, later in its fix, by the dig query for it and the
    answer its value gives. Returns the number of records seen."""
    seen = 0
    for finding in findings:
        lines = finding["fix"].split("\n")
        record = {}
        for index, line in enumerate(lines):
            for key, pattern in (("name", RECORD_NAME), ("type", RECORD_TYPE), ("value", RECORD_VALUE)):
                match = pattern.match(line)
                if match:
                    record[key] = match.group(1)
            if len(record) < 3:
                continue
            seen += 1
            query = f"    dig +short {record['type']} {record['name']}"
            later = lines[index + 1:]
            if query not in later:
                problems.append(f"{name} ({lang}): {record['type']} {record['name']} has no dig check after it")
            else:
                answer = later[later.index(query) + 1]
                if answer != "    → " + expected_answer(record["type"], record["value"]):
                    problems.append(f"{name} ({lang}): the answer to '{query.strip()}' is '{answer.strip()}', "
                                    f"the record says {record['value']}")
            record = {}
    return seen


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    dmarcq, source_dir = sys.argv[1], pathlib.Path(sys.argv[2])
    update = "--update" in sys.argv[3:]
    golden_dir = source_dir / "tests" / "golden" / "fixes"
    outputs = {variant: [] for variant in VARIANTS}
    problems = []
    causes_seen, senders_seen = set(), set()
    records_seen = 0
    cases = load_cases(source_dir)
    for name, case, catalog in cases:
        try:
            result = explain_case(dmarcq, case, catalog)
        except (RuntimeError, subprocess.CalledProcessError, corpus.CaseError) as error:
            problems.append(f"{name}: {error}")
            continue
        for lang in ("en", "ja"):
            findings = json.loads(result[(lang, "json")])
            for finding in findings:
                causes_seen.update(c["cause"] for c in finding["causes"])
                if finding["subject"] == "sender" and name.startswith("catalog/"):
                    senders_seen.add(finding["sender"])
            check_table(name, lang, result[(lang, "table")], findings, problems)
            records_seen += check_dns(name, lang, findings, problems)
            check_filled(name, lang, findings, problems)
        for variant in VARIANTS:
            outputs[variant].append(f"### {name}\n{result[variant]}")
    if records_seen == 0:
        problems.append("no record block was recognised: have the Name:/Type:/Value: labels changed?")
    for cause in CAUSES:
        if cause not in causes_seen:
            problems.append(f"no case shows cause {cause}")
    for name, _, _ in cases:
        if name.startswith("catalog/") and name[len("catalog/"):] not in senders_seen:
            problems.append(f"{name}: no finding names the sender")
    for (lang, form), parts in outputs.items():
        path = golden_dir / f"explain.{lang}.{form}"
        text = "".join(parts)
        if update:
            golden_dir.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            problems.append(f"{path} differs from the output (scripts/update-golden rewrites it)")
    for problem in problems:
        print(problem)
    print(f"fix texts: {len(cases)} cases, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
