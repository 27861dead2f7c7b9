// attribute: from record groups to findings. Each group (records sharing every fact
// read here) gets its sender identified, its alignment explained, and zero or more
// causes (the rules of senders.md section 6, per mechanism: a Salesforce source with
// the include missing and no DKIM key carries both spf_include_missing and
// dkim_not_activated). Causes are then summed per (domain, sender or source IP,
// cause), and the domain-level findings come from the newest published policy.
//
// The reporter's policy_evaluated verdict decides pass or fail. The raw auth_results
// only choose the cause and fill the evidence: which domain SPF passed for, which
// selector failed.
#include <algorithm>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "analysis/analysis.h"
#include "analysis/fixes.h"
#include "analysis/groups.h"
#include "core/date.h"
#include "core/parallel.h"

namespace dmarcq::analysis {

namespace {


bool is_forward_reason(const report::PolicyReason& reason) {
  if (reason.type == "forwarded" || reason.type == "trusted_forwarder" || reason.type == "mailing_list") {
    return true;
  }
  return reason.type == "local_policy" && reason.comment.find("arc=pass") != std::string::npos;
}

bool is_spf_failure(const std::string& result) {
  return result == "fail" || result == "softfail" || result == "neutral" || result == "none" ||
         result.empty();
}

struct Accumulator {
  std::uint32_t domain = 0;
  const Sender* sender = nullptr;
  Identity identity;
  bool identified = false;  // identity was set by a record
  Cause cause = Cause::kUnauthorized;
  Severity severity = Severity::kInfo;
  std::int64_t messages = 0;
  std::int64_t first_day = INT64_MAX;
  std::int64_t last_day = INT64_MIN;
  bool strict_dkim = false;
  SeenIds seen_ids;
};

struct DomainTotals {
  std::int64_t messages = 0;
  std::int64_t passed = 0;
  std::int64_t legitimate = 0;         // not forwarded, not unauthorized
  std::int64_t legitimate_passed = 0;
  std::unordered_map<std::uint32_t, std::int64_t> header_froms;  // by interned id
};

std::string with_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ",");
  return digits;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

std::string evidence_of(const Accumulator& a, const SeenValues& seen, Lang lang) {
  const bool ja = lang == Lang::kJa;
  const std::string from = top(seen.header_froms, 1).empty() ? "" : top(seen.header_froms, 1)[0];
  std::string text;
  switch (a.cause) {
    case Cause::kSpfIncludeMissing:
      text = ja ? from + " の SPF 評価が " + join(top(seen.spf_results, 3)) + "（送信元 IP が SPF レコードにありません）"
                : "SPF " + join(top(seen.spf_results, 3)) + " for " + from + " (the source IPs are not in its SPF record)";
      break;
    case Cause::kSpfNotAligned:
      text = ja ? "SPF の評価対象は " + join(top(seen.spf_domains, 3)) + " で、" + from + " とアラインしません"
                : "SPF is evaluated for " + join(top(seen.spf_domains, 3)) + ", not aligned with " + from;
      break;
    case Cause::kDkimNotActivated:
      text = ja ? from + " の DKIM 署名がありません"
                : "no DKIM signature for " + from;
      if (!seen.dkim_domains.empty()) {
        text += ja ? "（署名ドメイン: " + join(top(seen.dkim_domains, 3)) + "）"
                   : " (signed by " + join(top(seen.dkim_domains, 3)) + " instead)";
      }
      break;
    case Cause::kDkimKeyUnpublished:
      text = ja ? "DKIM 署名 d=" + join(top(seen.dkim_domains, 3)) + " s=" + join(top(seen.dkim_selectors, 4)) + " が " +
                      join(top(seen.dkim_results, 3)) + " です"
                : "DKIM signatures d=" + join(top(seen.dkim_domains, 3)) + " s=" + join(top(seen.dkim_selectors, 4)) +
                      " result " + join(top(seen.dkim_results, 3));
      break;
    case Cause::kSpfPermerror:
      text = ja ? from + " の SPF 評価が permerror です" : "SPF permerror for " + from;
      break;
    case Cause::kForwarded:
      text = !seen.reasons.empty()
                 ? (ja ? "受信側の判定理由: " : "receiver's reason: ") + join(top(seen.reasons, 3))
                 : (ja ? "DKIM は合格してアラインし、SPF は失敗しています（転送またはメーリングリスト）"
                       : "DKIM passes and aligns, SPF fails: forwarding or a mailing list");
      break;
    case Cause::kUnauthorized:
      text = ja ? "既知の送信サービスではなく、SPF と DKIM の両方が失敗しています"
                : "not a known sender; SPF and DKIM both fail";
      break;
    default:
      break;
  }
  if (a.sender != nullptr) {
    switch (a.identity.evidence) {
      case Evidence::kSpfPass:
        text += ja ? "。送信元の特定: 送信サービス自身のエンベロープドメインで SPF 合格"
                   : "; identified by an SPF pass for the sender's own envelope domain";
        break;
      case Evidence::kDkimPass:
        text += ja ? "。送信元の特定: 送信サービス自身の署名ドメインで DKIM 合格"
                   : "; identified by a DKIM pass for the sender's own signing domain";
        break;
      default:
        text += ja ? "。送信元の特定: 送信サービスの公開 IP レンジ"
                   : "; identified by the sender's published IP ranges";
        break;
    }
  }
  return text;
}

}  // namespace

const char* cause_id(Cause cause) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return "spf_include_missing";
    case Cause::kSpfNotAligned: return "spf_not_aligned";
    case Cause::kDkimNotActivated: return "dkim_not_activated";
    case Cause::kDkimKeyUnpublished: return "dkim_key_unpublished";
    case Cause::kSpfPermerror: return "spf_permerror";
    case Cause::kForwarded: return "forwarded";
    case Cause::kUnauthorized: return "unauthorized";
    case Cause::kPolicyNone: return "policy_none";
    case Cause::kPolicyPartial: return "policy_pct";
    case Cause::kSubdomainPolicyMissing: return "subdomain_policy_missing";
    case Cause::kEnforcementReadiness: return "enforcement_readiness";
  }
  return "unknown";
}

const char* severity_name(Severity severity) {
  switch (severity) {
    case Severity::kFail: return "fail";
    case Severity::kWarn: return "warn";
    case Severity::kInfo: return "info";
  }
  return "info";
}

std::string sender_key(const Identity& identity) {
  return identity.sender != nullptr ? identity.sender->id : "unknown";
}

std::vector<Cause> attribute_record(const RecordFacts& facts, const Identity& identity, bool strict_dkim,
                             bool strict_spf) {
  const std::string& from = facts.header_from.empty() ? facts.policy_domain : facts.header_from;
  const bool dmarc_pass = facts.dkim_aligned == "pass" || facts.spf_aligned == "pass";
  // A1: the receiver says it was forwarded, or trusted an ARC chain.
  if (std::any_of(facts.reasons.begin(), facts.reasons.end(), is_forward_reason)) return {Cause::kForwarded};

  bool customer_dkim = false;
  bool customer_dkim_pass = false;
  for (const report::DkimResult& dkim : facts.dkim) {
    if (!aligned(dkim.domain, from, strict_dkim)) continue;
    customer_dkim = true;
    customer_dkim_pass = customer_dkim_pass || dkim.result == "pass";
  }
  const report::SpfResult* mfrom = nullptr;
  for (const report::SpfResult& spf : facts.spf) {
    if (spf.scope != "helo") {
      mfrom = &spf;
      break;
    }
  }
  const bool spf_for_from = mfrom != nullptr && aligned(mfrom->domain, from, strict_spf);
  const bool permerror = spf_for_from && mfrom->result == "permerror";

  std::vector<Cause> causes;
  // A vendor's signature survives forwarding: a DKIM pass for its signing domain from
  // outside its ranges identifies the original sender, not this source.
  const bool vendor_elsewhere =
      identity.sender != nullptr && identity.evidence == Evidence::kDkimPass && !identity.in_range;
  if (identity.sender == nullptr || vendor_elsewhere) {
    if (dmarc_pass) {
      // A2: aligned DKIM survived while SPF failed, from a source outside the catalog.
      if (facts.dkim_aligned == "pass" && facts.spf_aligned != "pass") return {Cause::kForwarded};
      if (permerror) causes.push_back(Cause::kSpfPermerror);
      return causes;
    }
    if (vendor_elsewhere) return {Cause::kForwarded};
    // A3 (a list that broke the signature) is left to the receiver's reasons (A1): a
    // failing signature plus an SPF pass for another domain is trivial to forge, and
    // calling it forwarding would hide spoofing from the readiness share.
    if (permerror) causes.push_back(Cause::kSpfPermerror);
    causes.push_back(Cause::kUnauthorized);  // A17
    return causes;
  }
  // A known sender: each mechanism that does not align is a cause of its own.
  if (facts.spf_aligned != "pass") {
    if (permerror) {
      causes.push_back(Cause::kSpfPermerror);  // A4
    } else if (spf_for_from && is_spf_failure(mfrom->result)) {
      causes.push_back(Cause::kSpfIncludeMissing);  // A6, A10
    } else if (mfrom != nullptr && !spf_for_from && mfrom->result == "pass") {
      causes.push_back(Cause::kSpfNotAligned);  // A5 (with the DKIM cause), A9, A11
    }
  }
  if (facts.dkim_aligned != "pass") {
    causes.push_back(customer_dkim && !customer_dkim_pass ? Cause::kDkimKeyUnpublished  // A7, A12, A13
                                                          : Cause::kDkimNotActivated);  // A5, A8, A9
  }
  return causes;
}

core::Result<std::vector<Finding>> explain(store::Store& store, const store::RecordFilter& filter,
                                           const Catalog& catalog, Lang lang) {
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
  // Keyed by (domain, source, cause) packed into an integer. The source is the
  // catalog sender, or for unknown sources the IP (forwarders share one finding per
  // domain: nothing is to be done about any of them).
  const std::uint64_t forwarders = catalog.senders().size();
  const std::uint64_t first_ip = forwarders + 1;
  std::unordered_map<std::uint64_t, Accumulator> accumulators;
  std::vector<DomainTotals> totals(groups->domains.size());

  for (const store::RecordGroup& group : groups->groups) {
    const InternedFacts::Entry& entry = interned.entry(group.fact);
    const Identity& identity = interned.identity(entry);
    const store::PublishedPolicy* policy = policy_by_domain[group.domain];
    const bool strict_dkim = policy != nullptr && policy->adkim == "s";
    const bool strict_spf = policy != nullptr && policy->aspf == "s";
    const std::vector<Cause>& causes =
        interned.causes(entry, group.domain, groups->domains[group.domain], strict_dkim, strict_spf);
    const bool dmarc_pass = entry.dmarc_pass;

    DomainTotals& total = totals[group.domain];
    total.messages += group.messages;
    total.passed += dmarc_pass ? group.messages : 0;
    total.header_froms[entry.from] += group.messages;
    const bool excluded = std::any_of(causes.begin(), causes.end(), [](Cause c) {
      return c == Cause::kForwarded || c == Cause::kUnauthorized;
    });
    if (!excluded) {
      total.legitimate += group.messages;
      total.legitimate_passed += dmarc_pass ? group.messages : 0;
    }

    for (Cause cause : causes) {
      const std::uint64_t source =
          identity.sender != nullptr ? static_cast<std::uint64_t>(identity.sender - catalog.senders().data())
          : cause == Cause::kForwarded ? forwarders
                                       : first_ip + entry.ip;
      const std::uint64_t key = (static_cast<std::uint64_t>(group.domain) << 40) | (source << 8) |
                                static_cast<std::uint64_t>(cause);
      Accumulator& a = accumulators[key];
      a.domain = group.domain;
      a.sender = identity.sender;
      // The strongest identification among the records summed (SPF pass, then DKIM
      // pass, then IP range), so that the evidence does not depend on their order.
      if (!a.identified || identity.evidence < a.identity.evidence) a.identity = identity;
      a.identified = true;
      a.cause = cause;
      a.strict_dkim = strict_dkim;
      const Severity severity = severity_of(cause, dmarc_pass);
      if (a.messages == 0 || severity < a.severity) a.severity = severity;
      a.messages += group.messages;
      a.first_day = std::min(a.first_day, group.first_day);
      a.last_day = std::max(a.last_day, group.last_day);
      a.seen_ids.add(entry, group.messages);
    }
  }

  // Writing the evidence and fix of tens of thousands of findings is the larger part of
  // explain on a big store; each finding is independent, so the cores share them.
  std::vector<Accumulator*> pending;
  pending.reserve(accumulators.size());
  for (auto& [key, a] : accumulators) pending.push_back(&a);
  std::vector<Finding> findings(pending.size());
  auto write_findings = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const Accumulator& a = *pending[i];
      // Made and dropped here, on the thread of the finding: thousands of maps of
      // strings cost as much to free as to fill.
      const SeenValues seen = a.seen_ids.values(a.cause, interned, a.strict_dkim);
      Finding& finding = findings[i];
      finding.domain = groups->domains[a.domain];
      finding.sender = a.sender;
      finding.cause = a.cause;
      finding.severity = a.severity;
      finding.messages = a.messages;
      std::vector<std::pair<std::string, std::int64_t>> ips(seen.ips.begin(), seen.ips.end());
      std::stable_sort(ips.begin(), ips.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
      if (ips.size() > 10) ips.resize(10);
      finding.source_ips = std::move(ips);
      finding.first_day = a.first_day;
      finding.last_day = a.last_day;
      finding.evidence = evidence_of(a, seen, lang);
      const FixContext context = fix_context(finding.domain, a.sender, seen, policy_by_domain[a.domain]);
      finding.fix = fix_text(finding.cause, lang, context);
    }
  };
  core::for_each_share(pending.size(), write_findings);

  // Domain-level findings from the newest published policy.
  for (std::size_t index = 0; index < totals.size(); ++index) {
    const std::string& domain = groups->domains[index];
    const DomainTotals& total = totals[index];
    if (policy_by_domain[index] == nullptr) continue;
    const store::PublishedPolicy& policy = *policy_by_domain[index];
    FixContext context;
    context.domain = domain;
    Tally header_froms;
    for (const auto& [from, messages] : total.header_froms) header_froms[interned.from(from)] += messages;
    const std::vector<std::string> froms = top(header_froms, 1);
    context.header_from = froms.empty() ? domain : froms[0];
    context.policy = policy.p;
    context.pct = policy.pct.value_or(100);
    context.pass_share = total.legitimate > 0 ? 100.0 * static_cast<double>(total.legitimate_passed) /
                                                    static_cast<double>(total.legitimate)
                                              : 100.0;
    auto add = [&](Cause cause, Severity severity, const std::string& evidence_en, const std::string& evidence_ja) {
      Finding finding;
      finding.domain = domain;
      finding.cause = cause;
      finding.severity = severity;
      finding.messages = total.messages;
      finding.evidence = lang == Lang::kJa ? evidence_ja : evidence_en;
      finding.fix = fix_text(cause, lang, context);
      findings.push_back(std::move(finding));
    };
    if (policy.p == "none" || policy.p.empty()) {
      add(Cause::kPolicyNone, Severity::kWarn,
          "published policy p=" + (policy.p.empty() ? std::string("(none)") : policy.p),
          "公開ポリシーは p=" + (policy.p.empty() ? std::string("（なし）") : policy.p) + "。");
    }
    if (policy.pct && *policy.pct < 100) {
      add(Cause::kPolicyPartial, Severity::kWarn, "pct=" + std::to_string(*policy.pct),
          "pct=" + std::to_string(*policy.pct) + "。");
    }
    if (policy.sp.empty() && policy.np.empty()) {
      add(Cause::kSubdomainPolicyMissing, Severity::kInfo, "no sp= and no np= in the published policy",
          "公開ポリシーに sp= も np= もありません。");
    }
    // The unrounded share decides; the text shows it rounded down, so that 97.96%
    // never reads as a ready "98".
    const std::string share = format_share(context.pass_share);
    const std::string ready = format_share(kEnforcementReadyShare);
    add(Cause::kEnforcementReadiness,
        context.pass_share >= kEnforcementReadyShare ? Severity::kInfo : Severity::kWarn,
        share + "% of " + with_thousands(total.legitimate) +
            " legitimate messages pass DMARC (forwarded and unauthorized mail excluded; ready at " +
            ready + "%)",
        "正規のメール " + with_thousands(total.legitimate) + " 通のうち " + share +
            "% が DMARC に合格しています（転送・なりすましを除く。" + ready + "% 以上で移行可）。");
  }

  // A total order, so that output never depends on hash map iteration.
  static const std::string kNoSource;
  auto source_of = [](const Finding& f) -> const std::string& {
    return f.sender != nullptr ? f.sender->id : f.source_ips.empty() ? kNoSource : f.source_ips.front().first;
  };
  std::sort(findings.begin(), findings.end(), [&](const Finding& a, const Finding& b) {
    if (a.domain != b.domain) return a.domain < b.domain;
    if (a.severity != b.severity) return a.severity < b.severity;
    if (a.messages != b.messages) return a.messages > b.messages;
    if (a.cause != b.cause) return a.cause < b.cause;
    return source_of(a) < source_of(b);
  });
  return findings;
}

}  // namespace dmarcq::analysis
