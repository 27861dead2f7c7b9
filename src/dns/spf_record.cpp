#include "dns/spf_record.h"

#include <charconv>

namespace dmarcq::dns {

namespace {

using core::Error;
using core::ErrorCode;

bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool valid_toplabel(std::string_view label) {
  if (label.empty()) return false;
  bool has_alpha = false, has_hyphen = false;
  for (const char c : label) {
    if (c == '-') {
      has_hyphen = true;
    } else if (!is_alnum(c)) {
      return false;
    }
    has_alpha = has_alpha || is_alpha(c);
  }
  if (!has_hyphen) return has_alpha;
  return label.front() != '-' && label.back() != '-';
}

// Walks a macro-string; returns the offset where its last macro-expand ends (0 when it
// has none), or nullopt with `why` set when it breaks section 7.1's ABNF.
std::optional<std::size_t> walk_macro_string(std::string_view text, bool in_exp, std::string* why) {
  std::size_t last_macro_end = 0;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c != '%') {
      // macro-literal = %x21-24 / %x26-7E; an explanation (explain-string) also holds
      // spaces.
      if ((c < 0x21 || c > 0x7E) && !(in_exp && c == ' ')) {
        *why = "a character that no SPF record may hold";
        return std::nullopt;
      }
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) {
      *why = "a '%' that starts no macro";
      return std::nullopt;
    }
    const char next = text[i + 1];
    if (next == '%' || next == '_' || next == '-') {
      i += 2;
      last_macro_end = i;
      continue;
    }
    if (next != '{' || i + 2 >= text.size()) {
      *why = "a '%' that starts no macro";
      return std::nullopt;
    }
    std::size_t j = i + 2;
    const char letter = lower(text[j]);
    if (std::string_view("slodiphcrtv").find(letter) == std::string_view::npos) {
      *why = std::string("an unknown macro letter '") + text[j] + "'";
      return std::nullopt;
    }
    if (!in_exp && (letter == 'c' || letter == 'r' || letter == 't')) {
      *why = std::string("the macro letter '") + text[j] + "' outside an explanation";
      return std::nullopt;
    }
    ++j;
    // transformers = *DIGIT [ "r" ]; a digit transformer must be nonzero (section 7.1).
    const std::size_t digits_start = j;
    bool nonzero = false;
    for (; j < text.size() && is_digit(text[j]); ++j) {
      if (text[j] != '0') nonzero = true;
    }
    if (j > digits_start && !nonzero) {
      *why = "a digit transformer of 0";
      return std::nullopt;
    }
    if (j < text.size() && lower(text[j]) == 'r') ++j;
    while (j < text.size() && std::string_view(".-+,/_=").find(text[j]) != std::string_view::npos) {
      ++j;
    }
    if (j >= text.size() || text[j] != '}') {
      *why = "a macro without its closing '}'";
      return std::nullopt;
    }
    i = j + 1;
    last_macro_end = i;
  }
  return last_macro_end;
}

// domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) /
// macro-expand
bool valid_domain_spec(std::string_view text, std::string* why) {
  if (text.empty()) {
    *why = "an empty domain";
    return false;
  }
  const auto macro_end = walk_macro_string(text, false, why);
  if (!macro_end) return false;
  if (*macro_end == text.size()) return true;
  std::string_view literal = text.substr(*macro_end);
  if (literal.back() == '.') literal.remove_suffix(1);
  const std::size_t dot = literal.rfind('.');
  if (dot == std::string_view::npos || !valid_toplabel(literal.substr(dot + 1))) {
    *why = "'" + std::string(text) + "' does not end in a top-level label";
    return false;
  }
  return true;
}

// "/" ("0" / %x31-39 0*N DIGIT), up to `max`.
std::optional<int> cidr_length(std::string_view digits, int max) {
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return std::nullopt;
  int value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size() || value < 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

// The offset of the first '/' outside a macro, or npos.
std::size_t first_slash(std::string_view text) {
  bool in_macro = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && i > 0 && text[i - 1] == '%') in_macro = true;
    if (text[i] == '}') in_macro = false;
    if (text[i] == '/' && !in_macro) return i;
  }
  return std::string_view::npos;
}

// An address with its host bits cleared: ip4:192.0.2.1/24 names 192.0.2.0/24.
core::IpNetwork network_of(core::IpBytes address, int prefix) {
  for (int bit = prefix; bit < 128; ++bit) {
    address.bytes[static_cast<std::size_t>(bit / 8)] &=
        static_cast<std::uint8_t>(~(0x80 >> (bit % 8)));
  }
  core::IpNetwork network;
  network.base = address;
  network.prefix = prefix;
  return network;
}

core::Result<SpfMechanism> parse_directive(std::string_view term) {
  SpfMechanism mechanism;
  mechanism.text = std::string(term);
  auto invalid = [&](const std::string& why) -> core::Result<SpfMechanism> {
    return Error(ErrorCode::kInvalid, "SPF term '" + std::string(term) + "': " + why);
  };
  switch (term.empty() ? '\0' : term[0]) {
    case '+':
      mechanism.qualifier = SpfQualifier::kPass;
      term.remove_prefix(1);
      break;
    case '-':
      mechanism.qualifier = SpfQualifier::kFail;
      term.remove_prefix(1);
      break;
    case '~':
      mechanism.qualifier = SpfQualifier::kSoftFail;
      term.remove_prefix(1);
      break;
    case '?':
      mechanism.qualifier = SpfQualifier::kNeutral;
      term.remove_prefix(1);
      break;
    default: break;
  }
  std::size_t name_end = 0;
  while (name_end < term.size() && is_alnum(term[name_end])) ++name_end;
  const std::string_view name = term.substr(0, name_end);
  std::string_view rest = term.substr(name_end);
  std::string why;
  static constexpr std::pair<std::string_view, SpfMechanismKind> kNames[] = {
      {"all", SpfMechanismKind::kAll}, {"include", SpfMechanismKind::kInclude},
      {"a", SpfMechanismKind::kA},     {"mx", SpfMechanismKind::kMx},
      {"ptr", SpfMechanismKind::kPtr}, {"ip4", SpfMechanismKind::kIp4},
      {"ip6", SpfMechanismKind::kIp6}, {"exists", SpfMechanismKind::kExists}};
  bool known = false;
  for (const auto& [known_name, kind] : kNames) {
    if (equals_ignoring_case(name, known_name)) {
      mechanism.kind = kind;
      known = true;
    }
  }
  if (!known) return invalid("not a mechanism (section 5)");

  switch (mechanism.kind) {
    case SpfMechanismKind::kAll:
      if (!rest.empty()) return invalid("'all' takes no argument");
      return mechanism;
    case SpfMechanismKind::kInclude:
    case SpfMechanismKind::kExists:
      if (rest.empty() || rest[0] != ':') return invalid("needs ':' and a domain");
      mechanism.domain_spec = std::string(rest.substr(1));
      if (!valid_domain_spec(rest.substr(1), &why)) return invalid(why);
      return mechanism;
    case SpfMechanismKind::kPtr:
      if (rest.empty()) return mechanism;
      if (rest[0] != ':') return invalid("takes only ':' and a domain");
      mechanism.domain_spec = std::string(rest.substr(1));
      if (!valid_domain_spec(rest.substr(1), &why)) return invalid(why);
      return mechanism;
    case SpfMechanismKind::kA:
    case SpfMechanismKind::kMx: {
      std::string_view cidr;
      if (!rest.empty() && rest[0] == ':') {
        const std::string_view spec = rest.substr(1);
        const std::size_t slash = first_slash(spec);
        mechanism.domain_spec = std::string(spec.substr(0, slash));
        if (!valid_domain_spec(mechanism.domain_spec, &why)) return invalid(why);
        cidr = slash == std::string_view::npos ? std::string_view() : spec.substr(slash);
      } else {
        cidr = rest;
      }
      // dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]
      if (!cidr.empty()) {
        if (cidr[0] != '/') return invalid("expected '/' and a prefix length");
        cidr.remove_prefix(1);
        if (!cidr.empty() && cidr[0] != '/') {
          const std::size_t slash = cidr.find('/');
          const auto v4 = cidr_length(cidr.substr(0, slash), 32);
          if (!v4) return invalid("an IPv4 prefix length must be 0 to 32");
          mechanism.ip4_prefix = *v4;
          cidr = slash == std::string_view::npos ? std::string_view() : cidr.substr(slash);
          if (!cidr.empty()) cidr.remove_prefix(1);  // the "/" before "/" ip6
          if (!cidr.empty() || slash != std::string_view::npos) {
            if (cidr.empty() || cidr[0] != '/') return invalid("expected '//' and an IPv6 length");
            cidr.remove_prefix(1);
          } else {
            return mechanism;
          }
        } else {
          if (cidr.empty()) return invalid("expected a prefix length");
          cidr.remove_prefix(1);
        }
        const auto v6 = cidr_length(cidr, 128);
        if (!v6) return invalid("an IPv6 prefix length must be 0 to 128");
        mechanism.ip6_prefix = *v6;
      }
      return mechanism;
    }
    case SpfMechanismKind::kIp4:
    case SpfMechanismKind::kIp6: {
      const bool v4 = mechanism.kind == SpfMechanismKind::kIp4;
      if (rest.empty() || rest[0] != ':') return invalid("needs ':' and an address");
      const std::string_view spec = rest.substr(1);
      const std::size_t slash = spec.find('/');
      const std::string_view address_text = spec.substr(0, slash);
      const auto address = core::parse_ip(address_text);
      // ip6-network is IPv6 syntax: it holds a ':'; an ip4-network holds none.
      const bool right_family =
          address && (v4 ? address->is_v4 && address_text.find(':') == std::string_view::npos
                         : address_text.find(':') != std::string_view::npos);
      if (!right_family) return invalid(v4 ? "not an IPv4 address" : "not an IPv6 address");
      int prefix = v4 ? 32 : 128;
      if (slash != std::string_view::npos) {
        const auto length = cidr_length(spec.substr(slash + 1), v4 ? 32 : 128);
        if (!length)
          return invalid(v4 ? "an IPv4 prefix length must be 0 to 32"
                            : "an IPv6 prefix length must be 0 to 128");
        prefix = *length;
      }
      // An ip6 length counts in the 128-bit space even for an IPv4-mapped address.
      mechanism.network = network_of(*address, v4 ? 96 + prefix : prefix);
      return mechanism;
    }
  }
  return invalid("not a mechanism (section 5)");
}

}  // namespace

const char* spf_qualifier_result(SpfQualifier qualifier) {
  switch (qualifier) {
    case SpfQualifier::kPass: return "pass";
    case SpfQualifier::kFail: return "fail";
    case SpfQualifier::kSoftFail: return "softfail";
    case SpfQualifier::kNeutral: return "neutral";
  }
  return "neutral";
}

const char* spf_mechanism_name(SpfMechanismKind kind) {
  switch (kind) {
    case SpfMechanismKind::kAll: return "all";
    case SpfMechanismKind::kInclude: return "include";
    case SpfMechanismKind::kA: return "a";
    case SpfMechanismKind::kMx: return "mx";
    case SpfMechanismKind::kPtr: return "ptr";
    case SpfMechanismKind::kIp4: return "ip4";
    case SpfMechanismKind::kIp6: return "ip6";
    case SpfMechanismKind::kExists: return "exists";
  }
  return "all";
}

bool SpfMechanism::counts_as_lookup() const {
  return kind == SpfMechanismKind::kInclude || kind == SpfMechanismKind::kA ||
         kind == SpfMechanismKind::kMx || kind == SpfMechanismKind::kPtr ||
         kind == SpfMechanismKind::kExists;
}

bool is_spf_record(std::string_view text) {
  return text.size() >= 6 && equals_ignoring_case(text.substr(0, 6), "v=spf1") &&
         (text.size() == 6 || text[6] == ' ');
}

bool valid_macro_string(std::string_view text, bool in_exp, std::string* why) {
  return walk_macro_string(text, in_exp, why).has_value();
}

core::Result<SpfRecord> parse_spf_record(std::string_view text) {
  if (!is_spf_record(text)) {
    return Error(ErrorCode::kInvalid, "not an SPF record: it does not start with 'v=spf1'");
  }
  SpfRecord record;
  std::string_view rest = text.substr(6);
  while (!rest.empty()) {
    if (rest[0] != ' ') {
      return Error(ErrorCode::kInvalid, "SPF terms are separated by spaces only");
    }
    while (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    if (rest.empty()) break;  // trailing spaces
    const std::size_t end = rest.find(' ');
    const std::string_view term = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);

    // modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    std::size_t name_end = 0;
    if (!term.empty() && is_alpha(term[0])) {
      name_end = 1;
      while (name_end < term.size() && (is_alnum(term[name_end]) || term[name_end] == '-' ||
                                        term[name_end] == '_' || term[name_end] == '.')) {
        ++name_end;
      }
    }
    if (name_end > 0 && name_end < term.size() && term[name_end] == '=') {
      const std::string_view name = term.substr(0, name_end);
      const std::string_view value = term.substr(name_end + 1);
      std::string why;
      const bool redirect = equals_ignoring_case(name, "redirect");
      const bool exp = equals_ignoring_case(name, "exp");
      if (redirect || exp) {
        std::optional<std::string>& slot = redirect ? record.redirect : record.exp;
        if (slot) {
          return Error(ErrorCode::kInvalid,
                       "SPF modifier '" + std::string(name) + "' appears twice (section 6)");
        }
        if (!valid_domain_spec(value, &why)) {
          return Error(ErrorCode::kInvalid, "SPF term '" + std::string(term) + "': " + why);
        }
        slot = std::string(value);
      } else {
        if (!valid_macro_string(value, false, &why)) {
          return Error(ErrorCode::kInvalid, "SPF term '" + std::string(term) + "': " + why);
        }
        record.unknown_modifiers.emplace_back(term);
      }
      continue;
    }
    auto mechanism = parse_directive(term);
    if (!mechanism) return std::move(mechanism).error();
    record.mechanisms.push_back(std::move(*mechanism));
  }
  return record;
}

}  // namespace dmarcq::dns
