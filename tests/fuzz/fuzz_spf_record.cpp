// Fuzz target: arbitrary bytes as the text of a TXT record, which is what a DNS server
// answers. The sanitizers are the oracle; a record that parses keeps its invariants.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "dns/spf_macro.h"
#include "dns/spf_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = dmarcq::dns::parse_spf_record(text);
  if (!record) return 0;
  // Every domain-spec of a record that parses also expands, within the name limit.
  dmarcq::dns::SpfMacroContext context;
  context.sender = "strong-bad@email.example.com";
  context.domain = "email.example.com";
  context.ip = "2001:db8::cb01";
  context.helo = "mx.example.org";
  for (const auto& mechanism : record->mechanisms) {
    if (!mechanism.domain_spec.empty()) {
      auto name = dmarcq::dns::expand_spf_macros(mechanism.domain_spec, context, false);
      if (!name || dmarcq::dns::truncate_domain(*name).size() > 253) std::abort();
    }
    // A term as written is never empty, and CIDR lengths stay in range.
    if (mechanism.text.empty() || mechanism.ip4_prefix < 0 || mechanism.ip4_prefix > 32 ||
        mechanism.ip6_prefix < 0 || mechanism.ip6_prefix > 128 ||
        (mechanism.network && (mechanism.network->prefix < 0 || mechanism.network->prefix > 128))) {
      std::abort();
    }
  }
  return 0;
}
