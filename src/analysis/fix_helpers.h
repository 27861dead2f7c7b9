// Private to analysis/: helpers both fix-text languages use (fixes_en.cpp,
// fixes_ja.cpp), so that the two always pick the same values.
#ifndef DMARCQ_ANALYSIS_FIX_HELPERS_H_
#define DMARCQ_ANALYSIS_FIX_HELPERS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/fixes.h"

namespace dmarcq::analysis::fix_helpers {

// "a, b, c"; empty entries are skipped.
inline std::string join(const std::vector<std::string>& items, std::string_view separator = ", ") {
  std::string out;
  for (const std::string& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// Each item with `prefix` in front: ("include:", [a, b]) -> [include:a, include:b].
inline std::vector<std::string> prefixed(std::string_view prefix,
                                         const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    if (!item.empty()) out.push_back(std::string(prefix) + item);
  }
  return out;
}

inline bool contains(const std::vector<std::string>& items, std::string_view value) {
  for (const std::string& item : items) {
    if (item == value) return true;
  }
  return false;
}

inline std::string first_or(const std::vector<std::string>& items, std::string fallback) {
  for (const std::string& item : items) {
    if (!item.empty()) return item;
  }
  return fallback;
}

// "1,330": thousands separated by commas (also in the Japanese texts).
inline std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  const std::size_t first = digits.front() == '-' ? 1 : 0;
  for (int i = static_cast<int>(digits.size()) - 3; i > static_cast<int>(first); i -= 3) {
    digits.insert(static_cast<std::size_t>(i), ",");
  }
  return digits;
}

// The organizational domain, under which relaxed alignment accepts any name.
inline std::string organizational(const std::string& domain) {
  return organizational_domain(domain);
}

// The domain whose SPF record and DKIM keys the fix is about.
inline std::string from_domain(const FixContext& context) {
  return context.header_from.empty() ? context.domain : context.header_from;
}

// The domain whose DMARC record the fix is about.
inline std::string policy_domain(const FixContext& context) {
  return context.domain.empty() ? context.header_from : context.domain;
}

// The SPF terms that authorise `sender`: its includes, else an ip4:/ip6: term per
// catalog range (a user's own relay described by its addresses), else none.
inline std::vector<std::string> spf_terms(const Sender& sender) {
  if (!sender.spf_includes.empty()) return prefixed("include:", sender.spf_includes);
  std::vector<std::string> terms;
  for (const IpRange& range : sender.ip_ranges) {
    if (range.cidr.empty()) continue;
    terms.push_back((range.cidr.find(':') != std::string::npos ? "ip6:" : "ip4:") + range.cidr);
  }
  return terms;
}

// The selectors to suggest for a new Salesforce key: a pair of names not seen in the
// reports for the domain (sf1/sf2, else sf3/sf4, ...). A selector a key already uses,
// failing or not, cannot name a new one.
inline std::pair<std::string, std::string> salesforce_selectors(const FixContext& context) {
  for (int n = 1;; n += 2) {
    std::string selector = "sf" + std::to_string(n);
    std::string alternate = "sf" + std::to_string(n + 1);
    if (!contains(context.dkim_selectors, selector) &&
        !contains(context.dkim_selectors, alternate)) {
      return {std::move(selector), std::move(alternate)};
    }
  }
}

// "d=a, b" when DKIM domains other than `domain` were seen, else "".
inline std::string other_dkim_domains(const FixContext& context, const std::string& domain) {
  std::vector<std::string> others;
  for (const std::string& d : context.dkim_domains) {
    if (!d.empty() && d != domain && !contains(others, d)) others.push_back(d);
  }
  return others.empty() ? std::string() : "d=" + join(others);
}

// "…suffix" for a CNAME target pattern (".custdkim.salesforce.com" -> "….custdkim.salesforce.com").
inline std::string cname_target(const std::string& suffix) {
  return suffix.front() == '.' ? "…" + suffix : "…." + suffix;
}

// What the failing signatures of dkim_key_unpublished say, the same in every language:
// the signing domain, whether the receiver refused them (result "policy", usually a
// weak key) or the key is missing, wrong or revoked (any other failure), and the
// selector records to publish.
struct FailingKey {
  std::string domain;
  bool weak = false;
  bool missing = false;
  std::vector<std::string> records;  // "<selector>._domainkey.<domain>"
};

inline FailingKey failing_key(const FixContext& context) {
  FailingKey key;
  key.domain = first_or(context.dkim_domains, from_domain(context));
  key.weak = contains(context.dkim_results, "policy");
  key.missing = context.dkim_results.empty();
  for (const std::string& result : context.dkim_results) {
    if (result != "policy" && result != "temperror") key.missing = true;
  }
  for (const std::string& selector : context.dkim_selectors) {
    if (!selector.empty()) key.records.push_back(selector + "._domainkey." + key.domain);
  }
  return key;
}

}  // namespace dmarcq::analysis::fix_helpers

#endif  // DMARCQ_ANALYSIS_FIX_HELPERS_H_
