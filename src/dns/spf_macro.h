// SPF macro expansion (RFC 7208 section 7.3): what a domain-spec or an explanation
// names for one message. Pure: the caller supplies every value, DNS included (the
// validated name behind %{p}).
#ifndef DMARCQ_DNS_SPF_MACRO_H_
#define DMARCQ_DNS_SPF_MACRO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace dmarcq::dns {

struct SpfMacroContext {
  std::string sender;  // <sender>: the MAIL FROM, or postmaster@HELO when it was empty
  std::string domain;  // <domain>: the domain being checked (d)
  std::string ip;      // the client's address, IPv4 or IPv6 text (i, c, v)
  std::string helo;    // h
  std::string validated_name = "unknown";  // p: section 5.5's validated name
  std::string receiver = "unknown";        // r, explanations only
  std::int64_t timestamp = 0;              // t, explanations only
};

// Expands `text`, a macro-string or (with `in_exp`) an explanation. A malformed macro,
// a zero digit transformer, or c, r, t outside an explanation is a kInvalid error
// (permerror).
core::Result<std::string> expand_spf_macros(std::string_view text, const SpfMacroContext& context,
                                            bool in_exp);

// A name for a DNS query cut to 253 characters from the left, whole labels at a time
// (section 7.3).
std::string truncate_domain(std::string name);

}  // namespace dmarcq::dns

#endif  // DMARCQ_DNS_SPF_MACRO_H_
