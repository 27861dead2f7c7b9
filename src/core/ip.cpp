#include "core/ip.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>

#include "core/text.h"

namespace dmarcq::core {

namespace {

// Dotted quad of an address in network order. By hand: glibc's inet_ntop formats IPv4
// with sprintf, a twentieth of the time import's workers spent parsing.
std::string format_ipv4(const in_addr& address) {
  unsigned char bytes[4];
  std::memcpy(bytes, &address, 4);
  std::string out;
  out.reserve(15);
  for (int i = 0; i < 4; ++i) {
    if (i > 0) out += '.';
    const unsigned value = bytes[i];
    if (value >= 100) out += static_cast<char>('0' + value / 100);
    if (value >= 10) out += static_cast<char>('0' + value / 10 % 10);
    out += static_cast<char>('0' + value % 10);
  }
  return out;
}

// The longest run of zero words, the first of equal runs; none shorter than two.
struct ZeroRun {
  int begin = -1;  // -1: no run to compress
  int length = 0;
};

ZeroRun longest_zero_run(const std::uint16_t (&words)[8]) {
  ZeroRun best;
  for (int i = 0; i < 8;) {
    if (words[i] != 0) {
      ++i;
      continue;
    }
    int end = i;
    while (end < 8 && words[end] == 0) ++end;
    if (end - i >= 2 && end - i > best.length) best = {i, end - i};
    i = end;
  }
  return best;
}

void append_hex_word(std::string& out, std::uint16_t word) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned digit = (word >> shift) & 0xFu;
    if (digit == 0 && !started && shift > 0) continue;
    started = true;
    out += kHexDigits[digit];
  }
}

// An IPv6 address as glibc's inet_ntop writes it (RFC 5952: lower case, no leading
// zeros, the longest zero run compressed), by hand: inet_ntop formats each word with
// sprintf, which made an IPv6 source_ip cost three times an IPv4 one. Like inet_ntop
// it writes an address whose first six words are zero, and the seventh not, in the
// deprecated IPv4-compatible form ::a.b.c.d. IPv4-mapped addresses never get here.
std::string format_ipv6(const in6_addr& address) {
  std::uint16_t words[8];
  for (int i = 0; i < 8; ++i) {
    words[i] = static_cast<std::uint16_t>(address.s6_addr[2 * i] << 8 | address.s6_addr[2 * i + 1]);
  }
  const ZeroRun run = longest_zero_run(words);
  std::string out;
  out.reserve(INET6_ADDRSTRLEN);
  for (int i = 0; i < 8; ++i) {
    if (i == run.begin) {
      out += "::";
      i += run.length - 1;
      continue;
    }
    if (i != 0 && out.back() != ':') out += ':';
    if (i == 6 && run.begin == 0 && run.length == 6) {
      in_addr v4{};
      std::memcpy(&v4, address.s6_addr + 12, 4);
      out += format_ipv4(v4);
      break;
    }
    append_hex_word(out, words[i]);
  }
  return out;
}

// A dotted-quad octet as format_ipv4 writes it: 0-255 without leading zeros.
bool is_canonical_octet(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  if (digits.size() > 1 && digits[0] == '0') return false;
  return digits.size() < 3 || digits <= "255";
}

// True when `text` is an IPv4 address already in canonical form, as most reporters
// write source_ip: then it is its own canonical form, without the parse and format.
bool is_canonical_ipv4(std::string_view text) {
  for (int octet = 0; octet < 3; ++octet) {
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos || !is_canonical_octet(text.substr(0, dot))) return false;
    text.remove_prefix(dot + 1);
  }
  return is_canonical_octet(text);
}

// The address part of `text` (without whitespace, brackets and zone).
std::string_view address_part(std::string_view text, bool& had_zone) {
  std::string_view view = trim(text);
  if (view.size() >= 2 && view.front() == '[' && view.back() == ']') {
    view = view.substr(1, view.size() - 2);
  }
  had_zone = false;
  if (auto percent = view.find('%'); percent != std::string_view::npos) {
    view = view.substr(0, percent);
    had_zone = true;
  }
  return view;
}

// The canonical form of address part `view`, by inet_pton and back.
std::optional<CanonicalIp> canonical_by_libc(std::string_view view, bool had_zone) {
  CanonicalIp result;
  result.had_zone = had_zone;
  // inet_pton reads up to a NUL: "192.0.2.1\0junk" must not pass as 192.0.2.1.
  if (view.empty() || view.size() > INET6_ADDRSTRLEN || view.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string input(view);

  in_addr v4{};
  if (inet_pton(AF_INET, input.c_str(), &v4) == 1) {
    if (result.had_zone) return std::nullopt;  // zones belong to IPv6 only
    result.text = format_ipv4(v4);
    return result;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, input.c_str(), &v6) != 1) return std::nullopt;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memcpy(&v4, v6.s6_addr + 12, 4);
    result.text = format_ipv4(v4);
    return result;
  }
  result.text = format_ipv6(v6);
  result.is_v6 = true;
  return result;
}

}  // namespace

std::optional<CanonicalIp> canonical_ip(std::string_view text) {
  bool had_zone = false;
  const std::string_view view = address_part(text, had_zone);
  if (!had_zone && is_canonical_ipv4(view)) return CanonicalIp{std::string(view), false, false};
  return canonical_by_libc(view, had_zone);
}

std::optional<CanonicalIp> canonical_ip_without_shortcut(std::string_view text) {
  bool had_zone = false;
  const std::string_view view = address_part(text, had_zone);
  return canonical_by_libc(view, had_zone);
}

std::optional<IpBytes> parse_ip(std::string_view text) {
  auto canonical = canonical_ip(text);
  if (!canonical) return std::nullopt;
  IpBytes out;
  if (!canonical->is_v6) {
    in_addr v4{};
    if (inet_pton(AF_INET, canonical->text.c_str(), &v4) != 1) return std::nullopt;
    out.bytes[10] = 0xff;
    out.bytes[11] = 0xff;
    std::memcpy(out.bytes.data() + 12, &v4, 4);
    out.is_v4 = true;
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, canonical->text.c_str(), &v6) != 1) return std::nullopt;
  std::memcpy(out.bytes.data(), v6.s6_addr, 16);
  return out;
}

bool IpNetwork::contains(const IpBytes& address) const {
  int bits = prefix;
  for (std::size_t i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((address.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
  }
  return true;
}

std::optional<IpNetwork> parse_network(std::string_view text, std::string* why) {
  text = trim(text);
  const std::size_t slash = text.find('/');
  auto fail = [&](const char* reason) -> std::optional<IpNetwork> {
    if (why != nullptr) *why = reason;
    return std::nullopt;
  };
  if (slash == std::string_view::npos) return fail("no /prefix");
  auto base = parse_ip(text.substr(0, slash));
  if (!base || text.substr(0, slash).find('%') != std::string_view::npos) {
    return fail("not an IP address");
  }
  const std::string_view digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3) return fail("bad prefix length");
  int length = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return fail("bad prefix length");
    length = length * 10 + (c - '0');
  }
  if (length > (base->is_v4 ? 32 : 128)) return fail("prefix length out of range");
  IpNetwork network{*base, base->is_v4 ? 96 + length : length};
  // Host bits must be zero: "13.110.74.200/16" is a typo for an address or a network.
  int bits = network.prefix;
  for (std::size_t i = 0; i < 16; ++i, bits -= 8) {
    const std::uint8_t keep = bits >= 8   ? 0xff
                              : bits <= 0 ? 0
                                          : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((network.base.bytes[i] & ~keep) != 0) return fail("host bits set");
  }
  return network;
}

}  // namespace dmarcq::core
