#include "report/encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "core/text.h"

namespace dmarcq::report {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// The encoding named in `<?xml ... encoding="X" ?>`, or empty.
std::string declared_encoding(std::string_view xml) {
  std::size_t start = 0;
  while (start < xml.size() &&
         (xml[start] == ' ' || xml[start] == '\t' || xml[start] == '\r' || xml[start] == '\n')) {
    ++start;
  }
  if (!xml.substr(start).starts_with("<?xml")) return {};
  const std::size_t close = xml.find("?>", start);
  if (close == std::string_view::npos || close - start > 1024) return {};
  const std::string_view decl = xml.substr(start, close - start);
  std::size_t pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos += 8;
  while (pos < decl.size() && (decl[pos] == ' ' || decl[pos] == '\t' || decl[pos] == '=')) ++pos;
  if (pos >= decl.size() || (decl[pos] != '"' && decl[pos] != '\'')) return {};
  const char quote = decl[pos++];
  const std::size_t end = decl.find(quote, pos);
  if (end == std::string_view::npos || end - pos > 64) return {};
  return core::ascii_lower(core::trim(decl.substr(pos, end - pos)));
}

bool names_utf8(const std::string& name) {
  return name.empty() || name == "utf-8" || name == "utf8" || name == "us-ascii" || name == "ascii";
}

bool is_ascii(std::string_view bytes) {
  for (unsigned char c : bytes) {
    if (c >= 0x80) return false;
  }
  return true;
}

struct IconvCloser {
  void operator()(void* cd) const { iconv_close(static_cast<iconv_t>(cd)); }
};

core::Result<Utf8Document> convert(std::string_view bytes, const std::string& from,
                                   std::size_t max_bytes) {
  iconv_t cd = iconv_open("UTF-8", from.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return core::Error(core::ErrorCode::kUnsupported, "unsupported encoding '" + from + "'");
  }
  std::unique_ptr<void, IconvCloser> guard(cd);
  Utf8Document out;
  out.converted_from = from;
  out.converted.reserve(std::min(bytes.size() + bytes.size() / 4, max_bytes));
  char* in = const_cast<char*>(bytes.data());  // iconv's API is not const-correct
  std::size_t in_left = bytes.size();
  char chunk[16384];
  while (in_left > 0) {
    char* dst = chunk;
    std::size_t dst_left = sizeof chunk;
    const std::size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
    out.converted.append(chunk, static_cast<std::size_t>(dst - chunk));
    if (out.converted.size() > max_bytes) {
      return core::Error(core::ErrorCode::kLimit, "document converted from " + from +
                                                      " to UTF-8 is larger than " +
                                                      std::to_string(max_bytes) + " bytes");
    }
    if (rc != static_cast<std::size_t>(-1)) continue;
    if (errno == E2BIG) continue;
    // EILSEQ (a byte the encoding does not define, e.g. 0x81 in windows-1252) or EINVAL
    // (a truncated sequence at the end): keep going with a visible replacement.
    out.converted += "\xEF\xBF\xBD";
    ++out.replaced;
    ++in;
    --in_left;
    iconv(cd, nullptr, nullptr, nullptr, nullptr);
  }
  return out;
}

}  // namespace

core::Result<Utf8Document> to_utf8(std::string_view xml, std::size_t max_converted_bytes) {
  const std::size_t max = max_converted_bytes;
  if (xml.starts_with(kUtf8Bom)) return Utf8Document{{}, kUtf8Bom.size(), "", 0};
  if (xml.starts_with(std::string_view("\xFF\xFE\x00\x00", 4)))
    return convert(xml.substr(4), "UTF-32LE", max);
  if (xml.starts_with(std::string_view("\x00\x00\xFE\xFF", 4)))
    return convert(xml.substr(4), "UTF-32BE", max);
  if (xml.starts_with("\xFF\xFE")) return convert(xml.substr(2), "UTF-16LE", max);
  if (xml.starts_with("\xFE\xFF")) return convert(xml.substr(2), "UTF-16BE", max);
  // UTF-16 without a BOM: the first character of an XML document is '<' (or
  // whitespace before it), so a NUL next to it gives the byte order away.
  if (xml.starts_with(std::string_view("<\0", 2))) return convert(xml, "UTF-16LE", max);
  if (xml.starts_with(std::string_view("\0<", 2))) return convert(xml, "UTF-16BE", max);

  const std::string declared = declared_encoding(xml);
  // A document that is pure ASCII reads the same in every ASCII-compatible encoding,
  // and one that claims UTF-16 without a BOM or NULs is mislabelled UTF-8.
  if (names_utf8(declared) || is_ascii(xml)) return Utf8Document{};
  if (declared.starts_with("utf-16") || declared.starts_with("utf-32")) return Utf8Document{};
  return convert(xml, declared, max);
}

}  // namespace dmarcq::report
