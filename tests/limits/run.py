#!/usr/bin/env python3
"""Memory and time limits that must hold whatever the input (issue 6).

usage: run.py DMARCQ [CASE_SUBSTRING...]

Writes hostile and worst-case inputs into a temporary directory (deterministic,
stdlib only), imports each alone into a fresh database with the default limits, one
child process per case, and checks that:
  - the child's peak RSS (GNU time's "Maximum resident set size") stays under 256 MB;
  - the import ends as expected (imported, or rejected with kind 'limit');
  - work grows linearly: the same shape at 1x and 4x the size costs at most
    LINEAR_FACTOR times the child's CPU time (a quadratic step would cost 16x).
Prints one line per case and exits 1 on a failure. Under a sanitizer build memory
and time mean nothing: with DMARCQ_SANITIZED=1 it exits 77 (skipped).
"""
import base64
import bz2
import gzip
import io
import lzma
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

MIB = 1 << 20
PEAK_LIMIT_KB = 256 * 1000 * 1000 // 1024  # 256 MB in the KiB that ru_maxrss counts
DOCUMENT_LIMIT = 32 * MIB                  # dmarcq's default --max-document-size
MESSAGE_LIMIT = 16 * MIB                   # default --max-message-size
INPUT_LIMIT = 32 * MIB                     # default --max-input-size
PARSE_BUDGET = DOCUMENT_LIMIT * 5 // 2     # report::ParseLimits::for_document_limit
NODE_BYTES = 64 * 65 // 64                 # pugixml node, with page overhead (parse_xml.cpp)
LINEAR_FACTOR = 10                         # 4x the input: linear ~4x, quadratic ~16x
SKIPPED = 77
IMPORT_TIMEOUT = 120  # seconds for one import
BEGIN = 1794614400

ACCOUNTING = re.compile(r"import: ([\d,]+) reports? imported, ([\d,]+) duplicates?, "
                        r"([\d,]+) rejected, ([\d,]+) skipped")


def report(rid, extension="", records=1):
    record = ("<record><row><source_ip>192.0.2.1</source_ip><count>1</count>"
              "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim>"
              "<spf>pass</spf></policy_evaluated></row><identifiers>"
              "<header_from>example.com</header_from></identifiers><auth_results><dkim>"
              "<domain>example.com</domain><selector>s1</selector><result>pass</result>"
              "</dkim><spf><domain>example.com</domain><scope>mfrom</scope>"
              "<result>pass</result></spf></auth_results></record>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feedback><version>1.0</version>'
            "<report_metadata><org_name>Example Reporter</org_name>"
            "<email>dmarc@reporter.example.net</email>"
            f"<report_id>{rid}</report_id><date_range><begin>{BEGIN}</begin>"
            f"<end>{BEGIN + 86399}</end></date_range></report_metadata>"
            "<policy_published><domain>example.com</domain><p>none</p></policy_published>\n"
            + extension + record * records + "</feedback>\n").encode()


def padded_to(document, size):
    """`document` with whitespace before its end tag, exactly `size` bytes."""
    end = document.rindex(b"</feedback>")
    return document[:end] + b" " * (size - len(document)) + document[end:]


def gz(data, level=6):
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=level) as f:
        f.write(data)
    return buf.getvalue()


def zipped(members):
    """members: (name, bytes, compress_type)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data, method in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 15, 6, 0, 0))
            info.compress_type = method
            info.external_attr = 0o100644 << 16
            z.writestr(info, data, compresslevel=1 if method == zipfile.ZIP_DEFLATED else None)
    return buf.getvalue()


def noise(size, seed):
    """Incompressible but printable bytes (base64 of a seeded generator)."""
    raw = random.Random(seed).randbytes(size * 3 // 4 + 3)
    return base64.b64encode(raw)[:size]


BOMB_HEAD = report("bomb").split(b"<record>")[0]  # a report opened, never closed


def deflate_bomb(mib):
    """A raw deflate stream of BOMB_HEAD then `mib` MiB of spaces, and its crc/size:
    one compressed block repeated, so a gigabyte costs a megabyte."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(BOMB_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    chunk = b" " * MIB
    block = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)
    data = head + block * mib + c.flush(zlib.Z_FINISH)
    crc = zlib.crc32(BOMB_HEAD)
    for _ in range(mib):
        crc = zlib.crc32(chunk, crc)
    return data, crc & 0xFFFFFFFF, len(BOMB_HEAD) + mib * MIB


def gzip_bomb(mib):
    data, crc, size = deflate_bomb(mib)
    return (b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + data
            + struct.pack("<II", crc, size & 0xFFFFFFFF))


def zip_with_declared_size(name, data, crc, declared):
    """A one-member deflated zip whose headers claim `declared` uncompressed bytes."""
    n = name.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data),
                        declared, len(n), 0) + n + data
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc,
                          len(data), declared, len(n), 0, 0, 0, 0, 0o100644 << 16, 0) + n
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    return local + central + end


def mail(subject, message_id, parts):
    out = (f"From: noreply-dmarc@reporter.example.net\nTo: dmarc@example.com\n"
           f"Subject: {subject}\nDate: Sun, 15 Nov 2026 06:00:00 +0000\n"
           f"Message-ID: <{message_id}>\nMIME-Version: 1.0\n"
           'Content-Type: multipart/mixed; boundary="b"\n\nreports\n').encode()
    for filename, ctype, data in parts:
        encoded = base64.encodebytes(data)  # 76-column lines
        out += (f'\n--b\nContent-Type: {ctype}\nContent-Disposition: attachment; '
                f'filename="{filename}"\nContent-Transfer-Encoding: base64\n\n').encode() + encoded
    return out + b"\n--b--\n"


def mbox(messages):
    return b"".join(b"From noreply-dmarc@reporter.example.net Sun Nov 15 06:00:00 2026\n"
                    + m + b"\n" for m in messages)


def small_report_mail(n):
    return mail(f"Report {n}", f"small{n}@reporter.example.net",
                [(f"r{n}.xml.gz", "application/gzip", gz(report(f"small-{n}")))])


def node_dense(size, nodes, rid):
    """A valid report of exactly `size` bytes holding about `nodes` pugixml nodes in its
    <extension> (`<a/>x` is two nodes), the worst case for the tree."""
    pairs = nodes // 2
    return padded_to(report(rid, "<extension>" + "<a/>x" * pairs + "</extension>"), size)


# Messages under the size limit that GMime would turn into millions of objects (several
# hundred bytes each): header fields, empty MIME parts, Content-Type parameters and
# addresses, and multiparts nested past GMime's own 1,024 levels.
def shape_message(shape, size=12 * MIB):
    head = ("From: noreply-dmarc@reporter.example.net\nTo: dmarc@example.com\n"
            f"Subject: {shape}\nDate: Sun, 15 Nov 2026 06:00:00 +0000\n"
            f"Message-ID: <{shape}@reporter.example.net>\nMIME-Version: 1.0\n").encode()
    attachment = ('--b\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n'
                  'Content-Disposition: attachment; filename="r.xml.gz"\n\n').encode() + \
        base64.encodebytes(gz(report(shape))) + b"--b--\n"
    if shape == "headers":
        return head + b"a:\n" * (size // 3) + b'Content-Type: multipart/mixed; boundary="b"\n\n' + attachment
    if shape == "parts":
        return head + b'Content-Type: multipart/mixed; boundary="b"\n\n' + b"--b\n\n" * (size // 5) + attachment
    if shape == "parameters":
        return (head + b'Content-Type: multipart/mixed; boundary="b"' + b";a=b" * (size // 4)
                + b"\n\n" + attachment)
    if shape == "addresses":
        return (head + b"Cc: " + b",a@b" * (size // 4) + b'\nContent-Type: multipart/mixed; boundary="b"\n\n'
                + attachment)
    if shape == "nesting":
        depth = 1025
        out = head + b'Content-Type: multipart/mixed; boundary="n0"\n\n'
        tail = b""
        for level in range(1, depth):
            out += f'--n{level - 1}\nContent-Type: multipart/mixed; boundary="n{level}"\n\n'.encode()
            tail = f"--n{level - 1}--\n".encode() + tail
        return out + f"--n{depth - 1}\n".encode() + attachment.replace(b"--b", f"--n{depth - 1}".encode()) + tail
    raise ValueError(shape)


def tar_of(name, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mtime = 1794614400
        t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def shape_cases():
    """Each shape in each container: name -> (make, expected). A make may return a dict
    {relative path: bytes}: a directory (a Maildir)."""
    out = {}
    for shape in ("headers", "parts", "parameters", "addresses", "nesting"):
        one = lambda shape=shape: shape_message(shape)
        out[f"{shape}.eml"] = (one, "rejected")
        out[f"{shape}.mbox"] = (lambda shape=shape: mbox([shape_message(shape), small_report_mail(7)]),
                                "imported 1, rejected 1")
        out[f"{shape}-maildir"] = (lambda shape=shape: {"cur/1:2,S": shape_message(shape),
                                                        "new/2": small_report_mail(8)},
                                   "imported 1, rejected 1")
        out[f"{shape}-eml.zip"] = (lambda shape=shape: zipped([("m.eml", shape_message(shape),
                                                                zipfile.ZIP_DEFLATED)]), "rejected")
        out[f"{shape}-eml.tar"] = (lambda shape=shape: tar_of("m.eml", shape_message(shape)), "rejected")
        out[f"{shape}.mbox.gz"] = (lambda shape=shape: gz(mbox([shape_message(shape), shape_message(shape)]), 9),
                                   "rejected 2")
        out[f"stdin-{shape}.eml"] = (one, "stdin rejected")
        out[f"retry-{shape}.eml"] = (one, "retry rejected")
    return out


# --- the cases -------------------------------------------------------------------------

def cases():
    """name -> (function that makes the input, expected outcome). Inputs are made one
    at a time, so that no more than one is in memory or on disk."""
    allowed = (PARSE_BUDGET - DOCUMENT_LIMIT) // NODE_BYTES  # nodes of a document at the limit

    def padded_bomb(method, seed):
        # bzip2 and xz squeeze spaces past the expansion ratio on their own: an
        # incompressible member beside them lifts the input's size, so that the bomb
        # runs into the document limit, the larger allocation.
        return zipped([("padding.bin", random.Random(seed).randbytes(DOCUMENT_LIMIT // 500),
                        zipfile.ZIP_STORED),
                       ("bomb.xml", BOMB_HEAD + b" " * (40 * MIB), method)])

    def big_document(rid, size, noise_bytes, seed):
        return padded_to(report(rid, "<extension>" + noise(noise_bytes, seed).decode() +
                                "</extension>"), size)

    def near_limit_mail():
        # A message just under the message limit: its attachment is a gzip (level 1) of
        # a document near the document limit, mostly incompressible.
        attachment = gz(big_document("in-mail", DOCUMENT_LIMIT - MIB, MESSAGE_LIMIT * 2 // 3, 5), 1)
        message = mail("near the limit", "near@reporter.example.net",
                       [("near.xml.gz", "application/gzip", attachment)])
        assert len(message) < MESSAGE_LIMIT
        return message

    def huge_mbox():
        huge = mail("huge", "huge@reporter.example.net",
                    [("huge.xml.gz", "application/gzip", noise(MESSAGE_LIMIT + 4 * MIB, 4))])
        return mbox([small_report_mail(1), huge, small_report_mail(2)])

    return {
        # Decompression bombs: each ends as rejects of kind 'limit'.
        "gzip-bomb.xml.gz": (lambda: gzip_bomb(1024), "rejected"),
        "zip-bomb-declared.zip": (lambda: zip_with_declared_size(
            "bomb.xml", *deflate_bomb(1024)), "rejected"),
        "zip-bomb-lying.zip": (lambda: zip_with_declared_size(
            "bomb.xml", *deflate_bomb(1024)[:2], 1000), "rejected"),
        "bzip2-bomb-padded.zip": (lambda: padded_bomb(zipfile.ZIP_BZIP2, 1), "rejected"),
        "xz-bomb.xml.xz": (lambda: lzma.compress(BOMB_HEAD + b" " * (48 * MIB), preset=0),
                           "rejected"),
        "xz-bomb-padded.zip": (lambda: padded_bomb(zipfile.ZIP_LZMA, 2), "rejected"),
        # Nested bombs: three gzip bombs in a zip; a gzip bomb in a zip in a gzip.
        "zip-of-gzip-bombs.zip": (lambda: zipped([(f"b{k}.xml.gz", gzip_bomb(256), zipfile.ZIP_STORED)
                                                  for k in range(3)]), "rejected 3"),
        "gzip-zip-gzip-bomb.zip.gz": (lambda: gz(zipped([("b.xml.gz", gzip_bomb(256),
                                                          zipfile.ZIP_STORED)])), "rejected"),
        # The worst legitimate nesting: a stored zip holding a gzip (level 0, so no
        # smaller) of a document near the limit: input, member and document held at
        # once, then the parse.
        "zip-gzip-document-near-limit.zip": (lambda: zipped([(
            "r.xml.gz", gz(big_document("nested", DOCUMENT_LIMIT - 2 * MIB, DOCUMENT_LIMIT - 8 * MIB, 3), 0),
            zipfile.ZIP_STORED)]), "imported"),
        # Documents exactly at the limit with as many nodes as the parse budget allows
        # (just under: imported; just over: refused before the tree is built), and
        # attributes, which are not tags but cost memory too.
        "xml-max-nodes-at-limit.xml": (lambda: node_dense(DOCUMENT_LIMIT, allowed * 99 // 100, "max"),
                                       "imported"),
        "xml-over-max-nodes.xml.gz": (lambda: gz(node_dense(DOCUMENT_LIMIT, allowed * 101 // 100, "over")),
                                      "rejected"),
        # Three such documents in one archive: with several parse threads (the import
        # runs with --jobs 4), no two of them may be parsed at once.
        "zip-of-max-node-documents.zip": (lambda: zipped([(
            f"max{k}.xml", node_dense(DOCUMENT_LIMIT, allowed * 99 // 100, f"max{k}"), zipfile.ZIP_DEFLATED)
            for k in range(3)]), "imported 3"),
        "xml-attributes-at-limit.xml.gz": (lambda: gz(padded_to(report(
            "attributes", "<extension><a" + " b=''" * (DOCUMENT_LIMIT // 6) + "/></extension>"),
            DOCUMENT_LIMIT)), "rejected"),
        # A real report's worst: 20,000 records with DKIM and SPF results (~10 MB).
        "xml-20000-records.xml.gz": (lambda: gz(report("records", records=20000)), "imported"),
        # Mail: a message over the size limit between two good ones, and a message just
        # under it whose attachment is a gzip of a large document.
        "mbox-huge-message.mbox": (huge_mbox, "imported 2, rejected 1"),
        "eml-huge-attachment.eml": (near_limit_mail, "imported"),
        # An mbox inside a zip is split as it inflates: the zip, the message, its
        # attachment and the document are held at once, never the whole mbox.
        "zip-holding-mbox.zip": (lambda: zipped([("export.mbox", mbox(
            [near_limit_mail(), small_report_mail(3)]), zipfile.ZIP_DEFLATED)]), "imported 2"),
        # Over the input limit, archives are streamed, not rejected: a Takeout-style zip
        # of a 50 MB mbox (the three large messages are the same mail: imported once),
        # and a stored zip of three gzipped documents near the limit.
        "takeout-over-input-limit.zip": (lambda: zipped([("Takeout/Mail/All mail.mbox", mbox(
            [near_limit_mail(), small_report_mail(4), near_limit_mail(), near_limit_mail(),
             small_report_mail(5)]), zipfile.ZIP_STORED)]), "imported 3"),
        "reports-over-input-limit.zip": (lambda: zipped([(
            f"r{k}.xml.gz", gz(big_document(f"streamed{k}", DOCUMENT_LIMIT - 2 * MIB, DOCUMENT_LIMIT - 8 * MIB, 3), 0),
            zipfile.ZIP_STORED) for k in range(3)]), "imported 3"),
        # Standard input: read whole into memory, up to the input limit.
        "stdin-gzip-bomb": (lambda: gzip_bomb(1024), "stdin rejected"),
        "stdin-max-nodes": (lambda: node_dense(DOCUMENT_LIMIT, allowed * 99 // 100, "stdin"),
                            "stdin imported"),
    }


def linear_cases():
    """Shapes whose work must grow linearly: name -> function of a scale (1 or 4)."""
    def members(scale):
        same = report("member")
        return zipped([(f"r{k:05d}.xml", same, zipfile.ZIP_DEFLATED) for k in range(2500 * scale)])

    def nesting(scale):
        depth = 10000 * scale
        return report("deep", "<extension>" + "<n>" * depth + "</n>" * depth + "</extension>")

    def roots(scale):
        return report("roots") + b"<feedback/>" * (20000 * scale)

    def messages(scale):
        return mbox([small_report_mail(k) for k in range(500 * scale)])

    # Under the MIME caps, what GMime builds grows with the input: 100 messages of
    # 2,000 or 8,000 header fields, 200 or 800 parts, 2,000 or 8,000 parameters.
    def header_fields(scale):
        return mbox([shape_message("headers", 3 * 2000 * scale) for _ in range(100)])

    def parts(scale):
        return mbox([shape_message("parts", 5 * 200 * scale) for _ in range(100)])

    def parameters(scale):
        return mbox([shape_message("parameters", 4 * 2000 * scale) for _ in range(100)])

    return {"zip-members.zip": members, "deep-nesting.xml": nesting,
            "many-feedback-roots.xml": roots, "mbox-messages.mbox": messages,
            "mbox-header-fields.mbox": header_fields, "mbox-parts.mbox": parts,
            "mbox-parameters.mbox": parameters}


# --- running ---------------------------------------------------------------------------

def run_import(dmarcq, work, name, path, stdin=False):
    """Imports `path` into a fresh database in one child; returns (exit status, stderr,
    peak RSS in KiB, CPU seconds, database). GNU time measures the child: Linux carries
    the RSS high-water mark of the process that forks over exec, so measuring from
    this (larger) Python process would count Python's own peak."""
    db = os.path.join(work, name + ".db")
    usage = os.path.join(work, name + ".usage")
    args = ["/usr/bin/time", "-o", usage, "-f", "%M %U %S",
            dmarcq, "--db", db, "import", "--jobs", "4", "-" if stdin else path]
    with open(path, "rb") if stdin else open(os.devnull, "rb") as stdin_file:
        try:
            child = subprocess.run(args, stdin=stdin_file, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, timeout=IMPORT_TIMEOUT)
        except subprocess.TimeoutExpired:
            # A hang or a quadratic step (the reparse of every <feedback> took minutes)
            # is a failure of this case, not of the run.
            return None, f"timed out after {IMPORT_TIMEOUT} s", 0, float(IMPORT_TIMEOUT), db
    with open(usage) as f:
        # A child killed by a signal makes GNU time write a "Command terminated" line
        # before the figures.
        peak_kb, user, system = f.read().split("\n")[-2].split()
    stderr = child.stderr.decode("utf-8", "replace")
    return child.returncode, stderr, int(peak_kb), float(user) + float(system), db


RETRY_ACCOUNTING = re.compile(r"retry: ([\d,]+) rejects? retried: ([\d,]+) imported, ([\d,]+) "
                              r"duplicates?, ([\d,]+) still rejected")


def run_retry(dmarcq, work, name, db):
    """`rejects --retry` on `db` in one child: (exit status, stderr with an import-style
    accounting line, peak RSS in KiB, CPU seconds)."""
    usage = os.path.join(work, name + ".retry-usage")
    child = subprocess.run(["/usr/bin/time", "-o", usage, "-f", "%M %U %S",
                            dmarcq, "--db", db, "rejects", "--retry"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=IMPORT_TIMEOUT)
    with open(usage) as f:
        peak_kb, user, system = f.read().split("\n")[-2].split()
    stderr = child.stderr.decode("utf-8", "replace")
    m = RETRY_ACCOUNTING.search(stderr)
    if m:  # said as the import says it, so that outcome() reads both
        stderr += (f"\nimport: {m.group(2)} reports imported, {m.group(3)} duplicates, "
                   f"{m.group(4)} rejected, 0 skipped\n")
    return child.returncode, stderr, int(peak_kb), float(user) + float(system)


def outcome(dmarcq, expected, rc, stderr, db):
    """Empty when the import ended as `expected`, else what went wrong."""
    m = ACCOUNTING.search(stderr)
    if not m:
        return f"exit {rc}, no accounting line: {stderr.strip()[:300]}"
    got = dict(zip(("imported", "duplicates", "rejected", "skipped"),
                   (int(g.replace(",", "")) for g in m.groups())))
    want = {"imported": 0, "rejected": 0}
    for part in expected.replace("stdin", "").replace("retry", "").split(","):
        words = part.split()
        want[words[0]] = int(words[1]) if len(words) > 1 else 1
    problems = [f"{k} {got[k]}, expected {v}" for k, v in want.items() if got[k] != v]
    if want["rejected"]:
        kinds = subprocess.run([dmarcq, "--db", db, "sql", "--format", "csv",
                                "SELECT DISTINCT error_kind FROM reject"],
                               capture_output=True, text=True).stdout.split()[1:]
        if kinds != ["limit"]:
            problems.append(f"reject kinds {kinds}, expected ['limit']")
    if rc not in (0, 2):
        problems.append(f"exit {rc}")
    if problems:
        reasons = [l for l in stderr.split("\n") if l.startswith("dmarcq: rejected:")]
        problems.append(" | ".join(reasons)[:400])
    return "; ".join(problems)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 1
    if os.environ.get("DMARCQ_SANITIZED") == "1":
        print("skipped: a sanitizer build's memory and time say nothing about the limits")
        return SKIPPED
    dmarcq = os.path.abspath(sys.argv[1])
    selected = sys.argv[2:]
    work = tempfile.mkdtemp(prefix="dmarcq-limits.")
    failures = 0
    try:
        for name, (make, expected) in {**cases(), **shape_cases()}.items():
            if selected and not any(s in name for s in selected):
                continue
            path = os.path.join(work, name)
            made = make()
            if isinstance(made, dict):
                for relative, data in made.items():
                    os.makedirs(os.path.dirname(os.path.join(path, relative)), exist_ok=True)
                    with open(os.path.join(path, relative), "wb") as f:
                        f.write(data)
            else:
                with open(path, "wb") as f:
                    f.write(made)
            del made
            rc, stderr, peak_kb, _, db = run_import(dmarcq, work, name, path,
                                                    stdin=expected.startswith("stdin"))
            if expected.startswith("retry"):
                # The reject keeps the message: `rejects --retry` reads it again, as bounded.
                rc, stderr, peak_kb, _ = run_retry(dmarcq, work, name, db)
            problem = outcome(dmarcq, expected, rc, stderr, db)
            if peak_kb >= PEAK_LIMIT_KB:
                problem = f"peak RSS {peak_kb} KiB, limit {PEAK_LIMIT_KB} KiB; " + problem
            failures += bool(problem)
            print(f"{'FAIL' if problem else 'ok  '} {name}: peak {peak_kb / 1024:.0f} MiB, "
                  f"{expected}{': ' + problem if problem else ''}", flush=True)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)
        for name, make in linear_cases().items():
            if selected and not any(s in name for s in selected):
                continue
            seconds = []
            for scale in (1, 4):
                path = os.path.join(work, f"{scale}x-{name}")
                with open(path, "wb") as f:
                    f.write(make(scale))
                rc, stderr, _, cpu, _ = run_import(dmarcq, work, f"{scale}x-{name}", path)
                if not ACCOUNTING.search(stderr):
                    failures += 1
                    print(f"FAIL {name} at {scale}x: exit {rc}: {stderr.strip()[:300]}")
                seconds.append(max(cpu, 0.01))
            ratio = seconds[1] / seconds[0]
            bad = ratio > LINEAR_FACTOR
            failures += bad
            print(f"{'FAIL' if bad else 'ok  '} {name}: 4x the input took {ratio:.1f}x the CPU "
                  f"time ({seconds[0]:.2f} s, {seconds[1]:.2f} s), limit {LINEAR_FACTOR}x",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
