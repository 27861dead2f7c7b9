#include "core/ip.h"

#include <arpa/inet.h>

#include <cstring>

#include "core/text.h"

namespace dmarcq::core {

std::optional<CanonicalIp> canonical_ip(std::string_view text) {
  std::string_view view = trim(text);
  if (view.size() >= 2 && view.front() == '[' && view.back() == ']') {
    view = view.substr(1, view.size() - 2);
  }
  CanonicalIp result;
  if (auto percent = view.find('%'); percent != std::string_view::npos) {
    view = view.substr(0, percent);
    result.had_zone = true;
  }
  if (view.empty() || view.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string input(view);
  char buffer[INET6_ADDRSTRLEN];

  in_addr v4{};
  if (inet_pton(AF_INET, input.c_str(), &v4) == 1) {
    if (result.had_zone) return std::nullopt;  // zones belong to IPv6 only
    inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
    result.text = buffer;
    return result;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, input.c_str(), &v6) != 1) return std::nullopt;
  static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memcpy(&v4, v6.s6_addr + 12, 4);
    inet_ntop(AF_INET, &v4, buffer, sizeof buffer);
    result.text = buffer;
    return result;
  }
  // glibc's inet_ntop writes RFC 5952 form (longest zero run compressed, lower case).
  inet_ntop(AF_INET6, &v6, buffer, sizeof buffer);
  result.text = buffer;
  result.is_v6 = true;
  return result;
}

}  // namespace dmarcq::core
