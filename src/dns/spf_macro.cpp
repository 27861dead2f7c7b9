#include "dns/spf_macro.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/ip.h"

namespace dmarcq::dns {

namespace {

using core::Error;
using core::ErrorCode;

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The local part of the sender, "postmaster" when it has none (section 4.3).
std::string local_part(const std::string& sender) {
  const std::size_t at = sender.rfind('@');
  const std::string local = at == std::string::npos ? std::string() : sender.substr(0, at);
  return local.empty() ? "postmaster" : local;
}

std::string sender_domain(const std::string& sender) {
  const std::size_t at = sender.rfind('@');
  return at == std::string::npos ? sender : sender.substr(at + 1);
}

// %{i}: an IPv4 address as it is, an IPv6 one as 32 dot-separated nibbles.
std::string ip_for_i(const std::string& ip) {
  const auto address = core::parse_ip(ip);
  if (!address) return ip;
  if (address->is_v4) {
    return std::to_string(address->bytes[12]) + "." + std::to_string(address->bytes[13]) + "." +
           std::to_string(address->bytes[14]) + "." + std::to_string(address->bytes[15]);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t byte : address->bytes) {
    if (!out.empty()) out += '.';
    out += kHex[byte >> 4];
    out += '.';
    out += kHex[byte & 0x0F];
  }
  return out;
}

// RFC 3986 escaping for upper-case macro letters: unreserved characters stay.
std::string url_escape(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
  return out;
}

// The value of a macro letter, before its transformers.
std::string value_of(char letter, const SpfMacroContext& context) {
  switch (letter) {
    case 's': return context.sender;
    case 'l': return local_part(context.sender);
    case 'o': return sender_domain(context.sender);
    case 'd': return context.domain;
    case 'i': return ip_for_i(context.ip);
    case 'p': return context.validated_name;
    case 'v': {
      const auto address = core::parse_ip(context.ip);
      return address && !address->is_v4 ? "ip6" : "in-addr";
    }
    case 'h': return context.helo;
    case 'c': {
      const auto canonical = core::canonical_ip(context.ip);
      return canonical ? canonical->text : context.ip;
    }
    case 'r': return context.receiver;
    case 't': return std::to_string(context.timestamp);
    default: return {};
  }
}

// Splits on any of `delimiters`, reverses when asked, keeps the rightmost `keep` parts
// (0: all) and joins them with dots.
std::string transform(const std::string& value, std::size_t keep, bool reverse,
                      std::string_view delimiters) {
  std::vector<std::string> parts(1);
  for (const char c : value) {
    if (delimiters.find(c) != std::string_view::npos) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  if (reverse) std::reverse(parts.begin(), parts.end());
  const std::size_t first = keep > 0 && keep < parts.size() ? parts.size() - keep : 0;
  std::string out;
  for (std::size_t i = first; i < parts.size(); ++i) {
    if (i > first) out += '.';
    out += parts[i];
  }
  return out;
}

}  // namespace

core::Result<std::string> expand_spf_macros(std::string_view text, const SpfMacroContext& context,
                                            bool in_exp) {
  std::string out;
  auto invalid = [&](const std::string& why) -> core::Result<std::string> {
    return Error(ErrorCode::kInvalid, "SPF macro in '" + std::string(text) + "': " + why);
  };
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] != '%') {
      out += text[i++];
      continue;
    }
    if (i + 1 >= text.size()) return invalid("a '%' that starts no macro");
    const char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      out += next == '%' ? "%" : next == '_' ? " " : "%20";
      i += 2;
      continue;
    }
    if (next != '{' || i + 2 >= text.size()) return invalid("a '%' that starts no macro");
    std::size_t j = i + 2;
    const char raw_letter = text[j];
    const char letter = lower(raw_letter);
    if (std::string_view("slodiphcrtv").find(letter) == std::string_view::npos) {
      return invalid(std::string("an unknown macro letter '") + raw_letter + "'");
    }
    if (!in_exp && (letter == 'c' || letter == 'r' || letter == 't')) {
      return invalid(std::string("the macro letter '") + raw_letter + "' outside an explanation");
    }
    ++j;
    const std::size_t digits_start = j;
    while (j < text.size() && text[j] >= '0' && text[j] <= '9') ++j;
    std::size_t keep = 0;
    if (j > digits_start) {
      // Section 7.1: a digit transformer must be nonzero. Values past 128 keep every
      // label of any legal name.
      const std::string_view digits = text.substr(digits_start, j - digits_start);
      unsigned long long value = 0;
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (error == std::errc::result_out_of_range) {
        value = 1000;
      } else if (error != std::errc() || end != digits.data() + digits.size()) {
        return invalid("a bad digit transformer");
      }
      if (value == 0) return invalid("a digit transformer of 0");
      keep = static_cast<std::size_t>(std::min<unsigned long long>(value, 1000));
    }
    bool reverse = false;
    if (j < text.size() && lower(text[j]) == 'r') {
      reverse = true;
      ++j;
    }
    const std::size_t delimiters_start = j;
    while (j < text.size() && std::string_view(".-+,/_=").find(text[j]) != std::string_view::npos) {
      ++j;
    }
    if (j >= text.size() || text[j] != '}') return invalid("a macro without its closing '}'");
    const std::string_view delimiters = j > delimiters_start
                                            ? text.substr(delimiters_start, j - delimiters_start)
                                            : std::string_view(".");
    std::string value = transform(value_of(letter, context), keep, reverse, delimiters);
    out += raw_letter != letter ? url_escape(value) : value;
    i = j + 1;
  }
  return out;
}

std::string truncate_domain(std::string name) {
  while (name.size() > 253) {
    const std::size_t dot = name.find('.');
    if (dot == std::string::npos) return name.substr(name.size() - 253);
    name.erase(0, dot + 1);
  }
  return name;
}

}  // namespace dmarcq::dns
