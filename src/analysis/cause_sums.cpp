// Summing the causes of a finding and writing its texts: the part explain and digest
// share once every record group is attributed and weighed.
#include "analysis/cause_sums.h"

#include <algorithm>

#include "analysis/evidence.h"
#include "analysis/fixes.h"

namespace dmarcq::analysis {

namespace {

// The order of causes of equal severity and messages: the root first (a broken SPF
// record, then the DKIM key, whose fix also settles SPF alignment), information last.
int cause_rank(Cause cause) {
  switch (cause) {
    case Cause::kSpfPermerror: return 0;
    case Cause::kDkimKeyUnpublished: return 1;
    case Cause::kDkimNotActivated: return 2;
    case Cause::kSpfIncludeMissing: return 3;
    case Cause::kSpfNotAligned: return 4;
    case Cause::kUnauthorized: return 5;
    case Cause::kForwarded: return 6;
    case Cause::kTransient: return 7;
    default: return 8;
  }
}

}  // namespace

void CauseSums::add(const std::vector<CauseAt>& causes, const Attribution& attribution,
                    const InternedFacts::Entry& entry, std::int64_t messages) {
  for (const CauseAt& at : causes) {
    const bool strict = (at.cause == Cause::kSpfNotAligned && attribution.strict_spf) ||
                        (at.cause == Cause::kDkimNotActivated && attribution.strict_dkim);
    Sum& sum = sums_[Variant{at.cause, strict}];
    if (sum.messages == 0 || at.severity < sum.severity) sum.severity = at.severity;
    sum.messages += messages;
    sum.dmarc_fail += entry.dmarc_pass ? 0 : messages;
    sum.all_dkim_pass = sum.all_dkim_pass && entry.dkim_pass;
    sum.seen.add(entry, messages);
  }
  if (attribution.own_domain_pass) {
    if (attribution.sender != nullptr) {
      platform_messages_ += messages;
      platforms_.insert(attribution.sender->name);
    } else {
      own_domain_messages_ += messages;
      own_domain_seen_.add(entry, messages);
    }
  }
}

std::vector<FindingCause> CauseSums::ordered() const {
  std::vector<FindingCause> out;
  for (const auto& [variant, sum] : sums_) {
    const Cause cause = variant.cause;  // clang 14 cannot capture a structured binding
    auto same = std::find_if(out.begin(), out.end(),
                             [cause](const FindingCause& c) { return c.cause == cause; });
    if (same == out.end()) {
      out.push_back({cause, sum.severity, sum.messages, sum.dmarc_fail});
    } else {
      same->severity = std::min(same->severity, sum.severity);
      same->messages += sum.messages;
      same->dmarc_fail += sum.dmarc_fail;
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const FindingCause& a, const FindingCause& b) {
    if (a.severity != b.severity) return a.severity < b.severity;
    if (a.messages != b.messages) return a.messages > b.messages;
    return cause_rank(a.cause) < cause_rank(b.cause);
  });
  return out;
}

FindingText CauseSums::text(const FindingFacts& facts, const InternedFacts& interned,
                            Lang lang) const {
  const bool strict_dkim_policy = facts.policy != nullptr && facts.policy->adkim == "s";
  const bool key_exists = std::any_of(sums_.begin(), sums_.end(), [](const auto& item) {
    return item.first.cause == Cause::kDkimKeyUnpublished;
  });
  std::vector<std::string> evidence;
  std::vector<FixParts> fixes;
  for (const FindingCause& cause : ordered()) {
    for (const bool strict : {false, true}) {
      const auto found = sums_.find(Variant{cause.cause, strict});
      if (found == sums_.end()) continue;
      const Sum& sum = found->second;
      const SeenValues seen = sum.seen.values(cause.cause, interned, strict_dkim_policy);
      FixContext context = fix_context(facts.domain, facts.sender, seen, facts.policy);
      // spf_not_aligned is information only where DKIM passed, or failed only for the
      // receiver; the text then says nothing needs to change.
      context.dkim_passes = sum.all_dkim_pass || (cause.cause == Cause::kSpfNotAligned &&
                                                  sum.severity == Severity::kInfo);
      context.dkim_really_passes = sum.all_dkim_pass;
      context.dkim_key_exists = key_exists;
      context.strict_spf = strict && cause.cause == Cause::kSpfNotAligned;
      context.strict_dkim = strict && cause.cause == Cause::kDkimNotActivated;
      if (cause.cause == Cause::kUnauthorized) {
        // The sources of this cause only: a digest row of unknown sources also holds the
        // customer's own unlisted servers that pass.
        context.source_count = static_cast<std::int64_t>(seen.ips.size());
        context.messages = sum.messages;
        context.own_domain_messages = own_domain_messages_;
        context.own_domains =
            own_domains(own_domain_seen_.values(Cause::kUnauthorized, interned, false), 3);
        context.platform_messages = platform_messages_;
        context.platforms.assign(platforms_.begin(), platforms_.end());
      }
      evidence.push_back(cause_evidence(cause.cause, seen, context, lang));
      fixes.push_back(fix_parts(cause.cause, lang, context));
    }
  }
  return {join_evidence(evidence, lang), render_fix(fixes, lang)};
}

}  // namespace dmarcq::analysis
