// The evidence texts: facts from the reports, never advice (that is the fix's job).
// Both languages pick the same values; only the words differ.
#include "analysis/evidence.h"

#include <algorithm>
#include <set>

#include "analysis/fix_helpers.h"

namespace dmarcq::analysis {

namespace {

using fix_helpers::join;
using fix_helpers::with_thousands;

// The failing results behind a transient cause: the From domain's failing signatures,
// else the envelope's SPF results that did not pass.
std::vector<std::string> transient_results(const SeenValues& seen) {
  std::vector<std::string> results;
  for (const std::string& result : top(seen.dkim_results, 3)) results.push_back("DKIM " + result);
  if (results.empty()) {
    for (const std::string& result : top(seen.spf_results, 3)) {
      if (result != "pass") results.push_back("SPF " + result);
    }
  }
  return results;
}

std::string evidence_en(Cause cause, const SeenValues& seen, const FixContext& context) {
  const std::string from = fix_helpers::from_domain(context);
  switch (cause) {
    case Cause::kSpfIncludeMissing: {
      const std::string envelope =
          top(seen.spf_domains, 1).empty() ? from : top(seen.spf_domains, 1)[0];
      const bool no_record =
          seen.spf_results.size() == 1 && seen.spf_results.begin()->first == "none";
      return "SPF " + join(top(seen.spf_results, 3)) + " for " + envelope +
             (no_record ? " (no SPF record)" : " (the source IPs are not in its SPF record)");
    }
    case Cause::kSpfNotAligned: {
      std::string text =
          "SPF is evaluated for " + join(top(seen.spf_domains, 3)) + ", not aligned with " + from;
      if (context.strict_spf) text += " under aspf=s (strict alignment)";
      if (context.dkim_really_passes) text += "; DMARC passes on DKIM";
      return text;
    }
    case Cause::kDkimNotActivated:
      if (context.strict_dkim) {
        return "DKIM passes for d=" + join(top(seen.dkim_domains, 3)) + ", not aligned with " +
               from + " under adkim=s (strict alignment)";
      }
      return "no DKIM signature for " + from +
             (seen.dkim_domains.empty()
                  ? ""
                  : " (signed by " + join(top(seen.dkim_domains, 3)) + " instead)");
    case Cause::kDkimKeyUnpublished:
      return "DKIM signatures d=" + join(top(seen.dkim_domains, 3)) +
             " s=" + join(top(seen.dkim_selectors, 4)) + " result " +
             join(top(seen.dkim_results, 3));
    case Cause::kSpfPermerror: return "SPF permerror for " + from;
    case Cause::kForwarded:
      if (!seen.reasons.empty()) return "receiver's reason: " + join(top(seen.reasons, 3));
      return "mail from " + from + " relayed by a server that is not its sender (envelope " +
             join(top(seen.spf_domains, 3)) + "): forwarding or a mailing list";
    case Cause::kUnauthorized: {
      std::string text = "not identified as your senders: " + with_thousands(context.source_count) +
                         (context.source_count == 1 ? " source, " : " sources, ") +
                         with_thousands(context.messages) + " messages failing DMARC";
      if (context.own_domain_messages > 0) {
        text += "; " + with_thousands(context.own_domain_messages) +
                " pass SPF or DKIM for the sender's own domain (" + join(context.own_domains) +
                "), not aligned";
      }
      if (context.platform_messages > 0) {
        text += "; " + with_thousands(context.platform_messages) + " from other accounts on " +
                join(context.platforms);
      }
      if (context.own_domain_messages == 0 && context.platform_messages == 0) {
        text += "; none passes SPF or DKIM for any domain";
      }
      return text;
    }
    case Cause::kTransient:
      if (transient_results(seen).empty())
        return "DMARC verdicts that the reporters' own SPF or DKIM results contradict";
      return "failures only at the receivers (" + join(transient_results(seen)) +
             "): DNS timeouts, results other reporters contradicted for the same source on the "
             "same days, or "
             "verdicts the reporter's own results contradict";
    default: return {};
  }
}

std::string evidence_ja(Cause cause, const SeenValues& seen, const FixContext& context) {
  const std::string from = fix_helpers::from_domain(context);
  switch (cause) {
    case Cause::kSpfIncludeMissing: {
      const std::string envelope =
          top(seen.spf_domains, 1).empty() ? from : top(seen.spf_domains, 1)[0];
      const bool no_record =
          seen.spf_results.size() == 1 && seen.spf_results.begin()->first == "none";
      return envelope + " の SPF 評価が " + join(top(seen.spf_results, 3)) +
             (no_record ? "（SPF レコードがありません）"
                        : "（送信元 IP が SPF レコードにありません）");
    }
    case Cause::kSpfNotAligned: {
      std::string text =
          "SPF の評価対象は " + join(top(seen.spf_domains, 3)) + " で、" + from + " と整合しません";
      if (context.strict_spf) text += "（aspf=s: 厳格なアライメント（整合））";
      if (context.dkim_really_passes) text += "。DKIM で DMARC に成功しています";
      return text;
    }
    case Cause::kDkimNotActivated:
      if (context.strict_dkim) {
        return "DKIM は d=" + join(top(seen.dkim_domains, 3)) +
               " で成功していますが、adkim=s（厳格なアライメント（整合））のため " + from +
               " と整合しません";
      }
      return from + " の DKIM 署名がありません" +
             (seen.dkim_domains.empty()
                  ? ""
                  : "（署名ドメイン：" + join(top(seen.dkim_domains, 3)) + "）");
    case Cause::kDkimKeyUnpublished:
      return "DKIM 署名 d=" + join(top(seen.dkim_domains, 3)) +
             " s=" + join(top(seen.dkim_selectors, 4)) + " が " + join(top(seen.dkim_results, 3)) +
             " です";
    case Cause::kSpfPermerror: return from + " の SPF 評価が permerror です";
    case Cause::kForwarded:
      if (!seen.reasons.empty()) return "受信側の判定理由：" + join(top(seen.reasons, 3));
      return from + " のメールを送信者以外のサーバーが中継しています（エンベロープ " +
             join(top(seen.spf_domains, 3)) + "）。転送またはメーリングリストです";
    case Cause::kUnauthorized: {
      std::string text = "送信サービスとして確認できない送信元 " +
                         with_thousands(context.source_count) + " 件、DMARC に失敗したメール " +
                         with_thousands(context.messages) + " 通";
      if (context.own_domain_messages > 0) {
        text += "。うち " + with_thousands(context.own_domain_messages) +
                " 通は送信元自身のドメイン（" + join(context.own_domains) +
                "）で SPF または DKIM に成功しています（整合なし）";
      }
      if (context.platform_messages > 0) {
        text += "。うち " + with_thousands(context.platform_messages) + " 通は " +
                join(context.platforms) + " の別のアカウントからです";
      }
      if (context.own_domain_messages == 0 && context.platform_messages == 0) {
        text += "。どのドメインでも SPF・DKIM に成功していません";
      }
      return text;
    }
    case Cause::kTransient:
      if (transient_results(seen).empty())
        return "受信側自身の SPF・DKIM の結果と矛盾する DMARC の判定です";
      return "受信側だけの失敗です（" + join(transient_results(seen)) +
             "）。DNS "
             "のタイムアウト、同じ日の同じ送信元を他の受信側が成功と判定したもの、または受信側自身"
             "の結果と矛盾する判定です";
    default: return {};
  }
}

}  // namespace

std::string cause_evidence(Cause cause, const SeenValues& seen, const FixContext& context,
                           Lang lang) {
  return lang == Lang::kJa ? evidence_ja(cause, seen, context) : evidence_en(cause, seen, context);
}

std::string join_evidence(const std::vector<std::string>& parts, Lang lang) {
  return join(parts, lang == Lang::kJa ? "。" : "; ");
}

std::string identification_clause(Evidence evidence, Lang lang) {
  const bool ja = lang == Lang::kJa;
  switch (evidence) {
    case Evidence::kSpfPass:
      return ja ? "。送信元の特定：送信サービス自身のエンベロープドメインで SPF に成功"
                : "; identified by an SPF pass for the sender's own envelope domain";
    case Evidence::kDkimPass:
      return ja ? "。送信元の特定：送信サービス自身の署名ドメインで DKIM に成功"
                : "; identified by a DKIM pass for the sender's own signing domain";
    default:
      return ja ? "。送信元の特定：送信サービスの公開 IP レンジ"
                : "; identified by the sender's published IP ranges";
  }
}

std::string platforms_clause(const std::vector<FindingSource>& sources, Lang lang) {
  std::vector<std::string> names;
  for (const FindingSource& source : sources) {
    if (!source.platform.empty() &&
        std::find(names.begin(), names.end(), source.platform) == names.end()) {
      names.push_back(source.platform);
    }
  }
  if (names.empty()) return {};
  return lang == Lang::kJa ? "。経由したサーバー：" + join(names)
                           : "; through the servers of " + join(names);
}

std::vector<std::string> own_domains(const SeenValues& seen, std::size_t limit) {
  Tally domains = seen.spf_domains;
  for (const auto& [domain, messages] : seen.dkim_domains) domains[domain] += messages;
  return top(domains, limit);
}

std::vector<DomainEvidence> domain_evidence(const store::PublishedPolicy& policy,
                                            const FixContext& context, std::int64_t legitimate,
                                            Lang lang) {
  const bool ja = lang == Lang::kJa;
  std::vector<DomainEvidence> out;
  if (policy.p == "none" || policy.p.empty()) {
    const std::string p =
        policy.p.empty() ? (ja ? std::string("（なし）") : std::string("(none)")) : policy.p;
    out.push_back({Cause::kPolicyNone, Severity::kWarn,
                   ja ? "公開ポリシーは p=" + p + " です。" : "published policy p=" + p});
  }
  if (policy.pct && *policy.pct < 100) {
    const std::string pct = "pct=" + std::to_string(*policy.pct);
    out.push_back(
        {Cause::kPolicyPartial, Severity::kWarn, ja ? "公開ポリシーは " + pct + " です。" : pct});
  }
  // t=y lowers p=quarantine and p=reject one step; with p=none it changes nothing.
  if (policy.testing == "y" && (policy.p == "quarantine" || policy.p == "reject")) {
    out.push_back({Cause::kPolicyTesting, Severity::kWarn,
                   ja ? "公開ポリシーは testing=y（テストモード）です。"
                      : "published policy testing=y (test mode)"});
  }
  if (policy.sp.empty() && policy.np.empty()) {
    out.push_back({Cause::kSubdomainPolicyMissing, Severity::kInfo,
                   ja ? "公開ポリシーに sp= も np= もありません。"
                      : "no sp= and no np= in the published policy"});
  }
  const std::string ready = format_share(kEnforcementReadyShare);
  if (!context.readiness_known) {
    out.push_back(
        {Cause::kEnforcementReadiness, Severity::kInfo,
         ja ? "正規のメールが確認できないため、移行準備の状況は不明です（転送・なりすましを除く）。"
            : "readiness unknown: no legitimate messages (forwarded and unauthorized mail "
              "excluded)"});
    return out;
  }
  // The unrounded share decides; the text shows it rounded down, so that 97.96% never
  // reads as a ready "98".
  const std::string share = format_share(context.pass_share);
  const Severity severity =
      context.pass_share >= kEnforcementReadyShare ? Severity::kInfo : Severity::kWarn;
  out.push_back({Cause::kEnforcementReadiness, severity,
                 ja ? "正規のメール " + with_thousands(legitimate) + " 通のうち " + share +
                          "% が DMARC に成功しています（" +
                          (context.receivers_only > 0
                               ? "受信側だけで失敗した " + with_thousands(context.receivers_only) +
                                     " 通は成功として数えます。"
                               : std::string()) +
                          "転送・なりすましを除く。" + ready + "% 以上で移行可）。"
                    : share + "% of " + with_thousands(legitimate) +
                          " legitimate messages pass DMARC (" +
                          (context.receivers_only > 0
                               ? with_thousands(context.receivers_only) +
                                     " that failed only at receivers counted as passing; "
                               : std::string()) +
                          "forwarded and unauthorized mail excluded; ready at " + ready + "%)"});
  return out;
}

}  // namespace dmarcq::analysis
