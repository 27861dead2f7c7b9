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

const report::SpfResult* envelope_of(const RecordFacts& facts) {
  for (const report::SpfResult& spf : facts.spf) {
    if (spf.scope != "helo" && !spf.domain.empty()) return &spf;
  }
  return nullptr;
}

}  // namespace

void Contradictions::add(const store::RecordGroup& group, const InternedFacts::Entry& entry, const RecordFacts& facts) {
  for (const report::DkimResult& dkim : facts.dkim) {
    add(key(group, entry, "d:" + dkim.domain + "/" + dkim.selector), group, dkim.result == "pass");
  }
  if (const report::SpfResult* spf = envelope_of(facts)) {
    add(key(group, entry, "s:" + spf->domain), group, spf->result == "pass");
  }
}

bool Contradictions::contradicted(Cause cause, const store::RecordGroup& group, const InternedFacts::Entry& entry,
                                  const RecordFacts& facts, const std::string& from) const {
  if (cause == Cause::kDkimKeyUnpublished) {
    bool any = false;
    for (const report::DkimResult& dkim : facts.dkim) {
      if (dkim.result == "pass" || !aligned(dkim.domain, from, false)) continue;
      if (!holds(key(group, entry, "d:" + dkim.domain + "/" + dkim.selector), group)) return false;
      any = true;
    }
    return any;
  }
  if (cause == Cause::kSpfIncludeMissing || cause == Cause::kSpfPermerror) {
    const report::SpfResult* spf = envelope_of(facts);
    return spf != nullptr && holds(key(group, entry, "s:" + spf->domain), group);
  }
  return false;
}

std::vector<CauseAt> Contradictions::settle(const Attribution& attribution, const store::RecordGroup& group,
                                            const InternedFacts::Entry& entry, const RecordFacts& facts,
                                            const std::string& from) const {
  std::vector<CauseAt> out = attribution.causes;
  bool dkim_settled = false, spf_settled = false;
  for (CauseAt& at : out) {
    if (at.severity == Severity::kInfo || !contradicted(at.cause, group, entry, facts, from)) continue;
    (at.cause == Cause::kDkimKeyUnpublished ? dkim_settled : spf_settled) = true;
    at = {Cause::kTransient, Severity::kInfo};
  }
  if (!dkim_settled && !spf_settled) return out;
  for (CauseAt& at : out) {
    if (at.severity == Severity::kInfo) continue;
    // With the contradicted mechanism counted as passing, DMARC would have passed.
    if (at.cause == Cause::kSpfNotAligned && dkim_settled) {
      at.severity = Severity::kInfo;
    } else {
      at.severity = Severity::kWarn;
    }
  }
  return out;
}

std::string Contradictions::key(const store::RecordGroup& group, const InternedFacts::Entry& entry,
                                const std::string& what) {
  return std::to_string(group.domain) + "|" + std::to_string(entry.ip) + "|" + what;
}

void Contradictions::add(const std::string& key, const store::RecordGroup& group, bool pass) {
  Tally& tally = tallies_[key];
  if (pass) {
    tally.pass += group.messages;
    tally.first_pass = std::min(tally.first_pass, group.first_day);
    tally.last_pass = std::max(tally.last_pass, group.last_day);
  } else {
    tally.fail += group.messages;
  }
}

bool Contradictions::holds(const std::string& key, const store::RecordGroup& group) const {
  const auto found = tallies_.find(key);
  if (found == tallies_.end()) return false;
  const Tally& tally = found->second;
  const bool same_days = tally.first_pass <= group.last_day && group.first_day <= tally.last_pass;
  return same_days && tally.pass >= tally.fail;
}

void CauseSum::add(Severity record_severity, const InternedFacts::Entry& entry, std::int64_t record_messages) {
  if (messages == 0 || record_severity < severity) severity = record_severity;
  messages += record_messages;
  all_dkim_pass = all_dkim_pass && entry.dkim_pass;
  seen.add(entry, record_messages);
}

std::vector<FindingCause> ordered_causes(const std::map<Cause, CauseSum>& causes) {
  std::vector<FindingCause> out;
  for (const auto& [cause, sum] : causes) out.push_back({cause, sum.severity, sum.messages});
  std::stable_sort(out.begin(), out.end(), [](const FindingCause& a, const FindingCause& b) {
    if (a.severity != b.severity) return a.severity < b.severity;
    if (a.messages != b.messages) return a.messages > b.messages;
    return cause_rank(a.cause) < cause_rank(b.cause);
  });
  return out;
}

FindingText finding_text(const std::vector<FindingCause>& ordered, const std::map<Cause, CauseSum>& causes,
                         const FindingFacts& facts, const InternedFacts& interned, Lang lang) {
  const bool strict_dkim_policy = facts.policy != nullptr && facts.policy->adkim == "s";
  std::vector<std::string> evidence;
  std::vector<FixParts> fixes;
  for (const FindingCause& cause : ordered) {
    const CauseSum& sum = causes.at(cause.cause);
    const SeenValues seen = sum.seen.values(cause.cause, interned, strict_dkim_policy);
    FixContext context = fix_context(facts.domain, facts.sender, seen, facts.policy);
    // spf_not_aligned is information only where DKIM passed, or failed only transiently.
    context.dkim_passes = sum.all_dkim_pass || (cause.cause == Cause::kSpfNotAligned && sum.severity == Severity::kInfo);
    context.strict_spf = facts.strict_spf;
    context.strict_dkim = facts.strict_dkim;
    if (cause.cause == Cause::kUnauthorized) {
      // The sources of this cause only: a digest row of unknown sources also holds the
      // customer's own unlisted servers that pass.
      context.source_count = static_cast<std::int64_t>(seen.ips.size());
      context.messages = cause.messages;
      context.own_domain_messages = facts.own_domain_messages;
      context.own_domains = facts.own_domains;
    }
    evidence.push_back(cause_evidence(cause.cause, seen, context, lang));
    fixes.push_back(fix_parts(cause.cause, lang, context));
  }
  return {join_evidence(evidence, lang), render_fix(fixes, lang)};
}

}  // namespace dmarcq::analysis
