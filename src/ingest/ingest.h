// ingest: turns command-line inputs (files, directories, standard input) into the
// documents inside them. It opens containers by their bytes, not their names (gzip,
// zip, tar, bzip2, xz, one nested level; mbox files, Maildirs and single messages,
// whose MIME parts it reads with GMime), enforces the resource limits before
// allocating, and tells a Sink about every document, reject and skip, so that the
// caller can account for everything. It knows nothing of XML or SQL: a document is
// bytes plus where they came from.
#ifndef DMARCQ_INGEST_INGEST_H_
#define DMARCQ_INGEST_INGEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dmarcq::ingest {

// Resource limits. Each has a command-line override in `dmarcq import`.
//
// The defaults keep the peak memory of one import under 256 MB whatever the input
// (README, "Limits and memory"; tests/limits checks it). At worst an import holds at
// once: an input read whole (max_input_bytes), a container or mail message opened
// inside it (up to max_document_bytes), the document (max_document_bytes), its parse
// (report::ParseLimits: 2.5 times max_document_bytes), SQLite's page cache (32 MiB)
// and the program (about 15 MiB): 32 + 32 + 32 + 80 + 32 + 15 = 223 MiB (234 MB).
// Raising a limit raises that sum with it.
struct Limits {
  // Uncompressed bytes of one document (one report XML). Default: 32 MiB. The largest
  // real aggregate reports are a few tens of MB of XML, and parsing takes 3 to 5
  // times a report's size (report::ParseLimits), so a report much past 25 MB could not
  // be parsed within the memory bound anyway.
  std::uint64_t max_document_bytes = 32ull << 20;
  // Bytes of one top-level input read into memory. Default: 32 MiB, the size of one
  // document: thousands of compressed reports in one archive. Larger regular files
  // are streamed instead when they are mbox files or archives (zip, tar, gzip, bzip2,
  // xz: a mailbox export such as Google Takeout's, a year of reports zipped), member
  // by member; anything else larger is rejected.
  std::uint64_t max_input_bytes = 32ull << 20;
  // Entries (files) in one archive. Default: 10,000.
  std::uint32_t max_members = 10000;
  // Container levels around a document: 1 = a zip holding XML, 2 = a gzip inside a
  // zip. Filter chains that libarchive unwraps by itself (gzip of gzip) count once.
  // Default: 2.
  std::uint32_t max_depth = 2;
  // Total uncompressed bytes of one top-level input divided by its size on disk.
  // Only enforced once the output passes 16 MiB, so small inputs never trip it.
  // Default: 1000.
  std::uint64_t max_expansion_ratio = 1000;
  // Bytes of one mail message. mbox files themselves are streamed, never read whole.
  // Default: 16 MiB. A report mail is a few MB at most (a 25 MB report is about 2 MB
  // gzipped); a message and the attachment decoded from it are held together, and
  // with the document they must fit the budget above.
  std::uint64_t max_message_bytes = 16ull << 20;
  // Levels of messages forwarded as attachments (message/rfc822) inside a message.
  // Default: 5.
  std::uint32_t max_message_depth = 5;
  // What GMime builds for one message, counted in its raw bytes before GMime sees it
  // (mime_shape.h): GMime makes an object of several hundred bytes per header field,
  // part, parameter and address, so a message under the size limit could cost
  // gigabytes. A real report mail has tens of header fields, a few parts, tens of
  // parameters and three or four levels; a message forwarded with its original inside
  // has about twice that. At the defaults a 9 MB message just under every cap takes a
  // whole import to 66 MiB (tests/limits has the shapes past them).
  // Header fields of the message, its parts and forwarded messages. Default: 10,000.
  std::uint64_t max_mime_headers = 10000;
  // MIME parts (header blocks: the message, each part, each forwarded message).
  // Default: 1,000.
  std::uint64_t max_mime_parts = 1000;
  // ';' and ',' in header fields: Content-Type and Content-Disposition parameters and
  // the addresses of address fields. Default: 10,000.
  std::uint64_t max_mime_parameters = 10000;
  // Levels of multiparts and forwarded messages, one inside the other. Default: 32;
  // at most 1,000, below GMime's own 1,024, past which it would read the rest of a
  // message as one part and the report in it would not be found.
  std::uint32_t max_mime_depth = 32;
};

// Where bytes came from, outermost first: {"inbox/2026.zip", "google.com!a.jp!1!2.xml"}.
struct Origin {
  std::vector<std::string> chain;

  Origin child(std::string place) const;
  // The chain joined with " › " (U+203A), e.g. "reports/a.zip › member.xml".
  std::string to_string() const;
};

// One candidate report document: what remains after every container is opened.
struct Document {
  Origin origin;
  std::string bytes;
};

// Receives everything ingest finds. Every input ends in exactly one call per unit:
// on_document, on_reject or on_skip (directories and empty archive entries for
// directories are not units). LevelDB's log::Reader::Reporter is the model: ingest
// reports and keeps going, the caller decides what a reject means.
class Sink {
 public:
  virtual ~Sink() = default;
  // Called once per top-level file before its contents, for progress display.
  virtual void on_file(const std::string& path, std::uint64_t size) {
    (void)path;
    (void)size;
  }
  // A path that is not opened as a file: a directory entry that is skipped (hidden,
  // a FIFO, a symbolic link to a directory), or one that cannot be opened or listed
  // (a dangling symbolic link, no permission). Its one unit, a reject or a skip,
  // follows; per-file accounting gives it a line of its own.
  virtual void on_entry(const std::string& path) { (void)path; }
  // A top-level file (or standard input) is about to be unpacked; `content_hash` is
  // the SHA-256 (lower-case hex) of all its bytes. Not called for an mbox, which is
  // streamed, nor for a file that is one mail message (on_message_start announces
  // it, with its bytes). Returning false skips it: the sink already knows these bytes
  // and accounts for the file itself. Otherwise its units follow, then on_file_end.
  virtual bool on_file_start(const Origin& origin, const std::string& content_hash) {
    (void)origin;
    (void)content_hash;
    return true;
  }
  // After the units of a file on_file_start let through.
  virtual void on_file_end(const Origin& origin) { (void)origin; }
  // A document that looks like XML (after optional BOM/whitespace).
  virtual void on_document(Document document) = 0;
  // A unit that should have held a report but could not be read: unreadable file,
  // broken or truncated archive, a limit hit, compressed payload that is not XML.
  // `raw` is the bytes of the failing unit as far as they are known (the file or
  // archive member before decompression), empty when unavailable or over the limit;
  // they are kept so that a later version can retry.
  virtual void on_reject(const Origin& origin, const core::Error& error, std::string_view raw) = 0;
  // A unit that is not a report at all and was never meant to be one: a plain,
  // uncompressed file or archive member whose bytes are neither XML nor an archive
  // (README, image). `what` says what it looked like ("text", "binary data").
  virtual void on_skip(const Origin& origin, const std::string& what) = 0;

  // A mail message is about to be read, before even its headers are decoded: naming
  // it (the Message-ID in on_message_start's origin) costs a parse of its header
  // block, which a re-import of a large mailbox would pay for every message it
  // already holds. Returning true skips the message: the sink knows these bytes and
  // has accounted for the message itself; nothing else is called for it. `raw` is
  // never empty, and when false is returned on_message_start usually follows with the
  // same bytes (not for a message found unreadable).
  virtual bool skip_known_message(std::string_view raw) {
    (void)raw;
    return false;
  }
  // A mail message (from an mbox, a Maildir, a .eml file or an archive) was parsed;
  // `origin` names it ("inbox.mbox › message 12 <id@host>") and `raw` is its bytes.
  // Returning false skips it: the sink already knows these bytes and accounts for
  // the message itself. Otherwise its units follow, then on_message_end.
  virtual bool on_message_start(const Origin& origin, std::string_view raw) {
    (void)origin;
    (void)raw;
    return true;
  }
  // After the units of a message. `no_report` is empty when the message yielded at
  // least one document or reject; otherwise it says what the message was: "not a
  // report", "failure report (ARF)", "TLS report (TLS-RPT)", "delivery status
  // notification". Messages are not units: their reports are.
  virtual void on_message_end(const Origin& origin, const std::string& no_report) {
    (void)origin;
    (void)no_report;
  }
  // Bytes of the current top-level file read so far (for a progress line).
  virtual void on_progress(std::uint64_t bytes_done) { (void)bytes_done; }
};

// What the first bytes of a buffer are.
enum class Kind {
  kEmpty,
  kXml,      // '<' after optional UTF-8 BOM and whitespace, or a UTF-16/32 BOM
  kGzip,     // 1f 8b
  kZip,      // 50 4b 03 04 (also 50 4b 05 06, an empty zip)
  kBzip2,    // "BZh"
  kXz,       // fd 37 7a 58 5a 00
  kTar,      // "ustar" at offset 257
  kMbox,     // a "From " line with a date: an mbox file
  kMessage,  // RFC 5322 header lines: one mail message (.eml, a Maildir file)
  kText,     // printable text that is none of the above
  kBinary,   // anything else
};

Kind sniff(std::string_view bytes);
// True for the kinds libarchive opens: zip, tar, gzip, bzip2 and xz.
bool is_container(Kind kind);
const char* kind_name(Kind kind);
// For Outlook's own formats, which no Debian library reads (an OLE2 .msg message, a
// .pst or .ost mailbox): what to do instead; empty for anything else. Said by the
// first bytes, so a mailbox of many GB gets the hint, not a size limit.
std::string outlook_hint(std::string_view head);

// True when the innermost name of `origin` ends like a report or a report archive
// (.xml, .gz, .gzip, .zip, .tgz, .tar, .bz2, .xz), case-insensitively. Bytes decide
// what a unit is; the name only decides whether something that is not a report is a
// report that arrived broken (rejected, kept) or another kind of file (skipped).
bool named_like_report(const Origin& origin);

// Expands each path: a regular file is read and unpacked (an mbox file is streamed
// message by message); a directory is walked recursively in byte-wise name order
// (hidden entries, names starting with '.', are skipped), except that a Maildir
// (cur/ and new/) is read as messages, Maildir++ folders included and tmp/ never;
// "-" reads standard input (origin "<stdin>").
void ingest_paths(const std::vector<std::string>& paths, const Limits& limits, Sink& sink);

// The total size of the regular files ingest_paths would read (for a progress line's
// total); directories are walked the same way, unreadable entries count as 0.
std::uint64_t total_input_bytes(const std::vector<std::string>& paths);

// Unpacks bytes already in memory, as if they had been read from a file at `origin`.
void ingest_bytes(const Origin& origin, std::string bytes, const Limits& limits, Sink& sink);

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_INGEST_H_
