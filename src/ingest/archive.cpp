// archive: opens the containers that DMARC aggregate reports travel in: in memory, or
// streamed from a file too large to hold (a mailbox export, a year of reports zipped).
//
// How reporters package reports (RFC 7489 section 7.2.1.1 asks for gzip or zip, and
// the wild adds variations):
//  - A single gzip stream holding one XML file ("example.com!a.jp!1700000000!
//    1700086400.xml.gz"): Microsoft, Yahoo, most MTAs. Yahoo has been seen sending a
//    gzip whose payload is the word "unused" instead of a report.
//  - A zip with one XML member (Google), often named without ".xml" and sometimes
//    with a name that says .gz while the bytes are zip, hence sniffing by bytes.
//  - Mimecast appends "\r\n" after the gzip stream (a mail gateway treating the
//    attachment as text); libarchive's gzip filter stops at the end of the member and
//    ignores the tail, so such files read as ordinary gzip.
//  - A zip holding a .xml.gz (archives of archives): two container levels.
//  - Occasionally tar.gz, bzip2 or xz from hand-rolled scripts and mailbox exports.
//
// An mbox found inside a container (Google Takeout's zip or tgz, an mbox.gz) is split
// into messages as it inflates, whatever its size; any other member is read whole, up
// to the document limit.
//
// Every byte is hostile: a 40 kB gzip can inflate to 40 MB, a zip can list the same
// compressed block ten thousand times, and a tar can declare a 1 TB member. So data
// is pulled from libarchive in fixed chunks and every limit is checked before the
// next chunk is appended, never after the whole member has been inflated: by then
// the memory is already gone. Nothing is ever written to disk, so member names such
// as "../../etc/passwd" are only labels.
//
// Levels: the top-level input is depth 0; opening a container (gzip, zip, tar, ...)
// adds one level to what is inside it. A filter chain libarchive unwraps by itself
// (gzip of gzip, tar inside gzip) is one open and so one level.
#include "ingest/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "ingest/ingest.h"
#include "ingest/mailbox.h"
#include "ingest/mime.h"
#include "ingest/mime_shape.h"
#include "ingest/zip_directory.h"

namespace dmarcq::ingest {
namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kChunkBytes = 64 * 1024;
// What is read of an entry before deciding whether it is an mbox: its first line, and
// enough of it for sniff() to tell the other kinds apart.
constexpr std::size_t kSniffBytes = 4096;
// A streamed file is read in larger pieces: it is the big input.
constexpr std::size_t kFileChunkBytes = 1 << 20;
// The expansion ratio is only enforced past this much output, so that small files
// (where a ratio of 1000:1 means nothing) never trip it.
constexpr std::uint64_t kRatioFloorBytes = 16ull << 20;

struct ArchiveReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveReadFree>;

// What a unit is to its parent; decides what non-XML bytes mean.
enum class Place {
  kFile,        // a top-level input
  kMember,      // an entry of a zip or tar
  kPayload,     // the decompressed content of a gzip/bzip2/xz stream
  kAttachment,  // a decoded MIME part of a mail message
};

bool is_compressed(Kind kind) {
  return kind == Kind::kGzip || kind == Kind::kBzip2 || kind == Kind::kXz;
}

std::string container_noun(Kind kind) {
  return std::string(kind_name(kind)) + (is_compressed(kind) ? " stream" : " archive");
}

std::string archive_message(struct archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unknown error";
}

std::string document_limit_message(std::uint64_t limit) {
  return "document exceeds the size limit of " + std::to_string(limit) +
         " bytes (--max-document-size)";
}

// A top-level file too large to hold, handed to libarchive as it asks for it. Seeking
// lets the zip reader use the central directory, as it does in memory. Skips and seeks
// stop at the end of the file, as they do in memory: lseek would go past it without
// complaint, and libarchive would count the bytes skipped as read (a cut tar would
// pass for whole, a lying offset for a decompression bomb). The file was read once
// already, to hash it: progress says this second pass is the second half of the work.
class FileSource {
 public:
  FileSource(int fd, std::uint64_t size, Sink& sink)
      : fd_(fd), size_(static_cast<off_t>(size)), sink_(sink), buffer_(kFileChunkBytes) {}

  static la_ssize_t read(struct archive* a, void* self, const void** buffer) {
    auto& source = *static_cast<FileSource*>(self);
    for (;;) {
      const ssize_t n = ::read(source.fd_, source.buffer_.data(), source.buffer_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        archive_set_error(a, errno, "cannot read: %s", std::strerror(errno));
        return ARCHIVE_FATAL;
      }
      *buffer = source.buffer_.data();
      source.moved(n);
      return n;
    }
  }
  static la_int64_t skip(struct archive*, void* self, la_int64_t request) {
    auto& source = *static_cast<FileSource*>(self);
    const off_t before = ::lseek(source.fd_, 0, SEEK_CUR);
    if (before < 0 || before >= source.size_) return 0;  // libarchive reads through instead
    request = std::min<la_int64_t>(request, source.size_ - before);
    const off_t after = ::lseek(source.fd_, static_cast<off_t>(request), SEEK_CUR);
    if (after < 0) return 0;
    source.moved(after - before);
    return after - before;
  }
  static la_int64_t seek(struct archive* a, void* self, la_int64_t offset, int whence) {
    auto& source = *static_cast<FileSource*>(self);
    const off_t base = whence == SEEK_SET   ? 0
                       : whence == SEEK_END ? source.size_
                                            : ::lseek(source.fd_, 0, SEEK_CUR);
    if (base < 0 || offset < -base || offset > source.size_ - base) {
      archive_set_error(a, EINVAL, "offset %lld is outside the file",
                        static_cast<long long>(base) + static_cast<long long>(offset));
      return ARCHIVE_FATAL;
    }
    // From the start: the end is the size hashed, even if the file grew since.
    const off_t at = ::lseek(source.fd_, base + static_cast<off_t>(offset), SEEK_SET);
    if (at < 0) {
      archive_set_error(a, errno, "cannot seek: %s", std::strerror(errno));
      return ARCHIVE_FATAL;
    }
    return at;
  }

  std::uint64_t size() const { return static_cast<std::uint64_t>(size_); }
  // Up to `length` bytes at `offset`, without moving the file position; fewer at the
  // end of the file or on an error.
  std::string read_at(std::uint64_t offset, std::uint64_t length) const {
    std::string out;
    if (offset >= size()) return out;
    out.resize(static_cast<std::size_t>(std::min(length, size() - offset)));
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n =
          ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    return out;
  }

 private:
  void moved(std::int64_t bytes) {
    done_ += static_cast<std::uint64_t>(bytes);
    report_progress();
  }
  // Bytes read or skipped, not the position: the zip reader seeks to the central
  // directory at the end first, and progress must not run backwards.
  void report_progress() {
    const auto size = static_cast<std::uint64_t>(size_);
    sink_.on_progress(size / 2 + std::min(done_, size) / 2);
  }

  int fd_;
  off_t size_;
  Sink& sink_;
  std::vector<char> buffer_;
  std::uint64_t done_ = 0;
};

// One open libarchive reader and what has been counted from it.
struct Stream {
  struct archive* a;
  std::uint64_t data_bytes = 0;  // returned by archive_read_data
  std::uint64_t accounted = 0;   // already added to Unpacker::produced_
  la_ssize_t last_rc = 0;        // last negative archive_read_data result
};

enum class ReadStatus { kOk, kTooLarge, kRatio, kError };

// Unpacks one top-level input. Holds the state that spans nesting levels: the
// expansion accounting and whether a bomb stopped everything.
class Unpacker {
 public:
  Unpacker(const Limits& limits, Sink& sink, std::uint64_t input_size)
      : limits_(limits), sink_(sink), input_size_(input_size), chunk_(kChunkBytes) {}

  // Delivers `bytes` found at `origin`, `depth` containers deep. For a payload,
  // `outer_raw` is the compressed stream it came from (what a reject keeps).
  void unit(const Origin& origin, std::string bytes, std::uint32_t depth, Place place,
            std::string_view outer_raw);
  // One mail message; `base` is where it is, `label` names it there ("message 12"),
  // and the Message-ID is added to the label once it is known.
  // `too_large`: the bytes were dropped because the message is over the size limit.
  void message(const Origin& base, const std::string& label, std::string_view bytes,
               bool too_large = false);
  // A top-level archive or compressed stream of `kind`, read from `source`.
  void file(const Origin& origin, FileSource& source, Kind kind);

 private:
  class Parts;
  void mbox(const Origin& origin, std::string_view bytes);
  void document(const Origin& origin, std::string bytes);
  void skip(const Origin& origin, const std::string& what);
  // Opens `bytes`, or `file` when it is not null.
  void open_container(const Origin& origin, std::string_view bytes, FileSource* file,
                      std::uint32_t depth, Kind kind, std::string_view unit_raw);
  void single_stream(Stream& stream, const Origin& origin, std::uint32_t depth,
                     const std::string& noun, std::string_view unit_raw);
  ReadStatus read_data(Stream& stream, std::string* out);
  ReadStatus read_head(Stream& stream, std::string& out);
  bool split_mbox(Stream& stream, const Origin& origin, const std::string& noun, std::string head);
  bool drain(Stream& stream);
  bool account(Stream& stream);
  void reject(const Origin& origin, ErrorCode code, std::string message, std::string_view raw);
  void reject_ratio(const Origin& origin, std::string_view raw);

  const Limits& limits_;
  Sink& sink_;
  std::uint64_t input_size_;
  std::uint64_t produced_ = 0;       // decompressed bytes from all readers so far
  bool stopped_ = false;             // a bomb was found: nothing more from this input
  std::uint64_t units_ = 0;          // documents, rejects and skips reported so far
  std::uint32_t message_depth_ = 0;  // mail messages around the current unit
  // The bytes of the outermost message around the current unit: what a limit met
  // inside it keeps, so that a retry with a higher limit reads it all again.
  std::string_view outermost_message_;
  std::vector<char> chunk_;
};

// Hands the parts of a message back to the unpacker, as units at container depth 0
// (a message is not an archive level; forwarding has its own limit).
class Unpacker::Parts final : public PartVisitor {
 public:
  explicit Parts(Unpacker& unpacker) : unpacker_(unpacker) {}
  void attachment(const Origin& origin, std::string bytes) override {
    unpacker_.unit(origin, std::move(bytes), 0, Place::kAttachment, {});
  }
  void pasted_text(const Origin& origin, std::string bytes) override {
    unpacker_.unit(origin, std::move(bytes), 0, Place::kAttachment, {});
  }
  void too_deep(const Origin& origin) override {
    unpacker_.reject(origin, ErrorCode::kLimit,
                     "forwarded messages nested deeper than " +
                         std::to_string(unpacker_.limits_.max_message_depth) +
                         " (--max-message-depth)",
                     unpacker_.outermost_message_);
  }

 private:
  Unpacker& unpacker_;
};

void Unpacker::document(const Origin& origin, std::string bytes) {
  ++units_;
  sink_.on_document(Document{origin, std::move(bytes)});
}

void Unpacker::skip(const Origin& origin, const std::string& what) {
  ++units_;
  sink_.on_skip(origin, what);
}

namespace {

// The bytes of a message up to and including the end of its header block (the first
// empty line), or all of it when there is no body.
std::size_t header_block_size(std::string_view bytes) {
  for (std::size_t at = bytes.find('\n'); at != std::string_view::npos;
       at = bytes.find('\n', at + 1)) {
    const std::size_t next = at + 1;
    if (next < bytes.size() && bytes[next] == '\n') return next + 1;
    if (next + 1 < bytes.size() && bytes[next] == '\r' && bytes[next + 1] == '\n') return next + 2;
  }
  return bytes.size();
}

}  // namespace

void Unpacker::message(const Origin& base, const std::string& label, std::string_view bytes,
                       bool too_large) {
  if (stopped_) return;
  // A message that cannot be read is still a message: it is announced (without
  // bytes, so it is not remembered) and its reject is its one unit.
  auto unreadable = [&](ErrorCode code, const std::string& why, std::string_view raw) {
    const Origin origin = base.child(label);
    sink_.on_message_start(origin, {});
    reject(origin, code, why, raw);
    sink_.on_message_end(origin, {});
  };
  if (too_large || bytes.size() > limits_.max_message_bytes) {
    return unreadable(ErrorCode::kLimit,
                      "message exceeds the size limit of " +
                          std::to_string(limits_.max_message_bytes) + " bytes (--max-message-size)",
                      {});
  }
  if (message_depth_ > limits_.max_message_depth) {
    return unreadable(ErrorCode::kLimit,
                      "forwarded messages nested deeper than " +
                          std::to_string(limits_.max_message_depth) + " (--max-message-depth)",
                      {});
  }
  if (!bytes.empty() && sink_.skip_known_message(bytes)) return;
  // GMime's objects cost hundreds of times the bytes they come from: what it would
  // build is counted first, and a message over a cap is kept for a retry, unread.
  if (const auto violation = mime_shape_violation(measure_mime_shape(bytes, limits_), limits_)) {
    return unreadable(ErrorCode::kLimit, *violation, bytes);
  }
  // The Message-ID names the message in the origin before the sink decides whether to
  // read it; only the header block is parsed for it, so that a message the store
  // already holds costs no MIME parse of its body and attachments even where the sink
  // did not skip it above.
  std::optional<MailMessage> parsed;
  auto head = MailMessage::parse(bytes.substr(0, header_block_size(bytes)));
  if (!head) {
    auto whole = MailMessage::parse(bytes);
    if (!whole) return unreadable(whole.error().code(), whole.error().message(), bytes);
    parsed.emplace(std::move(*whole));
  }
  const std::string id = head ? head->message_id() : parsed->message_id();
  const Origin origin = base.child(id.empty() ? label : label + " <" + id + ">");
  if (!sink_.on_message_start(origin, bytes)) return;
  if (!parsed) {
    auto whole = MailMessage::parse(bytes);
    if (!whole) {  // its headers parsed alone, so GMime should never refuse it whole
      reject(origin, whole.error().code(), whole.error().message(), bytes);
      sink_.on_message_end(origin, {});
      return;
    }
    parsed.emplace(std::move(*whole));
  }
  const std::uint64_t units_before = units_;
  // Undone however the visit ends (a sink may throw bad_alloc): the depth and the bytes
  // of the outermost message must not outlive this message.
  struct Nesting {
    Unpacker& unpacker;
    explicit Nesting(Unpacker& u, std::string_view message) : unpacker(u) {
      if (unpacker.message_depth_ == 0) unpacker.outermost_message_ = message;
      ++unpacker.message_depth_;
    }
    ~Nesting() {
      --unpacker.message_depth_;
      if (unpacker.message_depth_ == 0) unpacker.outermost_message_ = {};
    }
  };
  MessageKind kind;
  {
    const Nesting nesting(*this, bytes);
    Parts parts(*this);
    kind = parsed->visit(origin, limits_.max_message_depth - (message_depth_ - 1), parts);
  }
  sink_.on_message_end(origin, units_ > units_before ? std::string() : kind.describe());
}

void Unpacker::mbox(const Origin& origin, std::string_view bytes) {
  MboxSplitter splitter(limits_.max_message_bytes,
                        [&](std::uint64_t index, std::string text, bool too_large) {
                          message(origin, "message " + std::to_string(index), text, too_large);
                        });
  splitter.feed(bytes);
  splitter.finish();
}

void Unpacker::unit(const Origin& origin, std::string bytes, std::uint32_t depth, Place place,
                    std::string_view outer_raw) {
  if (stopped_) return;
  const Kind kind = sniff(bytes);
  const std::string_view raw = place == Place::kPayload ? outer_raw : std::string_view(bytes);
  switch (kind) {
    case Kind::kXml:
      if (bytes.size() > limits_.max_document_bytes) {
        reject(origin, ErrorCode::kLimit, document_limit_message(limits_.max_document_bytes), raw);
        return;
      }
      document(origin, std::move(bytes));
      return;
    case Kind::kMbox: mbox(origin, bytes); return;
    case Kind::kMessage: message(origin, "message", bytes); return;
    case Kind::kEmpty:
      if (place == Place::kAttachment) return;  // an empty part is no report
      if (place != Place::kPayload && !named_like_report(origin)) {
        skip(origin, "empty file");
        return;
      }
      reject(origin, ErrorCode::kInvalid,
             place == Place::kFile     ? "empty file"
             : place == Place::kMember ? "empty archive member"
                                       : "compressed payload is empty",
             raw);
      return;
    case Kind::kText:
    case Kind::kBinary:
      if (std::string hint = outlook_hint(bytes); !hint.empty()) {
        // In a rua mailbox, an Outlook message or mailbox that may hold reports: said,
        // not skipped as binary data.
        reject(origin, ErrorCode::kUnsupported, std::move(hint), raw);
        return;
      }
      if (place == Place::kPayload) {
        reject(origin, ErrorCode::kInvalid,
               std::string("compressed payload is not an XML document (looks like ") +
                   kind_name(kind) + ")",
               raw);
      } else if (named_like_report(origin)) {
        // The bytes decide what a file is; the name only breaks the tie between "not a
        // report" and "a report that arrived broken", which must not be lost quietly.
        reject(origin, ErrorCode::kInvalid,
               std::string("named like a report but holds ") + kind_name(kind) +
                   ", not XML or an archive",
               raw);
      } else if (place != Place::kAttachment) {
        skip(origin, kind_name(kind));
      }
      // A text or binary attachment that does not claim to be a report (a logo, a
      // signature) is part of the message, not a unit.
      return;
    case Kind::kGzip:
    case Kind::kZip:
    case Kind::kBzip2:
    case Kind::kXz:
    case Kind::kTar: break;
  }
  if (depth + 1 > limits_.max_depth) {
    reject(origin, ErrorCode::kLimit,
           "nesting deeper than " + std::to_string(limits_.max_depth) + " containers (--max-depth)",
           raw);
    return;
  }
  open_container(origin, bytes, nullptr, depth + 1, kind, raw);
}

void Unpacker::file(const Origin& origin, FileSource& source, Kind kind) {
  if (limits_.max_depth < 1) {
    reject(origin, ErrorCode::kLimit,
           "nesting deeper than " + std::to_string(limits_.max_depth) + " containers (--max-depth)",
           {});
    return;
  }
  open_container(origin, {}, &source, 1, kind, {});
}

void Unpacker::open_container(const Origin& origin, std::string_view bytes, FileSource* file,
                              std::uint32_t depth, Kind kind, std::string_view unit_raw) {
  ArchivePtr owner(archive_read_new());
  if (!owner) {
    reject(origin, ErrorCode::kIo, "cannot allocate an archive reader", unit_raw);
    return;
  }
  struct archive* a = owner.get();
  // Not archive_read_support_filter_all(): it would run external programs (lrzip,
  // lzop, grzip) on hostile bytes. These three are all reporters use.
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_xz(a);
  if (kind == Kind::kZip) {
    archive_read_support_format_zip(a);
  } else if (kind == Kind::kTar) {
    archive_read_support_format_tar(a);
  } else {
    // tar.gz is one open; anything else inside the stream is its payload (raw), and
    // a zero-byte payload is recognised by the empty format.
    archive_read_support_format_tar(a);
    archive_read_support_format_raw(a);
    archive_read_support_format_empty(a);
  }
  std::string noun = container_noun(kind);
  if (kind == Kind::kZip) {
    const auto problem =
        file != nullptr ? zip_directory_problem(file->size(),
                                                [file](std::uint64_t offset, std::uint64_t length) {
                                                  return file->read_at(offset, length);
                                                })
                        : zip_directory_problem(
                              bytes.size(), [bytes](std::uint64_t offset, std::uint64_t length) {
                                return std::string(bytes.substr(
                                    std::min<std::uint64_t>(offset, bytes.size()), length));
                              });
    if (problem) {
      reject(origin, ErrorCode::kCorrupt, "inconsistent zip: " + *problem, unit_raw);
      return;
    }
  }
  if (file != nullptr) archive_read_set_seek_callback(a, &FileSource::seek);
  const int opened = file != nullptr ? archive_read_open2(a, file, nullptr, &FileSource::read,
                                                          &FileSource::skip, nullptr)
                                     : archive_read_open_memory(a, bytes.data(), bytes.size());
  if (opened != ARCHIVE_OK) {
    reject(origin, ErrorCode::kCorrupt, "cannot open " + noun + ": " + archive_message(a),
           unit_raw);
    return;
  }
  if (is_compressed(kind) && archive_filter_count(a) < 2) {
    // The magic matched but libarchive's decompressor refused the header.
    reject(origin, ErrorCode::kCorrupt, "cannot open " + noun + ": unrecognised header", unit_raw);
    return;
  }

  Stream stream{a};
  std::uint32_t entries = 0;
  std::uint32_t members = 0;
  for (;;) {
    struct archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a, &entry);
    if (!account(stream)) {
      reject_ratio(origin, unit_raw);
      return;
    }
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      reject(origin, ErrorCode::kCorrupt, "cannot read " + noun + ": " + archive_message(a),
             unit_raw);
      return;
    }
    ++entries;
    if (entries == 1) {
      const int format = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;
      if (format == ARCHIVE_FORMAT_RAW) {
        single_stream(stream, origin, depth, noun, unit_raw);
        return;
      }
      if (is_compressed(kind)) noun = "compressed tar archive";
    }
    const bool regular =
        archive_entry_filetype(entry) == AE_IFREG && archive_entry_hardlink(entry) == nullptr;
    if (!regular) {  // directories, links, devices: not units
      if (!drain(stream)) {
        reject_ratio(origin, unit_raw);
        return;
      }
      continue;
    }
    if (++members > limits_.max_members) {
      reject(origin, ErrorCode::kLimit,
             "archive has more than " + std::to_string(limits_.max_members) +
                 " members (--max-members)",
             unit_raw);
      return;
    }
    const char* name = archive_entry_pathname_utf8(entry);
    if (name == nullptr) name = archive_entry_pathname(entry);
    const Origin child = origin.child(
        name != nullptr && *name != '\0' ? std::string(name) : "member " + std::to_string(entries));

    if (archive_entry_is_encrypted(entry)) {
      reject(child, ErrorCode::kUnsupported, "encrypted archive member", {});
      if (!drain(stream)) {
        reject_ratio(origin, unit_raw);
        return;
      }
      continue;
    }
    const bool declared_too_large =
        archive_entry_size_is_set(entry) && archive_entry_size(entry) >= 0 &&
        static_cast<std::uint64_t>(archive_entry_size(entry)) > limits_.max_document_bytes;
    std::string data;
    ReadStatus status = read_head(stream, data);
    if (status == ReadStatus::kOk && sniff(data) == Kind::kMbox) {
      if (!split_mbox(stream, child, noun + " member", std::move(data))) return;
      continue;
    }
    // Past its head, a member declared too large is rejected without reading the rest;
    // one whose head cannot be read either is rejected on its size claim all the same,
    // and the next header says what is wrong with the archive.
    if (declared_too_large && status != ReadStatus::kRatio) {
      status = ReadStatus::kTooLarge;
    } else if (status == ReadStatus::kOk) {
      status = read_data(stream, &data);
    }
    switch (status) {
      case ReadStatus::kOk:
        unit(child, std::move(data), depth, Place::kMember, {});
        if (stopped_) return;
        // An input file read whole and opened here (a Takeout zip under the input size
        // limit) moves the progress line by the compressed bytes read so far; a
        // container inside a message or a member has no place in the file's bytes.
        if (file == nullptr && depth == 1 && message_depth_ == 0 && origin.chain.size() == 1) {
          const la_int64_t consumed = archive_filter_bytes(a, -1);
          if (consumed > 0) sink_.on_progress(static_cast<std::uint64_t>(consumed));
        }
        continue;
      case ReadStatus::kTooLarge:
        // The member's compressed bytes are not available separately: raw is empty.
        reject(child, ErrorCode::kLimit, document_limit_message(limits_.max_document_bytes), {});
        break;
      case ReadStatus::kRatio: reject_ratio(child, {}); return;
      case ReadStatus::kError:
        reject(child, ErrorCode::kCorrupt, "cannot read " + noun + " member: " + archive_message(a),
               {});
        if (stream.last_rc == ARCHIVE_FATAL) return;  // the reader is dead
        continue;
    }
    if (!drain(stream)) {
      reject_ratio(origin, unit_raw);
      return;
    }
  }
  if (entries == 0 && (archive_format(a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_EMPTY) {
    unit(origin, std::string(), depth, Place::kPayload, unit_raw);  // gzip of nothing
  } else if (members == 0) {
    reject(origin, ErrorCode::kInvalid, "archive holds no files", unit_raw);
  }
}

// A gzip/bzip2/xz stream holding one payload, which takes the stream's place.
void Unpacker::single_stream(Stream& stream, const Origin& origin, std::uint32_t depth,
                             const std::string& noun, std::string_view unit_raw) {
  std::string payload;
  ReadStatus status = read_head(stream, payload);
  if (status == ReadStatus::kOk && sniff(payload) == Kind::kMbox) {
    split_mbox(stream, origin, noun, std::move(payload));
    return;
  }
  if (status == ReadStatus::kOk) status = read_data(stream, &payload);
  switch (status) {
    case ReadStatus::kOk:
      unit(origin, std::move(payload), depth, Place::kPayload, unit_raw);
      return;
    case ReadStatus::kTooLarge:
      reject(origin, ErrorCode::kLimit, document_limit_message(limits_.max_document_bytes),
             unit_raw);
      return;
    case ReadStatus::kRatio: reject_ratio(origin, unit_raw); return;
    case ReadStatus::kError:
      reject(origin, ErrorCode::kCorrupt, "cannot read " + noun + ": " + archive_message(stream.a),
             unit_raw);
      return;
  }
}

// Reads the current entry's data in chunks into `out`, checking the limits before
// each append. With `out` null the data is only counted (see drain).
ReadStatus Unpacker::read_data(Stream& stream, std::string* out) {
  for (;;) {
    const la_ssize_t n = archive_read_data(stream.a, chunk_.data(), chunk_.size());
    if (n == 0) return ReadStatus::kOk;
    if (n < 0) {
      stream.last_rc = n;
      return ReadStatus::kError;
    }
    const auto size = static_cast<std::uint64_t>(n);
    stream.data_bytes += size;
    if (!account(stream)) return ReadStatus::kRatio;
    if (out != nullptr) {
      if (out->size() + size > limits_.max_document_bytes) return ReadStatus::kTooLarge;
      out->append(chunk_.data(), static_cast<std::size_t>(n));
    }
  }
}

// Reads the first kSniffBytes of the current entry (all of it when shorter) into
// `out`, checking the limits like read_data.
ReadStatus Unpacker::read_head(Stream& stream, std::string& out) {
  while (out.size() < kSniffBytes) {
    const la_ssize_t n = archive_read_data(stream.a, chunk_.data(), kSniffBytes - out.size());
    if (n == 0) return ReadStatus::kOk;
    if (n < 0) {
      stream.last_rc = n;
      return ReadStatus::kError;
    }
    stream.data_bytes += static_cast<std::uint64_t>(n);
    if (!account(stream)) return ReadStatus::kRatio;
    out.append(chunk_.data(), static_cast<std::size_t>(n));
  }
  return ReadStatus::kOk;
}

// Splits the rest of the current entry, an mbox that starts with `head`, into messages
// as it inflates: memory is bounded by the largest message, not by the mailbox. The
// messages read before an error stay imported, and the error names the last one.
// Returns false when nothing more of this input may be read (a bomb, a dead reader).
bool Unpacker::split_mbox(Stream& stream, const Origin& origin, const std::string& noun,
                          std::string head) {
  MboxSplitter splitter(limits_.max_message_bytes,
                        [&](std::uint64_t index, std::string text, bool too_large) {
                          message(origin, "message " + std::to_string(index), text, too_large);
                        });
  splitter.feed(head);
  head = std::string();
  // Not chunk_: the splitter emits messages while it reads the buffer, and their
  // attachments are unpacked through chunk_.
  std::vector<char> buffer(kChunkBytes);
  for (;;) {
    const la_ssize_t n = archive_read_data(stream.a, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) {
      splitter.finish();
      reject(origin.child("after message " + std::to_string(splitter.messages())),
             ErrorCode::kCorrupt, "cannot read " + noun + ": " + archive_message(stream.a), {});
      return n != ARCHIVE_FATAL && !stopped_;
    }
    stream.data_bytes += static_cast<std::uint64_t>(n);
    if (!account(stream)) {
      reject_ratio(origin, {});
      return false;
    }
    splitter.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    if (stopped_) return false;
  }
  splitter.finish();
  return !stopped_;
}

// Moves past the rest of an entry that is not kept. Under a compression filter,
// skipping means decompressing; libarchive would do it inside next_header, out of
// sight of the expansion check, so it is done here in counted chunks. Without a
// filter (zip, plain tar) libarchive seeks, which costs nothing. Returns false when
// the expansion limit was hit. Read errors are left for the next header to report.
bool Unpacker::drain(Stream& stream) {
  if (archive_filter_count(stream.a) < 2) return true;
  return read_data(stream, nullptr) != ReadStatus::kRatio;
}

// Adds what `stream` has produced since the last call to the total; false when the
// total breaks the expansion ratio. Output is the larger of the data handed out and
// the decompressor's position (which also covers headers and skipped data).
bool Unpacker::account(Stream& stream) {
  std::uint64_t now = stream.data_bytes;
  const la_int64_t filtered = archive_filter_bytes(stream.a, 0);
  if (filtered > 0) now = std::max(now, static_cast<std::uint64_t>(filtered));
  if (now > stream.accounted) {
    produced_ += now - stream.accounted;
    stream.accounted = now;
  }
  if (produced_ <= kRatioFloorBytes || input_size_ == 0) return true;
  // produced / input > ratio, without overflow: produced - 1 >= ratio * input.
  return (produced_ - 1) / input_size_ < limits_.max_expansion_ratio;
}

void Unpacker::reject(const Origin& origin, ErrorCode code, std::string message,
                      std::string_view raw) {
  ++units_;
  if (raw.size() > limits_.max_input_bytes) raw = {};
  sink_.on_reject(origin, Error(code, std::move(message)), raw);
}

void Unpacker::reject_ratio(const Origin& origin, std::string_view raw) {
  stopped_ = true;
  reject(origin, ErrorCode::kLimit,
         "expansion ratio above " + std::to_string(limits_.max_expansion_ratio) +
             ":1 (--max-expansion-ratio), possible decompression bomb",
         raw);
}

}  // namespace

void ingest_bytes(const Origin& origin, std::string bytes, const Limits& limits, Sink& sink) {
  if (bytes.size() > limits.max_input_bytes) {
    sink.on_reject(origin,
                   Error(ErrorCode::kLimit, "input is larger than the limit of " +
                                                std::to_string(limits.max_input_bytes) +
                                                " bytes (--max-input-size)"),
                   {});
    return;
  }
  Unpacker unpacker(limits, sink, bytes.size());
  unpacker.unit(origin, std::move(bytes), 0, Place::kFile, {});
}

void ingest_archive_file(const Origin& origin, int fd, std::uint64_t size, Kind kind,
                         const Limits& limits, Sink& sink) {
  FileSource source(fd, size, sink);
  Unpacker unpacker(limits, sink, size);
  unpacker.file(origin, source, kind);
}

void ingest_message(const Origin& base, const std::string& label, std::string_view bytes,
                    bool too_large, const Limits& limits, Sink& sink) {
  Unpacker unpacker(limits, sink, bytes.size());
  unpacker.message(base, label, bytes, too_large);
}

}  // namespace dmarcq::ingest
