// Private to ingest/: entry points of the unpacker for the file walker.
#ifndef DMARCQ_INGEST_ARCHIVE_H_
#define DMARCQ_INGEST_ARCHIVE_H_

#include <string>
#include <string_view>

#include "ingest/ingest.h"

namespace dmarcq::ingest {

// One mail message split out of a streamed mbox: parsed with GMime and its report
// parts unpacked. `base` is the mbox, `label` the message's place in it
// ("message 12"). Limits (expansion ratio included) apply per message. `too_large`:
// the splitter dropped the bytes of a message over the size limit.
void ingest_message(const Origin& base, const std::string& label, std::string_view bytes,
                    bool too_large, const Limits& limits, Sink& sink);

// A top-level regular file of `size` bytes, open as `fd` at its start, that is an
// archive or compressed stream of `kind` (zip, tar, gzip, bzip2, xz) too large to be
// read whole: its members are unpacked as libarchive reads the file.
void ingest_archive_file(const Origin& origin, int fd, std::uint64_t size, Kind kind,
                         const Limits& limits, Sink& sink);

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_ARCHIVE_H_
