// Fuzz target: arbitrary bytes as an input file (sniffed, unpacked with libarchive),
// with small limits so that every path, limits included, is reached quickly.
#include <clocale>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_sink.h"
#include "ingest/ingest.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::setlocale(LC_CTYPE, "C.UTF-8");  // as dmarcq's main
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  dmarcq::fuzz::CountingSink sink;
  dmarcq::ingest::ingest_bytes(dmarcq::ingest::Origin{{"fuzz"}},
                               std::string(reinterpret_cast<const char*>(data), size),
                               dmarcq::fuzz::small_limits(), sink);
  return 0;
}
