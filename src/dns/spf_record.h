// The SPF record as RFC 7208 section 12 writes it, parsed into its terms: the syntax
// half of check_host() (section 4.6). Records come from DNS answers, which are input
// from strangers: every rule of the ABNF is checked, and anything else is a
// permerror naming the term.
#ifndef DMARCQ_DNS_SPF_RECORD_H_
#define DMARCQ_DNS_SPF_RECORD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/ip.h"

namespace dmarcq::dns {

// Section 4.6.2: "+" pass (the default), "-" fail, "~" softfail, "?" neutral.
enum class SpfQualifier { kPass, kFail, kSoftFail, kNeutral };
const char* spf_qualifier_result(SpfQualifier qualifier);  // "pass", "fail", ...

enum class SpfMechanismKind { kAll, kInclude, kA, kMx, kPtr, kIp4, kIp6, kExists };
const char* spf_mechanism_name(SpfMechanismKind kind);  // "all", "include", ...

struct SpfMechanism {
  SpfQualifier qualifier = SpfQualifier::kPass;
  SpfMechanismKind kind = SpfMechanismKind::kAll;
  std::string domain_spec;                 // include, a, mx, ptr, exists; may hold macros
  std::optional<core::IpNetwork> network;  // ip4, ip6
  int ip4_prefix = 32;                     // a, mx: the dual-cidr-length (section 5.6)
  int ip6_prefix = 128;
  std::string text;  // the term as written, for traces and messages

  // Whether this mechanism needs a DNS query when evaluated: the terms that count
  // towards the limit of 10 (section 4.6.4).
  bool counts_as_lookup() const;
};

struct SpfRecord {
  std::vector<SpfMechanism> mechanisms;  // in order
  std::optional<std::string> redirect;   // redirect= domain-spec
  std::optional<std::string> exp;        // exp= domain-spec
  // Modifiers other than redirect and exp, which check_host() ignores (section 6).
  std::vector<std::string> unknown_modifiers;
};

// Whether a TXT record's text is an SPF record: "v=spf1" (any case) alone or followed
// by a space (section 4.5). Only those are parsed; a domain with two is a permerror.
bool is_spf_record(std::string_view text);

// Parses an SPF record. A record that breaks the ABNF (an unknown mechanism, a bad
// CIDR length, a macro outside exp that uses c, r or t, redirect or exp twice) is a
// kInvalid error whose message names the term; check_host() returns permerror for it.
core::Result<SpfRecord> parse_spf_record(std::string_view text);

// Checks a macro-string (section 7.1). `in_exp` checks an explanation text instead
// (explain-string, section 6.2): spaces and the c, r and t letters are allowed there.
bool valid_macro_string(std::string_view text, bool in_exp, std::string* why);

}  // namespace dmarcq::dns

#endif  // DMARCQ_DNS_SPF_RECORD_H_
