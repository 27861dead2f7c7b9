// Private to report/: bringing a report document to UTF-8 before pugixml sees it.
#ifndef DMARCQ_REPORT_ENCODING_H_
#define DMARCQ_REPORT_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace dmarcq::report {

// A document in UTF-8. A document that already is UTF-8 is not copied (it can be a
// third of the memory a parse takes): text() is then a view into the caller's bytes.
struct Utf8Document {
  std::string converted;       // the UTF-8 text when a conversion was made
  std::size_t bom_bytes = 0;   // UTF-8 BOM skipped when no conversion was made
  std::string converted_from;  // source encoding when a conversion was made, else empty
  std::size_t replaced = 0;    // bytes that were invalid in the source encoding (now U+FFFD)

  // The UTF-8 text without BOM; `xml` is what was passed to to_utf8.
  std::string_view text(std::string_view xml) const {
    return converted_from.empty() ? xml.substr(bom_bytes) : std::string_view(converted);
  }
};

// Detects the encoding from a BOM, from UTF-16 without BOM ("<\0?\0"), or from the
// XML declaration, and converts to UTF-8 with iconv. pugixml converts UTF-16 and
// Latin-1 itself but treats windows-1252 as UTF-8 (measured), so every conversion is
// done here and the parser always gets UTF-8. A conversion stops with a kLimit error
// once its output passes `max_converted_bytes` (one byte of windows-1252 can become
// three of UTF-8).
core::Result<Utf8Document> to_utf8(std::string_view xml, std::size_t max_converted_bytes);

}  // namespace dmarcq::report

#endif  // DMARCQ_REPORT_ENCODING_H_
