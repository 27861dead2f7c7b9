// Fuzz target: arbitrary bytes as a report document. The sanitizers are the oracle
// (pugixml's style): no crash, no leak, no undefined behaviour, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto report = dmarcq::report::parse_report(bytes);
  if (report) (void)dmarcq::report::dump(*report);
  return 0;
}
