// Fuzz target: arbitrary bytes as one mail message (GMime and the part walker) and as
// the body of an mbox (the splitter), with small limits.
#include <clocale>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_sink.h"
#include "ingest/archive.h"
#include "ingest/ingest.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::setlocale(LC_CTYPE, "C.UTF-8");  // as dmarcq's main
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const dmarcq::ingest::Limits limits = dmarcq::fuzz::small_limits();
  dmarcq::fuzz::CountingSink sink;
  dmarcq::ingest::ingest_message(dmarcq::ingest::Origin{{"fuzz"}}, "message", bytes, false, limits,
                                 sink);
  dmarcq::ingest::ingest_bytes(dmarcq::ingest::Origin{{"fuzz.mbox"}},
                               "From fuzz Mon Nov 16 10:00:00 2026\n" + bytes, limits, sink);
  return 0;
}
