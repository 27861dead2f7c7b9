// The fixes of the domain's published policy (p=none, pct=, t=y, no sp=, readiness
// for enforcement), one implementation for every language: the choices are made here,
// the wording comes from schema/text/<lang>.toml.
#include <string>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {
namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

std::string readiness_clause(Lang lang, const FixContext& context) {
  if (!context.readiness_known) return text(lang, "fix.readiness.unknown");
  const bool ready = context.pass_share >= kEnforcementReadyShare;
  return text(lang, "fix.readiness.known",
              {{"share", format_share(context.pass_share)},
               {"verdict", text(lang, ready ? "fix.readiness.ready" : "fix.readiness.not_ready")},
               {"threshold", format_share(kEnforcementReadyShare)}});
}

std::vector<std::string> bulk_sender_checklist(Lang lang, const FixContext& context) {
  std::vector<std::string> lines = {
      text(lang, "fix.bulk.heading", {{"domain", policy_domain(context)}})};
  for (const BulkRuleState& state : bulk_sender_rules(context)) {
    const char* mark = state.shown == Shown::kMet      ? "fix.bulk.met"
                       : state.shown == Shown::kNotMet ? "fix.bulk.not_met"
                                                       : "fix.bulk.not_in_reports";
    const char* rule = "";
    switch (state.rule) {
      case BulkRule::kDmarcRecord: rule = "fix.bulk.dmarc_record"; break;
      case BulkRule::kSpfPass: rule = "fix.bulk.spf_pass"; break;
      case BulkRule::kDkimPass: rule = "fix.bulk.dkim_pass"; break;
      case BulkRule::kAligned: rule = "fix.bulk.aligned"; break;
      case BulkRule::kUnsubscribe: rule = "fix.bulk.unsubscribe"; break;
      case BulkRule::kSpamRate: rule = "fix.bulk.spam_rate"; break;
    }
    const bool shared = state.shown != Shown::kNotInReports && state.rule != BulkRule::kDmarcRecord;
    lines.push_back(text(lang, shared ? "fix.bulk.item_share" : "fix.bulk.item",
                         {{"mark", text(lang, mark)},
                          {"rule", text(lang, rule)},
                          {"share", format_share(state.share)}}));
  }
  return lines;
}

FixParts policy_none(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string readiness = readiness_clause(lang, context);
  FixParts out;
  out.summary = text(lang, "fix.policy_none.summary", {{"domain", p}});
  const FixStep reject{"reject", text(lang, "fix.policy_none.reject")};
  if (ready_for_enforcement(context)) {
    out.steps = {
        {"quarantine",
         text(lang, "fix.policy_none.quarantine_ready", {{"readiness", readiness}, {"domain", p}}),
         {dmarc_record(context, "quarantine")}},
        reject,
    };
  } else {
    out.steps = {
        {"fix-sources", text(lang, "fix.policy_none.fix_sources", {{"readiness", readiness}})},
        {"quarantine",
         text(lang, "fix.policy_none.quarantine_then", {{"domain", p}}),
         {dmarc_record(context, "quarantine")}},
        reject,
    };
  }
  out.notes = bulk_sender_checklist(lang, context);
  return out;
}

FixParts policy_partial(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = published_policy(context);
  const std::string pct = std::to_string(context.pct);
  const std::string rest = policy == "reject"       ? text(lang, "fix.policy_pct.rest_reject")
                           : policy == "quarantine" ? text(lang, "fix.policy_pct.rest_quarantine")
                                                    : std::string();
  FixParts out;
  out.summary = text(lang, "fix.policy_pct.summary",
                     {{"domain", p}, {"pct", pct}, {"policy", policy}, {"rest", rest}});
  out.steps = {
      {"pct", text(lang, "fix.policy_pct.raise")},
      {"pct-record",
       text(lang, "fix.policy_pct.record", {{"domain", p}}),
       {dmarc_record(context, policy)}},
  };
  return out;
}

FixParts policy_testing(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = published_policy(context);
  const char* applied = policy == "reject"       ? "fix.policy_testing.applied_reject"
                        : policy == "quarantine" ? "fix.policy_testing.applied_quarantine"
                                                 : "fix.policy_testing.applied_none";
  FixParts out;
  out.summary = text(lang, "fix.policy_testing.summary",
                     {{"domain", p}, {"policy", policy}, {"applied", text(lang, applied)}});
  out.steps = {
      {"testing-off",
       text(lang,
            ready_for_enforcement(context) ? "fix.policy_testing.off_ready"
                                           : "fix.policy_testing.off_later",
            {{"domain", p}, {"readiness", readiness_clause(lang, context)}}),
       {dmarc_record(context, policy)}},
  };
  return out;
}

FixParts subdomain_policy_missing(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = published_policy(context);
  FixParts out;
  out.summary = text(lang, "fix.subdomain_policy.summary", {{"domain", p}, {"policy", policy}});
  out.steps = {
      {"sp", text(lang, "fix.subdomain_policy.sp")},
      {"np", text(lang, "fix.subdomain_policy.np")},
      {"sp-example",
       text(lang, "fix.subdomain_policy.example"),
       {dmarc_record(context, policy, policy, "np=reject; ")}},
  };
  return out;
}

FixParts enforcement_readiness(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  FixParts out;
  if (!context.readiness_known) {
    out.summary = text(lang, "fix.readiness.unknown_summary", {{"domain", p}});
    out.steps = {
        {"identify", text(lang, "fix.readiness.identify", {{"domain", p}})},
        {"no-mail",
         text(lang, "fix.readiness.no_mail", {{"domain", p}}),
         {dmarc_record(context, "reject"), DnsRecord{"TXT", p, "v=spf1 -all", "", "", ""}}},
    };
    return out;
  }
  const bool ready = context.pass_share >= kEnforcementReadyShare;
  out.summary = text(lang, "fix.readiness.summary",
                     {{"share", format_share(context.pass_share)},
                      {"domain", p},
                      {"verdict", text(lang, ready ? "fix.readiness.summary_ready"
                                                   : "fix.readiness.summary_not_ready")},
                      {"threshold", format_share(kEnforcementReadyShare)}});
  const bool enforced = (context.policy == "reject" || context.policy == "quarantine");
  const bool partial = context.pct < 100 || context.testing;
  std::string loosened;  // the tags that keep the policy from applying in full
  if (context.pct < 100) loosened = "pct=" + std::to_string(context.pct);
  if (context.testing) {
    loosened += (loosened.empty() ? "" : text(lang, "fix.readiness.tag_separator")) + "t=y";
  }
  const FixStep watch{"watch", text(lang, "fix.readiness.watch")};
  const FixStep fix_sources{"fix-sources", text(lang, "fix.readiness.fix_sources")};
  if (ready) {
    if (context.policy == "reject" && !partial) {
      out.steps = {{"keep-reject", text(lang, "fix.readiness.keep_reject")}};
    } else if (enforced && partial) {
      out.steps = {{"full-policy",
                    text(lang,
                         context.policy == "quarantine" ? "fix.readiness.full_policy_quarantine"
                                                        : "fix.readiness.full_policy",
                         {{"tags", loosened}, {"domain", p}, {"policy", context.policy}}),
                    {dmarc_record(context, context.policy)}},
                   watch};
    } else if (context.policy == "quarantine") {
      out.steps = {{"to-reject",
                    text(lang, "fix.readiness.to_reject", {{"domain", p}}),
                    {dmarc_record(context, "reject")}},
                   watch};
    } else {
      out.steps = {{"to-quarantine",
                    text(lang, "fix.readiness.to_quarantine", {{"domain", p}}),
                    {dmarc_record(context, "quarantine")}},
                   watch};
    }
  } else if (enforced && !(context.policy == "quarantine" && context.testing)) {
    // t=y applies the policy one step lower; pct= to a share of the mail only.
    const bool rejects = context.policy == "reject" && !context.testing;
    out.summary += text(
        lang, "fix.readiness.enforced",
        {{"policy", context.policy},
         {"tags", loosened.empty()
                      ? std::string()
                      : text(lang, "fix.readiness.enforced_tags", {{"tags", loosened}})},
         {"action",
          text(lang, rejects ? "fix.readiness.enforced_rejects" : "fix.readiness.enforced_spam")},
         {"some", context.pct < 100 ? text(lang, "fix.readiness.enforced_some") : std::string()}});
    out.steps = {fix_sources};
  } else {
    out.steps = {fix_sources,
                 {"enforce-later", text(lang, "fix.readiness.enforce_later",
                                        {{"threshold", format_share(kEnforcementReadyShare)}})}};
  }
  return out;
}

}  // namespace

FixParts domain_fix_parts(Cause cause, Lang lang, const FixContext& context) {
  switch (cause) {
    case Cause::kPolicyNone: return policy_none(lang, context);
    case Cause::kPolicyPartial: return policy_partial(lang, context);
    case Cause::kPolicyTesting: return policy_testing(lang, context);
    case Cause::kSubdomainPolicyMissing: return subdomain_policy_missing(lang, context);
    case Cause::kEnforcementReadiness: return enforcement_readiness(lang, context);
    default: return {};
  }
}

}  // namespace dmarcq::analysis
