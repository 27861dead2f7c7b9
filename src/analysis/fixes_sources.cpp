// The fixes of mail that is not a sender of the customer's: forwarded mail, unknown
// sources, the receivers' own failures, and a broken SPF record, which fails every
// source alike. One implementation for every language: the choices are made here, the
// wording comes from schema/text/<lang>.toml.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {
namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

// " (a, b)" or "（a、b）" after a noun; "" for no items.
std::string parenthesised(Lang lang, const std::vector<std::string>& items, bool more = false) {
  std::string joined = join(items, text(lang, "fix.list.separator"));
  if (joined.empty()) return {};
  if (more) joined += text(lang, "fix.list.more");
  return text(lang, "fix.list.parenthesised", {{"items", joined}});
}

FixParts spf_permerror(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string record = first_or(context.spf_domains, h);
  FixParts out;
  if (context.spf_results.size() == 1 && context.spf_results[0] == "temperror") {
    // temperror seen by several receivers for days: the DNS behind the record fails.
    out.summary = text(lang, "fix.spf_permerror.temperror_summary", {{"record", record}});
    out.steps = {
        {"spf-dns-servers", text(lang, "fix.spf_permerror.dns_servers", {{"record", record}})},
        {"spf-includes-resolve", text(lang, "fix.spf_permerror.includes_resolve")},
    };
    out.checks.push_back(text(lang, "fix.spf_permerror.temperror_check", {{"domain", h}}));
    return out;
  }
  out.summary = text(lang, "fix.spf_permerror.summary", {{"record", record}, {"domain", h}});
  out.steps = {
      {"spf-count", text(lang, "fix.spf_permerror.count")},
      {"spf-trim", text(lang, "fix.spf_permerror.trim")},
      {"spf-subdomains",
       text(lang, "fix.spf_permerror.subdomains", {{"policy_domain", policy_domain(context)}})},
      {"spf-one-record",
       text(lang, "fix.spf_permerror.one_record", {{"record", record}}),
       {DnsRecord{"", record, "", "", "TXT", "\"v=spf1 … ~all\""}}},
  };
  out.checks.push_back(text(lang, "fix.spf_permerror.permerror_check", {{"domain", h}}));
  return out;
}

FixParts forwarded(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  FixParts out;
  // What the reports say of DKIM decides the sentence: an intact signature must not be
  // called failing next to evidence that says it passes.
  out.summary = text(lang,
                     context.dkim_really_passes ? "fix.forwarded.summary_dkim_intact"
                                                : "fix.forwarded.summary_dkim_broken",
                     {{"domain", h}, {"ips", parenthesised(lang, context.source_ips)}});
  out.steps = {
      {"keep-dkim", text(lang, "fix.forwarded.keep_dkim", {{"domain", h}})},
      {"no-forwarder-spf", text(lang, "fix.forwarded.no_forwarder_spf", {{"domain", h}})},
      {"arc", text(lang, "fix.forwarded.arc")},
  };
  return out;
}

// The policy that applies to the From domain: sp= for a subdomain when published.
std::string effective_policy(const FixContext& context) {
  const bool subdomain = from_domain(context) != policy_domain(context);
  const std::string& policy =
      subdomain && !context.subdomain_policy.empty() ? context.subdomain_policy : context.policy;
  return policy.empty() ? std::string("none") : policy;
}

// Receivers already refuse mail that fails DMARC: nothing left to do about it.
bool fully_enforced(const FixContext& context) {
  return effective_policy(context) == "reject" && context.pct >= 100 && !context.testing;
}

// What the published policy still lacks for mail that fails DMARC to be refused.
std::string enforcement_step(Lang lang, const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = effective_policy(context);
  std::vector<std::string> tags;  // what keeps receivers from applying the policy in full
  if (context.pct < 100) tags.push_back("pct=" + std::to_string(context.pct));
  if (context.testing) tags.push_back("t=y");
  const std::string tag =
      from_domain(context) != p && !context.subdomain_policy.empty() ? "sp" : "p";
  if (policy != "reject" && policy != "quarantine") {
    return text(lang, "fix.unauthorized.enforce_move", {{"domain", p}, {"tag", tag}});
  }
  if (!tags.empty()) {
    return text(lang,
                policy == "quarantine" ? "fix.unauthorized.enforce_loosened_quarantine"
                                       : "fix.unauthorized.enforce_loosened",
                {{"domain", p},
                 {"policy", policy},
                 {"tags", join(tags, text(lang, "fix.readiness.tag_separator"))}});
  }
  return text(lang,
              policy == "reject" ? "fix.unauthorized.enforce_reject"
                                 : "fix.unauthorized.enforce_quarantine",
              {{"domain", p}});
}

FixParts unauthorized(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::int64_t sources = context.source_count > 0
                                   ? context.source_count
                                   : static_cast<std::int64_t>(context.source_ips.size());
  const bool more = sources > static_cast<std::int64_t>(context.source_ips.size());
  const std::string separator = text(lang, "fix.list.separator");
  FixParts out;
  out.summary =
      text(lang, sources == 1 ? "fix.unauthorized.summary_one" : "fix.unauthorized.summary_many",
           {{"count", with_thousands(sources)},
            {"ips", parenthesised(lang, context.source_ips, more)},
            {"domain", h}});
  if (context.own_domain_messages > 0) {
    out.summary += text(lang, "fix.unauthorized.own_domain",
                        {{"own", with_thousands(context.own_domain_messages)},
                         {"total", with_thousands(context.messages)},
                         {"domains", parenthesised(lang, context.own_domains)},
                         {"domain", h}});
  }
  if (context.platform_messages > 0) {
    out.summary += text(lang, "fix.unauthorized.platform",
                        {{"platform", with_thousands(context.platform_messages)},
                         {"total", with_thousands(context.messages)},
                         {"platforms", join(context.platforms, separator)},
                         {"domain", h}});
  }
  out.steps = {{"recognise", text(lang, "fix.unauthorized.recognise", {{"domain", h}})}};
  if (context.platform_messages > 0) {
    out.steps.push_back({"no-platform-include",
                         text(lang, "fix.unauthorized.no_platform_include",
                              {{"platforms", join(context.platforms, separator)}, {"domain", h}})});
  }
  out.steps.push_back({"spoofing", text(lang, "fix.unauthorized.spoofing")});
  if (fully_enforced(context)) {
    out.notes.push_back(enforcement_step(lang, context));  // nothing left to do: not a step
  } else {
    out.steps.push_back({"enforce", enforcement_step(lang, context)});
  }
  return out;
}

FixParts transient(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  FixParts out;
  out.summary = text(lang, "fix.transient.summary", {{"domain", h}});
  out.notes.push_back(text(lang, "fix.transient.note", {{"domain", h}}));
  return out;
}

}  // namespace

FixParts source_fix_parts(Cause cause, Lang lang, const FixContext& context) {
  switch (cause) {
    case Cause::kSpfPermerror: return spf_permerror(lang, context);
    case Cause::kForwarded: return forwarded(lang, context);
    case Cause::kUnauthorized: return unauthorized(lang, context);
    case Cause::kTransient: return transient(lang, context);
    default: return {};
  }
}

}  // namespace dmarcq::analysis
