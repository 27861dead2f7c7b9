// Private to ingest/: bounding what GMime will build for a message, before it does.
//
// GMime makes an object for every header field, MIME part, Content-Type parameter and
// address it parses, several hundred bytes each: 4 million one-line header fields in a
// 12 MiB message cost 3.4 GiB. The size limit alone cannot bound that, so one pass over
// the raw bytes counts what GMime would build and refuses the message over the caps
// in Limits. The counts err on the side of more (a line GMime may read as a header
// field counts as one), never fewer.
#ifndef DMARCQ_INGEST_MIME_SHAPE_H_
#define DMARCQ_INGEST_MIME_SHAPE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ingest/ingest.h"

namespace dmarcq::ingest {

struct MimeShape {
  std::uint64_t header_fields = 0;  // field lines in every header block
  std::uint64_t parts = 0;          // header blocks: the message, each part, each forward
  std::uint64_t list_items = 0;     // ';' and ',' in header fields: parameters, addresses
  std::uint32_t depth = 0;          // deepest nesting of multiparts and forwarded messages
};

// Scans `message` until a count passes its cap in `limits` (the counts are then those
// at that point). Linear in the message's size for the default caps.
MimeShape measure_mime_shape(std::string_view message, const Limits& limits);

// Why `shape` is over a cap, naming the option that raises it; nullopt when it is not.
std::optional<std::string> mime_shape_violation(const MimeShape& shape, const Limits& limits);

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_MIME_SHAPE_H_
