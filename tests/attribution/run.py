#!/usr/bin/env python3
"""The attribution corpus: each case in cases/ is a small set of DMARC aggregate reports,
written from a sender's documented behaviour, with the findings explain must give.

    run.py DMARCQ [CASE...]      (default: every cases/**/*.toml)

For each case the reports are written as RFC 7489 XML, imported into a fresh store with
the built binary, and `explain --format json` is compared with the case's [[expect]]:

  * every expected finding is there, with exactly its causes and its severity;
  * every finding of severity fail or warn is expected: a correct set-up yields no
    warning, and nothing else may be blamed on the customer.

Findings of severity info that a case does not list are allowed. The format of a case
is in README.md beside this script. Exit status 0 when every case passes.
"""
import json
import pathlib
import subprocess
import sys
import tempfile
import tomllib
from xml.sax.saxutils import escape

HERE = pathlib.Path(__file__).resolve().parent
DAY0 = 1794182400  # 2026-11-09 00:00 UTC, a Monday
MULTI_LABEL_SUFFIXES = {"co.jp", "ne.jp", "or.jp", "ac.jp", "co.uk", "org.uk", "com.au"}
DEFAULT_POLICY = {"p": "reject", "sp": "reject", "np": "reject", "adkim": "r", "aspf": "r"}


class CaseError(Exception):
    pass


def org(domain):
    """Organizational domain, enough for the reserved names the cases use."""
    labels = domain.lower().rstrip(".").split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in MULTI_LABEL_SUFFIXES:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def aligned(a, b, strict):
    if not a or not b:
        return False
    if a.lower() == b.lower():
        return True
    return not strict and org(a) == org(b)


def parse_dkim(text):
    """'example.com s=sf1 pass' -> (domain, selector, result)"""
    parts = text.split()
    if len(parts) != 3 or not parts[1].startswith("s="):
        raise CaseError(f"dkim entry '{text}' is not 'DOMAIN s=SELECTOR RESULT'")
    return parts[0], parts[1][2:], parts[2]


def parse_spf(text):
    """'example.com mfrom softfail' -> (domain, scope, result)"""
    parts = text.split()
    if len(parts) != 3 or parts[1] not in ("mfrom", "helo"):
        raise CaseError(f"spf entry '{text}' is not 'DOMAIN mfrom|helo RESULT'")
    return tuple(parts)


def record_xml(record, domain, policy):
    header_from = record.get("from", domain)
    dkim = [parse_dkim(d) for d in record.get("dkim", [])]
    spf = [parse_spf(s) for s in record.get("spf", [])]
    if "eval" in record:
        dkim_eval, spf_eval = record["eval"].split()
    else:
        strict_dkim = policy.get("adkim") == "s"
        strict_spf = policy.get("aspf") == "s"
        dkim_ok = any(r == "pass" and aligned(d, header_from, strict_dkim) for d, _, r in dkim)
        spf_ok = any(r == "pass" and scope == "mfrom" and aligned(d, header_from, strict_spf) for d, scope, r in spf)
        dkim_eval, spf_eval = ("pass" if dkim_ok else "fail"), ("pass" if spf_ok else "fail")
    passing = "pass" in (dkim_eval, spf_eval)
    disposition = record.get("disposition", "none" if passing else policy.get("p", "none"))
    reasons = ""
    for reason in record.get("reasons", []):
        kind, _, comment = reason.partition(" ")
        reasons += f"<reason><type>{escape(kind)}</type>"
        reasons += f"<comment>{escape(comment)}</comment></reason>" if comment else "</reason>"
    envelope = ""
    mfrom = [s for s in spf if s[1] == "mfrom"]
    if record.get("envelope_from"):
        envelope = f"<envelope_from>{escape(record['envelope_from'])}</envelope_from>"
    elif mfrom:
        envelope = f"<envelope_from>{escape(mfrom[0][0])}</envelope_from>"
    auth = "".join(
        f"<dkim><domain>{escape(d)}</domain><selector>{escape(s)}</selector><result>{escape(r)}</result></dkim>"
        for d, s, r in dkim
    )
    auth += "".join(
        f"<spf><domain>{escape(d)}</domain><scope>{escape(scope)}</scope><result>{escape(r)}</result></spf>"
        for d, scope, r in spf
    )
    if not spf:  # the schema wants one SPF result; reporters write none for the empty envelope
        auth += "<spf><domain></domain><result>none</result></spf>"
    return (
        "<record><row>"
        f"<source_ip>{escape(record['ip'])}</source_ip><count>{int(record.get('count', 10))}</count>"
        f"<policy_evaluated><disposition>{disposition}</disposition><dkim>{dkim_eval}</dkim>"
        f"<spf>{spf_eval}</spf>{reasons}</policy_evaluated></row>"
        f"<identifiers>{envelope}<header_from>{escape(header_from)}</header_from></identifiers>"
        f"<auth_results>{auth}</auth_results></record>"
    )


def report_xml(report, domain, policy, number):
    reporter = report.get("reporter", "google.com")
    day = int(report.get("day", 0))
    days = int(report.get("days", 1))
    begin = DAY0 + day * 86400
    end = begin + days * 86400 - 1
    published = f"<domain>{escape(domain)}</domain>"
    for tag in ("adkim", "aspf", "p", "sp", "pct", "np", "testing"):
        if policy.get(tag) not in (None, ""):  # "" leaves the tag out: not published
            published += f"<{tag}>{escape(str(policy[tag]))}</{tag}>"
    records = "".join(record_xml(r, domain, policy) for r in report.get("record", []))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feedback><version>1.0</version><report_metadata>'
        f"<org_name>{escape(reporter)}</org_name><email>dmarc@{escape(reporter)}</email>"
        f"<report_id>{escape(reporter)}-{number}-{day}</report_id>"
        f"<date_range><begin>{begin}</begin><end>{end}</end></date_range></report_metadata>"
        f"<policy_published>{published}</policy_published>{records}</feedback>\n"
    )


def write_reports(case, directory):
    domain = case.get("domain", "example.com")
    base_policy = dict(DEFAULT_POLICY)
    base_policy.update(case.get("policy", {}))
    reports = case.get("report")
    if reports is None:
        if "record" not in case:
            raise CaseError("no [[report]] and no [[record]]")
        reports = [{"record": case["record"]}]
    for number, report in enumerate(reports):
        policy = dict(base_policy)
        policy.update(report.get("policy", {}))
        report_domain = report.get("domain", domain)
        path = directory / f"report-{number}.xml"
        path.write_text(report_xml(report, report_domain, policy, number), encoding="utf-8")


def finding_key(finding):
    subject = finding["subject"]
    sender = finding["sender"] if subject == "sender" else {"unknown_sources": "unknown"}.get(subject, subject)
    return (finding["domain"], sender, tuple(sorted(c["cause"] for c in finding["causes"])))


def expected_key(expect, case):
    causes = expect["causes"]
    if isinstance(causes, str):
        causes = [causes]
    return (expect.get("domain", case.get("domain", "example.com")), expect["sender"], tuple(sorted(causes)))


def run_case(dmarcq, path):
    case = tomllib.loads(path.read_text(encoding="utf-8"))
    for key in ("title", "source", "expect"):
        if key not in case and not (key == "expect" and case.get("expect_none")):
            raise CaseError(f"missing '{key}'")
    with tempfile.TemporaryDirectory() as work:
        work = pathlib.Path(work)
        (work / "reports").mkdir()
        write_reports(case, work / "reports")
        db = work / "store.db"
        imported = subprocess.run([dmarcq, "--db", str(db), "import", "--quiet", str(work / "reports")],
                                  capture_output=True, text=True)
        if imported.returncode != 0:
            raise CaseError(f"import failed ({imported.returncode}): {imported.stderr.strip()}")
        explained = subprocess.run([dmarcq, "--db", str(db), "explain", "--format", "json"],
                                   capture_output=True, text=True)
        if explained.returncode != 0:
            raise CaseError(f"explain failed ({explained.returncode}): {explained.stderr.strip()}")
        identified = None
        if "identified" in case:
            summary = subprocess.run([dmarcq, "--db", str(db), "summary", "--by", "sender", "--format", "json"],
                                     capture_output=True, text=True)
            if summary.returncode != 0:
                raise CaseError(f"summary failed ({summary.returncode}): {summary.stderr.strip()}")
            identified = sorted({row["sender"] for row in json.loads(summary.stdout) if row["messages"] > 0})
    findings = json.loads(explained.stdout)
    actual = {}
    problems = []
    subjects = set()
    for finding in findings:
        key = finding_key(finding)
        actual[key] = finding["severity"]
        # One finding per (domain, sender), one per domain for unknown sources and
        # for forwarders; domain findings are one per cause.
        subject = key if finding["subject"] == "domain" else key[:2]
        if subject in subjects:
            problems.append(f"more than one finding for {key[1]}")
        subjects.add(subject)
    expected = {}
    for expect in case.get("expect", []):
        key = expected_key(expect, case)
        expected[key] = expect["severity"]
        if key not in actual:
            near = [k for k in actual if k[:2] == key[:2]]
            problems.append(f"missing {key[1]}: {'+'.join(key[2])} ({expect['severity']})" +
                            (f"; found {'+'.join(near[0][2])} ({actual[near[0]]})" if near else ""))
        elif actual[key] != expect["severity"]:
            problems.append(f"{key[1]}: {'+'.join(key[2])} is {actual[key]}, expected {expect['severity']}")
    for key, severity in actual.items():
        if severity in ("fail", "warn") and key not in expected:
            problems.append(f"unexpected {severity} {key[1]}: {'+'.join(key[2])}")
    if identified is not None and identified != sorted(case["identified"]):
        problems.append(f"sources identified as {', '.join(identified)}, expected {', '.join(sorted(case['identified']))}")
    return problems


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    dmarcq = sys.argv[1]
    paths = [pathlib.Path(p) for p in sys.argv[2:]] or sorted((HERE / "cases").rglob("*.toml"))
    failed = 0
    for path in paths:
        name = path.relative_to(HERE / "cases") if path.is_relative_to(HERE / "cases") else path
        try:
            problems = run_case(dmarcq, path)
        except (CaseError, tomllib.TOMLDecodeError, KeyError, ValueError) as error:
            problems = [f"bad case: {error}"]
        if problems:
            failed += 1
            print(f"FAIL {name}")
            for problem in problems:
                print(f"     {problem}")
    print(f"attribution corpus: {len(paths) - failed} of {len(paths)} cases pass")
    if len(paths) < 80 and not sys.argv[2:]:
        print("attribution corpus: fewer than 80 cases", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
