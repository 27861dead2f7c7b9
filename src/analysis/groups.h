// Private to analysis/: what explain and digest both do with a store record group:
// decode its facts, identify its source (cached: reports repeat sources), and grade
// a cause.
#ifndef DMARCQ_ANALYSIS_GROUPS_H_
#define DMARCQ_ANALYSIS_GROUPS_H_

#include <string>
#include <unordered_map>

#include "analysis/analysis.h"

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

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_GROUPS_H_
