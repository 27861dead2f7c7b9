// IP addresses as reporters write them: dotted IPv4, compressed or full IPv6,
// IPv4-mapped IPv6 (::ffff:192.0.2.1), sometimes with a zone id or brackets.
#ifndef DMARCQ_CORE_IP_H_
#define DMARCQ_CORE_IP_H_

#include <optional>
#include <string>
#include <string_view>

namespace dmarcq::core {

struct CanonicalIp {
  std::string text;        // IPv4 dotted quad, or RFC 5952 compressed lower-case IPv6
  bool is_v6 = false;
  bool had_zone = false;   // a "%zone" suffix was removed (meaningless off the link)
};

// The canonical form of an address, or nullopt when `text` is not an IP address.
// Surrounding whitespace and [brackets] are accepted; IPv4-mapped IPv6 becomes IPv4.
std::optional<CanonicalIp> canonical_ip(std::string_view text);

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_IP_H_
