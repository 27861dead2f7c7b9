// explain: from record groups to findings. Each group (records sharing every fact read
// here) gets its source identified and attributed (attribute.cpp); the groups are then
// summed per (domain, subject): one finding per catalog sender the customer uses, with
// every cause found for it; one for the domain's forwarded mail; one for its unknown
// sources (or one per unknown IP with all_sources). The domain-level findings come from
// the newest published policy.
//
// Before summing, a failing result that other records contradict is set apart as
// transient (cause_sums.h): one receiver's DNS timeout or odd verdict is not the
// customer's configuration.
#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>

#include "analysis/analysis.h"
#include "analysis/cause_sums.h"
#include "analysis/evidence.h"
#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/groups.h"
#include "analysis/weights.h"
#include "core/parallel.h"

namespace dmarcq::analysis {

namespace {

struct FindingSum {
  std::uint32_t domain = 0;
  Subject subject = Subject::kSender;
  const Sender* sender = nullptr;
  Evidence identified = Evidence::kNone;  // the strongest identification of its records
  bool identified_set = false;
  std::int64_t messages = 0, dmarc_fail = 0;
  std::int64_t first_day = INT64_MAX, last_day = INT64_MIN;
  CauseSums causes;
  std::unordered_map<std::uint32_t, std::int64_t> ips;         // messages by interned IP
  std::unordered_map<std::uint32_t, const Sender*> platforms;  // platform by interned IP
};

struct DomainTotals {
  std::int64_t messages = 0;
  std::int64_t legitimate = 0;  // the customer's own mail: not forwarded, not unauthorized
  std::int64_t legitimate_passed = 0;
  std::int64_t receivers_only =
      0;  // legitimate, failing only for the receivers: counted as passing
  std::int64_t legitimate_spf_pass = 0;   // legitimate, with an SPF pass for any domain
  std::int64_t legitimate_dkim_pass = 0;  // legitimate, with a DKIM pass for any domain
  std::unordered_map<std::uint32_t, std::int64_t> header_froms;  // by interned id
};

}  // namespace

core::Result<std::vector<Finding>> explain(store::Store& store, const store::RecordFilter& filter,
                                           const Catalog& catalog, Lang lang,
                                           const ExplainOptions& options) {
  auto groups = store.record_groups(filter);
  if (!groups) return std::move(groups).error();
  auto policies = store.published_policies(filter);
  if (!policies) return std::move(policies).error();
  std::map<std::string, store::PublishedPolicy> policy_of;
  for (store::PublishedPolicy& policy : *policies) policy_of[policy.domain] = std::move(policy);

  const Identifier identifier(catalog);
  auto loaded = InternedFacts::load(store, *groups, identifier);
  if (!loaded) return std::move(loaded).error();
  InternedFacts& interned = *loaded;
  std::vector<const store::PublishedPolicy*> policy_by_domain;
  for (const std::string& domain : groups->domains) {
    const auto policy = policy_of.find(domain);
    policy_by_domain.push_back(policy != policy_of.end() ? &policy->second : nullptr);
  }

  // Which failing results other reporters contradict on the same days.
  auto weighed = ResultWeights::weigh(store, filter, *groups, interned,
                                      [](std::uint32_t fact) { return fact; });
  if (!weighed) return std::move(weighed).error();
  const ResultWeights& weights = *weighed;

  // Attribute and sum. Keys are (domain << 40 | subject): a catalog sender's
  // index, or past them the forwarders, the unknown sources, or (all_sources) an IP.
  const std::uint64_t senders = catalog.senders().size();
  const std::uint64_t forwarders_key = senders;
  const std::uint64_t unknown_key = senders + 1;
  const std::uint64_t first_ip_key = senders + 2;
  std::unordered_map<std::uint64_t, FindingSum> sums;
  std::vector<DomainTotals> totals(groups->domains.size());

  for (const store::RecordGroup& group : groups->groups) {
    if (group.messages == 0) continue;
    const InternedFacts::Entry& entry = interned.entry(group.fact);
    const Identity& identity = interned.identity(entry);
    const store::PublishedPolicy* policy = policy_by_domain[group.domain];
    const bool strict_dkim = policy != nullptr && policy->adkim == "s";
    const bool strict_spf = policy != nullptr && policy->aspf == "s";
    const Attribution& attribution = interned.attribution(
        entry, group.domain, groups->domains[group.domain], strict_dkim, strict_spf);
    const RecordFacts& facts = interned.facts(entry);
    const std::string& from =
        facts.header_from.empty() ? groups->domains[group.domain] : facts.header_from;

    DomainTotals& total = totals[group.domain];
    total.messages += group.messages;
    total.header_froms[entry.from] += group.messages;
    const std::vector<ResultWeights::Portion> portions =
        attribution.causes.empty()
            ? std::vector<ResultWeights::Portion>{}
            : weights.settle(attribution, group, group.fact, entry, facts, from);
    if (attribution.legitimate()) {
      total.legitimate += group.messages;
      total.legitimate_passed += entry.dmarc_pass ? group.messages : 0;
      const auto passes = [](const auto& results) {
        return std::any_of(results.begin(), results.end(),
                           [](const auto& result) { return result.result == "pass"; });
      };
      if (passes(facts.spf)) total.legitimate_spf_pass += group.messages;
      if (passes(facts.dkim)) total.legitimate_dkim_pass += group.messages;
      if (!entry.dmarc_pass) {
        // Failures that were only the receivers' do not make a domain less ready.
        for (const ResultWeights::Portion& portion : portions) {
          const bool receivers_only =
              std::all_of(portion.causes.begin(), portion.causes.end(),
                          [](const CauseAt& at) { return at.severity == Severity::kInfo; });
          if (receivers_only) total.receivers_only += portion.messages;
        }
      }
    }
    if (attribution.causes.empty()) continue;

    std::uint64_t subject = unknown_key;
    Subject kind = Subject::kUnknownSources;
    if (attribution.party == Party::kSender) {
      subject = static_cast<std::uint64_t>(attribution.sender - catalog.senders().data());
      kind = Subject::kSender;
    } else if (attribution.party == Party::kForwarder) {
      subject = forwarders_key;
      kind = Subject::kForwarders;
    } else if (options.all_sources) {
      subject = first_ip_key + entry.ip;
    }
    FindingSum& sum = sums[(static_cast<std::uint64_t>(group.domain) << 40) | subject];
    sum.domain = group.domain;
    sum.subject = kind;
    if (kind == Subject::kSender) {
      sum.sender = attribution.sender;
      if (!sum.identified_set || identity.evidence < sum.identified)
        sum.identified = identity.evidence;
      sum.identified_set = true;
    }
    sum.messages += group.messages;
    sum.dmarc_fail += entry.dmarc_pass ? 0 : group.messages;
    sum.first_day = std::min(sum.first_day, group.first_day);
    sum.last_day = std::max(sum.last_day, group.last_day);
    sum.ips[entry.ip] += group.messages;
    if (kind != Subject::kSender && attribution.sender != nullptr)
      sum.platforms.emplace(entry.ip, attribution.sender);
    for (const ResultWeights::Portion& portion : portions) {
      sum.causes.add(portion.causes, attribution, entry, portion.messages);
    }
  }

  // Writing the evidence and fix of thousands of findings is the larger part of explain
  // on a big store; each finding is independent, so the cores share them.
  std::vector<FindingSum*> pending;
  pending.reserve(sums.size());
  for (auto& [key, sum] : sums) pending.push_back(&sum);
  std::vector<Finding> findings(pending.size());
  auto write_findings = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const FindingSum& sum = *pending[i];
      Finding& finding = findings[i];
      finding.domain = groups->domains[sum.domain];
      finding.subject = sum.subject;
      finding.sender = sum.sender;
      finding.messages = sum.messages;
      finding.dmarc_fail = sum.dmarc_fail;
      finding.first_day = sum.first_day;
      finding.last_day = sum.last_day;
      finding.causes = sum.causes.ordered();
      finding.cause = finding.causes.front().cause;
      finding.severity = finding.causes.front().severity;

      std::vector<std::pair<std::uint32_t, std::int64_t>> ips(sum.ips.begin(), sum.ips.end());
      std::sort(ips.begin(), ips.end(), [&](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second
                                    : interned.ip(a.first) < interned.ip(b.first);
      });
      finding.source_count = static_cast<std::int64_t>(ips.size());
      if (!options.all_sources && ips.size() > 10) ips.resize(10);
      for (const auto& [ip, messages] : ips) {
        const auto platform = sum.platforms.find(ip);
        finding.sources.push_back(
            {interned.ip(ip), messages,
             platform != sum.platforms.end() ? platform->second->name : std::string()});
      }

      FindingFacts facts;
      facts.domain = finding.domain;
      facts.sender = sum.sender;
      facts.policy = policy_by_domain[sum.domain];
      FindingText text = sum.causes.text(facts, interned, lang);
      finding.evidence = std::move(text.evidence);
      finding.fix = std::move(text.fix);
      if (sum.subject == Subject::kSender) {
        finding.evidence += identification_clause(sum.identified, lang);
      } else {
        finding.evidence += platforms_clause(finding.sources, lang);
      }
      if (lang == Lang::kJa && !finding.evidence.ends_with("。")) finding.evidence += "。";
    }
  };
  core::for_each_share(pending.size(), write_findings);

  // Domain-level findings from the newest published policy.
  for (std::size_t index = 0; index < totals.size(); ++index) {
    const std::string& domain = groups->domains[index];
    const DomainTotals& total = totals[index];
    if (policy_by_domain[index] == nullptr || total.messages == 0) continue;
    const store::PublishedPolicy& policy = *policy_by_domain[index];
    FixContext context;
    context.domain = domain;
    Tally header_froms;
    for (const auto& [from, messages] : total.header_froms)
      header_froms[interned.from(from)] += messages;
    const std::vector<std::string> froms = top(header_froms, 1);
    context.header_from = froms.empty() ? domain : froms[0];
    context.policy = policy.p;
    context.pct = policy.pct.value_or(100);
    context.testing = policy.testing == "y";
    context.readiness_known = total.legitimate > 0;
    context.pass_share =
        total.legitimate > 0
            ? 100.0 * static_cast<double>(total.legitimate_passed + total.receivers_only) /
                  static_cast<double>(total.legitimate)
            : 0.0;
    context.receivers_only = total.receivers_only;
    const auto share_of = [&](std::int64_t part) {
      return total.legitimate > 0
                 ? 100.0 * static_cast<double>(part) / static_cast<double>(total.legitimate)
                 : 0.0;
    };
    context.spf_pass_share = share_of(total.legitimate_spf_pass);
    context.dkim_pass_share = share_of(total.legitimate_dkim_pass);
    auto add = [&](Cause cause, Severity severity, const std::string& evidence) {
      Finding finding;
      finding.domain = domain;
      finding.subject = Subject::kDomain;
      finding.cause = cause;
      finding.severity = severity;
      finding.causes = {{cause, severity, total.messages}};
      finding.messages = total.messages;
      finding.evidence = evidence;
      finding.fix = fix_text(cause, lang, context);
      findings.push_back(std::move(finding));
    };
    for (const DomainEvidence& item : domain_evidence(policy, context, total.legitimate, lang)) {
      add(item.cause, item.severity, item.evidence);
    }
  }

  // A total order, so that output never depends on hash map iteration.
  static const std::string kNoSource;
  auto source_of = [](const Finding& f) -> const std::string& {
    return f.sender != nullptr ? f.sender->id
           : f.sources.empty() ? kNoSource
                               : f.sources.front().ip;
  };
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    if (a.domain != b.domain) return a.domain < b.domain;
    if (a.severity != b.severity) return a.severity < b.severity;
    if (a.messages != b.messages) return a.messages > b.messages;
    if (a.subject != b.subject) return a.subject < b.subject;
    if (a.cause != b.cause) return a.cause < b.cause;
    return source_of(a) < source_of(b);
  });
  return findings;
}

}  // namespace dmarcq::analysis
