// Fuzz target: arbitrary bytes as the text of a TXT record, which is what a DNS server
// answers. The sanitizers are the oracle; a record that parses keeps its invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dns/spf_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = dmarcq::dns::parse_spf_record(text);
  if (!record) return 0;
  for (const auto& mechanism : record->mechanisms) {
    // A term as written is never empty, and CIDR lengths stay in range.
    if (mechanism.text.empty() || mechanism.ip4_prefix < 0 || mechanism.ip4_prefix > 32 ||
        mechanism.ip6_prefix < 0 || mechanism.ip6_prefix > 128 ||
        (mechanism.network && (mechanism.network->prefix < 0 || mechanism.network->prefix > 128))) {
      std::abort();
    }
  }
  return 0;
}
