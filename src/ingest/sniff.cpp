// sniff: what a buffer is, judged by its first bytes only. File names lie (Google's
// zips carry no ".xml", some reporters label gzip as ".zip"), so nothing here looks
// at a name.
#include <algorithm>
#include <cstddef>
#include <string_view>

#include "ingest/ingest.h"
#include "ingest/mailbox.h"

namespace dmarcq::ingest {
namespace {

constexpr std::size_t kTextProbeBytes = 512;
constexpr std::size_t kTarMagicOffset = 257;

bool is_xml(std::string_view bytes) {
  using namespace std::string_view_literals;
  // UTF-32 BOMs (00 00 FE FF, FF FE 00 00) start like UTF-16 ones or are tested first.
  if (bytes.starts_with("\x00\x00\xFE\xFF"sv)) return true;
  if (bytes.starts_with("\xFF\xFE"sv) || bytes.starts_with("\xFE\xFF"sv)) return true;
  if (bytes.starts_with("<\0"sv) || bytes.starts_with("\0<"sv)) return true;  // UTF-16, no BOM
  if (bytes.starts_with("\xEF\xBB\xBF"sv)) bytes.remove_prefix(3);
  std::size_t i = 0;
  while (i < bytes.size() &&
         (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) {
    ++i;
  }
  return i < bytes.size() && bytes[i] == '<';
}

// "BZh", a block size digit, then the magic of the first block (pi) or of the
// end of stream (sqrt pi): "BZh" alone is too easily the start of a text file.
bool is_bzip2(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.size() < 10 || !bytes.starts_with("BZh") || bytes[3] < '1' || bytes[3] > '9') {
    return false;
  }
  std::string_view block = bytes.substr(4, 6);
  return block == "\x31\x41\x59\x26\x53\x59"sv || block == "\x17\x72\x45\x38\x50\x90"sv;
}

// Valid UTF-8 without C0 controls other than TAB, LF, FF and CR. When `truncated`,
// a multi-byte sequence cut off by the end of the probe is accepted.
bool is_text(std::string_view bytes, bool truncated) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r') return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlongs
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;   // no overlongs
      if (c == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if (i + k >= bytes.size()) return truncated;
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

Kind sniff(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.empty()) return Kind::kEmpty;
  if (bytes.starts_with("\x1F\x8B"sv)) return Kind::kGzip;
  if (bytes.starts_with("PK\x03\x04"sv) || bytes.starts_with("PK\x05\x06"sv)) return Kind::kZip;
  if (is_bzip2(bytes)) return Kind::kBzip2;
  if (bytes.starts_with("\xFD\x37\x7A\x58\x5A\x00"sv)) return Kind::kXz;
  // Before XML: a tar whose first member is named "<something" starts with '<'.
  if (bytes.substr(std::min(bytes.size(), kTarMagicOffset), 5) == "ustar") return Kind::kTar;
  if (is_xml(bytes)) return Kind::kXml;
  if (bytes.substr(0, 5) == "From " && looks_like_from_line(bytes.substr(0, bytes.find('\n')))) {
    return Kind::kMbox;
  }
  if (looks_like_message(bytes)) return Kind::kMessage;
  const bool truncated = bytes.size() > kTextProbeBytes;
  if (is_text(bytes.substr(0, kTextProbeBytes), truncated)) return Kind::kText;
  return Kind::kBinary;
}

bool named_like_report(const Origin& origin) {
  if (origin.chain.empty()) return false;
  std::string name = origin.chain.back();
  for (char& c : name) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  static constexpr std::string_view kEndings[] = {".xml", ".gz",  ".gzip", ".zip",
                                                  ".tgz", ".tar", ".bz2",  ".xz"};
  for (std::string_view ending : kEndings) {
    if (name.size() >= ending.size() &&
        name.compare(name.size() - ending.size(), ending.size(), ending) == 0) {
      return true;
    }
  }
  return false;
}

bool is_container(Kind kind) {
  return kind == Kind::kZip || kind == Kind::kTar || kind == Kind::kGzip || kind == Kind::kBzip2 ||
         kind == Kind::kXz;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kEmpty: return "empty";
    case Kind::kXml: return "XML";
    case Kind::kGzip: return "gzip";
    case Kind::kZip: return "zip";
    case Kind::kBzip2: return "bzip2";
    case Kind::kXz: return "xz";
    case Kind::kTar: return "tar";
    case Kind::kMbox: return "mbox";
    case Kind::kMessage: return "mail message";
    case Kind::kText: return "text";
    case Kind::kBinary: return "binary data";
  }
  return "unknown";
}

}  // namespace dmarcq::ingest

namespace dmarcq::ingest {

std::string outlook_hint(std::string_view head) {
  if (head.starts_with(std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))) {
    return "Outlook .msg file (OLE2 compound document): save the message as .eml or "
           "export the mailbox as mbox, then import that";
  }
  // The PST/OST header: "!BDN" (MS-PST 2.2.2.6).
  if (head.starts_with("!BDN")) {
    return "Outlook data file (.pst or .ost): export the DMARC folder as mbox (Thunderbird's "
           "ImportExportTools NG, or readpst from Debian's pst-utils: readpst -r FILE.pst), "
           "then import that";
  }
  return {};
}

}  // namespace dmarcq::ingest
