// Private to report/: bringing a report document to UTF-8 before pugixml sees it.
#ifndef DMARCQ_REPORT_ENCODING_H_
#define DMARCQ_REPORT_ENCODING_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace dmarcq::report {

struct Utf8Document {
  std::string bytes;          // UTF-8, without BOM
  std::string converted_from; // source encoding when a conversion was made, else empty
  std::size_t replaced = 0;   // bytes that were invalid in the source encoding (now U+FFFD)
};

// Detects the encoding from a BOM, from UTF-16 without BOM ("<\0?\0"), or from the
// XML declaration, and converts to UTF-8 with iconv. pugixml converts UTF-16 and
// Latin-1 itself but treats windows-1252 as UTF-8 (measured), so every conversion is
// done here and the parser always gets UTF-8.
core::Result<Utf8Document> to_utf8(std::string_view xml);

}  // namespace dmarcq::report

#endif  // DMARCQ_REPORT_ENCODING_H_
