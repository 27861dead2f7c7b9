// Private to ingest/: entry points of the unpacker for the mailbox reader.
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

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_ARCHIVE_H_
