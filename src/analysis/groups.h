// Private to analysis/: what explain and digest both do with a store record group:
// decode its facts, identify its source (cached: reports repeat sources), and grade
// a cause.
#ifndef DMARCQ_ANALYSIS_GROUPS_H_
#define DMARCQ_ANALYSIS_GROUPS_H_

#include <algorithm>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/fixes.h"

namespace dmarcq::analysis {

inline RecordFacts facts_of(const store::RecordGroup& group) {
  RecordFacts facts;
  facts.policy_domain = group.domain;
  facts.header_from = group.header_from;
  facts.source_ip = group.source_ip;
  facts.dkim_aligned = group.dkim_aligned;
  facts.spf_aligned = group.spf_aligned;
  report::Record decoded;
  report::decode_auth(group.auth_key, decoded);
  facts.dkim = std::move(decoded.dkim_results);
  facts.spf = std::move(decoded.spf_results);
  facts.reasons = std::move(decoded.reasons);
  return facts;
}

// Identities by (source IP, authentication facts).
class IdentityCache {
 public:
  explicit IdentityCache(const Identifier& identifier) : identifier_(identifier) {}
  const Identity& identify(const store::RecordGroup& group, const RecordFacts& facts) {
    key_.assign(group.source_ip).append(1, '\n').append(group.auth_key);
    auto found = cache_.find(key_);
    if (found == cache_.end()) found = cache_.emplace(key_, identifier_.identify(facts)).first;
    return found->second;
  }

 private:
  const Identifier& identifier_;
  std::unordered_map<std::string, Identity> cache_;
  std::string key_;
};

// fail when DMARC failed, warn when it passed through the other mechanism; forwarding
// is information only.
inline Severity severity_of(Cause cause, bool dmarc_pass) {
  if (cause == Cause::kForwarded) return Severity::kInfo;
  return dmarc_pass ? Severity::kWarn : Severity::kFail;
}

// Messages per value (IPs, domains, selectors), to name the most frequent first.
using Tally = std::map<std::string, std::int64_t>;

// The non-empty values of `tally` with the most messages, at most `limit`.
inline std::vector<std::string> top(const Tally& tally, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> items(tally.begin(), tally.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items.size() && out.size() < limit; ++i) {
    if (!items[i].first.empty()) out.push_back(items[i].first);
  }
  return out;
}

// The authentication values seen with one cause, which its fix text quotes.
struct SeenValues {
  Tally header_froms, spf_domains, spf_results, dkim_domains, dkim_selectors, dkim_results, ips;

  // Counts a record group under `cause`: its SPF domains, and for DKIM the failing
  // signatures of the domain (for an unpublished key) or the other signers.
  void add(Cause cause, const RecordFacts& facts, std::int64_t messages, bool strict_dkim) {
    header_froms[facts.header_from] += messages;
    ips[facts.source_ip] += messages;
    for (const report::SpfResult& spf : facts.spf) {
      spf_domains[spf.domain] += messages;
      spf_results[spf.result] += messages;
    }
    for (const report::DkimResult& dkim : facts.dkim) {
      const bool customer = aligned(dkim.domain, facts.header_from, strict_dkim);
      if (cause == Cause::kDkimKeyUnpublished ? (customer && dkim.result != "pass") : !customer) {
        dkim_domains[dkim.domain] += messages;
        dkim_selectors[dkim.selector] += messages;
        dkim_results[dkim.result] += messages;
      }
    }
  }
};

// What a fix text is written from, for one finding or digest row.
inline FixContext fix_context(const std::string& domain, const Sender* sender, const SeenValues& seen,
                              const store::PublishedPolicy* policy) {
  FixContext context;
  context.domain = domain;
  const std::vector<std::string> froms = top(seen.header_froms, 1);
  context.header_from = froms.empty() ? domain : froms[0];
  context.sender = sender;
  context.spf_domains = top(seen.spf_domains, 3);
  context.dkim_domains = top(seen.dkim_domains, 3);
  context.dkim_selectors = top(seen.dkim_selectors, 4);
  context.dkim_results = top(seen.dkim_results, 3);
  context.source_ips = top(seen.ips, 5);
  if (policy != nullptr) {
    context.policy = policy->p;
    context.pct = policy->pct.value_or(100);
  }
  return context;
}

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_GROUPS_H_
