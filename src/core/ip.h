// IP addresses as reporters write them: dotted IPv4, compressed or full IPv6,
// IPv4-mapped IPv6 (::ffff:192.0.2.1), sometimes with a zone id or brackets.
#ifndef DMARCQ_CORE_IP_H_
#define DMARCQ_CORE_IP_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dmarcq::core {

struct CanonicalIp {
  std::string text;  // IPv4 dotted quad, or RFC 5952 compressed lower-case IPv6
  bool is_v6 = false;
  bool had_zone = false;  // a "%zone" suffix was removed (meaningless off the link)
};

// The canonical form of an address, or nullopt when `text` is not an IP address.
// Surrounding whitespace and [brackets] are accepted; IPv4-mapped IPv6 becomes IPv4.
std::optional<CanonicalIp> canonical_ip(std::string_view text);

// canonical_ip without its shortcut for IPv4 already in canonical form, always by
// inet_pton and back: for the tests that keep the two in agreement.
std::optional<CanonicalIp> canonical_ip_without_shortcut(std::string_view text);

// An address as 16 bytes: IPv6 as is, IPv4 as IPv4-mapped IPv6 (::ffff:a.b.c.d), so
// that one comparison covers both families.
struct IpBytes {
  std::array<std::uint8_t, 16> bytes{};
  bool is_v4 = false;
};
std::optional<IpBytes> parse_ip(std::string_view text);

// A network, "13.110.0.0/16" or "2a01:111:f400::/48". Host bits must be zero.
struct IpNetwork {
  IpBytes base;
  int prefix = 0;  // in the 128-bit space: an IPv4 /16 is 96 + 16 = 112

  bool contains(const IpBytes& address) const;
  int prefix_length() const { return base.is_v4 ? prefix - 96 : prefix; }
};
// nullopt with `why` set for a malformed network ("host bits set", "prefix out of range").
std::optional<IpNetwork> parse_network(std::string_view text, std::string* why);

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_IP_H_
