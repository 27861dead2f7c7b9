#include "analysis/texts.h"

#include <toml++/toml.h>

#include <map>
#include <vector>

namespace dmarcq::analysis {

std::string_view builtin_text_en();  // generated from schema/text/en.toml
std::string_view builtin_text_ja();  // generated from schema/text/ja.toml

namespace {

constexpr TextSpec kSpecs[] = {
    {"severity.fail", ""},
    {"severity.warn", ""},
    {"severity.info", ""},
    {"severity.ok", ""},
    {"cause.spf_include_missing", ""},
    {"cause.spf_not_aligned", ""},
    {"cause.dkim_not_activated", ""},
    {"cause.dkim_key_unpublished", ""},
    {"cause.spf_permerror", ""},
    {"cause.forwarded", ""},
    {"cause.unauthorized", ""},
    {"cause.transient", ""},
    {"cause.policy_none", ""},
    {"cause.policy_pct", ""},
    {"cause.policy_testing", ""},
    {"cause.subdomain_policy_missing", ""},
    {"cause.enforcement_readiness", ""},
    {"digest.week", ""},
    {"digest.domain", ""},
    {"digest.sender", ""},
    {"digest.sender_name", ""},
    {"digest.source_ips", ""},
    {"digest.messages", ""},
    {"digest.dmarc_pass", ""},
    {"digest.dmarc_fail", ""},
    {"digest.pass_rate", ""},
    {"digest.spf_aligned_pass", ""},
    {"digest.dkim_aligned_pass", ""},
    {"digest.quarantined", ""},
    {"digest.rejected", ""},
    {"digest.causes", ""},
    {"digest.severity", ""},
    {"digest.fix", ""},
    {"digest.messages_prev_week", ""},
    {"digest.pass_rate_prev_week", ""},
    {"digest.pass_rate_change", ""},
    {"digest.cause_separator", ""},
    {"digest.forwarders", ""},
    {"digest.unknown", ""},
    {"digest.reporters", ""},
    {"digest.reporters_prev_week", ""},
    {"digest.all_mail", ""},
    {"digest.findings_separator", ""},
    {"fix.dns_check_first", ""},
    {"fix.dns_check_again", ""},
    {"fix.reports_check", ""},
    {"fix.run_again", ""},
    {"fix.record_name", "name"},
    {"fix.record_type", "type"},
    {"fix.record_value", "value"},
    {"fix.record_other_value", "value"},
    {"fix.host_field", "host"},
    {"fix.host_field_apex", ""},
    {"fix.other_answer", "value"},
    {"fix.or_title", ""},
    {"fix.before_dns", "zone"},
    {"fix.readiness.unknown", ""},
    {"fix.readiness.known", "share threshold verdict"},
    {"fix.readiness.ready", ""},
    {"fix.readiness.not_ready", ""},
    {"fix.readiness.unknown_summary", "domain"},
    {"fix.readiness.identify", "domain"},
    {"fix.readiness.no_mail", "domain"},
    {"fix.readiness.summary", "domain share threshold verdict"},
    {"fix.readiness.summary_ready", ""},
    {"fix.readiness.summary_not_ready", ""},
    {"fix.readiness.tag_separator", ""},
    {"fix.readiness.keep_reject", ""},
    {"fix.readiness.full_policy", "domain policy tags"},
    {"fix.readiness.full_policy_quarantine", "domain policy tags"},
    {"fix.readiness.watch", ""},
    {"fix.readiness.to_reject", "domain"},
    {"fix.readiness.to_quarantine", "domain"},
    {"fix.readiness.enforced", "action policy some tags"},
    {"fix.readiness.enforced_tags", "tags"},
    {"fix.readiness.enforced_some", ""},
    {"fix.readiness.enforced_rejects", ""},
    {"fix.readiness.enforced_spam", ""},
    {"fix.readiness.fix_sources", ""},
    {"fix.readiness.enforce_later", "threshold"},
    {"fix.bulk.heading", "domain"},
    {"fix.bulk.item", "mark rule"},
    {"fix.bulk.item_share", "mark rule share"},
    {"fix.bulk.met", ""},
    {"fix.bulk.not_met", ""},
    {"fix.bulk.not_in_reports", ""},
    {"fix.bulk.dmarc_record", ""},
    {"fix.bulk.spf_pass", ""},
    {"fix.bulk.dkim_pass", ""},
    {"fix.bulk.aligned", ""},
    {"fix.bulk.unsubscribe", ""},
    {"fix.bulk.spam_rate", ""},
    {"fix.policy_none.summary", "domain"},
    {"fix.policy_none.quarantine_ready", "domain readiness"},
    {"fix.policy_none.fix_sources", "readiness"},
    {"fix.policy_none.quarantine_then", "domain"},
    {"fix.policy_none.reject", ""},
    {"fix.policy_pct.summary", "domain pct policy rest"},
    {"fix.policy_pct.rest_reject", ""},
    {"fix.policy_pct.rest_quarantine", ""},
    {"fix.policy_pct.raise", ""},
    {"fix.policy_pct.record", "domain"},
    {"fix.policy_testing.summary", "applied domain policy"},
    {"fix.policy_testing.applied_reject", ""},
    {"fix.policy_testing.applied_quarantine", ""},
    {"fix.policy_testing.applied_none", ""},
    {"fix.policy_testing.off_ready", "domain readiness"},
    {"fix.policy_testing.off_later", "domain readiness"},
    {"fix.subdomain_policy.summary", "domain policy"},
    {"fix.subdomain_policy.sp", ""},
    {"fix.subdomain_policy.np", ""},
    {"fix.subdomain_policy.example", ""},
    {"fix.list.separator", ""},
    {"fix.list.more", ""},
    {"fix.list.parenthesised", "items"},
    {"fix.forwarded.summary_dkim_intact", "domain ips"},
    {"fix.forwarded.summary_dkim_broken", "domain ips"},
    {"fix.forwarded.keep_dkim", "domain"},
    {"fix.forwarded.no_forwarder_spf", "domain"},
    {"fix.forwarded.arc", ""},
    {"fix.transient.summary", "domain"},
    {"fix.transient.note", "domain"},
    {"fix.spf_permerror.temperror_summary", "record"},
    {"fix.spf_permerror.dns_servers", "record"},
    {"fix.spf_permerror.includes_resolve", ""},
    {"fix.spf_permerror.temperror_check", "domain"},
    {"fix.spf_permerror.summary", "domain record"},
    {"fix.spf_permerror.count", ""},
    {"fix.spf_permerror.trim", ""},
    {"fix.spf_permerror.subdomains", "policy_domain"},
    {"fix.spf_permerror.one_record", "record"},
    {"fix.spf_permerror.permerror_check", "domain"},
    {"fix.unauthorized.summary_one", "domain ips"},
    {"fix.unauthorized.summary_many", "count domain ips"},
    {"fix.unauthorized.own_domain", "domain domains own total"},
    {"fix.unauthorized.platform", "domain platform platforms total"},
    {"fix.unauthorized.recognise", "domain"},
    {"fix.unauthorized.no_platform_include", "domain platforms"},
    {"fix.unauthorized.spoofing", ""},
    {"fix.unauthorized.enforce_move", "domain tag"},
    {"fix.unauthorized.enforce_loosened", "domain policy tags"},
    {"fix.unauthorized.enforce_loosened_quarantine", "domain policy tags"},
    {"fix.unauthorized.enforce_reject", "domain"},
    {"fix.unauthorized.enforce_quarantine", "domain"},
    {"fix.sender.unknown", ""},
    {"fix.check.dkim", "d from who"},
    {"fix.check.spf", "envelope from who"},
    {"fix.check.who_sender", "sender"},
    {"fix.check.who_unknown", ""},
    {"fix.salesforce.create", "alternate domain selector"},
    {"fix.salesforce.publish", "domain"},
    {"fix.salesforce.wait", ""},
    {"fix.salesforce.activate", ""},
    {"fix.salesforce.settings_off", ""},
    {"fix.salesforce.include_with_settings", "domain"},
    {"fix.google.generate", "domain"},
    {"fix.google.publish", ""},
    {"fix.google.start", ""},
    {"fix.microsoft.select", "domain"},
    {"fix.microsoft.publish", ""},
    {"fix.microsoft.enable", "domain"},
    {"fix.vendor.start", "domain sender"},
    {"fix.vendor.start_at", "console domain sender"},
    {"fix.vendor.publish_placeholder", "domain sender"},
    {"fix.vendor.publish_records", "domain"},
    {"fix.vendor.publish_targets", "domain targets"},
    {"fix.vendor.publish", "domain"},
    {"fix.vendor.target_separator", ""},
    {"fix.vendor.verify", "domain sender"},
    {"fix.dkim_strict.signer_unknown", ""},
    {"fix.dkim_strict.summary", "domain policy_domain signer"},
    {"fix.dkim_strict.relax", "organization policy_domain"},
    {"fix.dkim_strict.exact_key", "domain sender"},
    {"fix.dkim_not_activated.salesforce", "domain"},
    {"fix.dkim_not_activated.salesforce_others", "domain others"},
    {"fix.dkim_not_activated.google", "domain others"},
    {"fix.dkim_not_activated.google_others", "others"},
    {"fix.dkim_not_activated.microsoft", "domain others"},
    {"fix.dkim_not_activated.microsoft_others", "others"},
    {"fix.dkim_not_activated.unknown", "domain ips others"},
    {"fix.dkim_not_activated.unknown_others", "others"},
    {"fix.dkim_not_activated.unknown_setup", "domain"},
    {"fix.dkim_not_activated.vendor", "domain others sender"},
    {"fix.dkim_not_activated.vendor_others", "others"},
    {"fix.dkim_not_activated.vendor_include_note", "domain sender"},
    {"fix.dkim_key.summary", "domains reason results selectors"},
    {"fix.dkim_key.results", "results"},
    {"fix.dkim_key.reason_missing", ""},
    {"fix.dkim_key.reason_weak", ""},
    {"fix.dkim_key.reason_fetch", ""},
    {"fix.dkim_key.record_unknown", "domain"},
    {"fix.dkim_key.publish_record", "records sender"},
    {"fix.dkim_key.revoked", "sender"},
    {"fix.dkim_key.salesforce_republish", "domain what"},
    {"fix.dkim_key.salesforce_all_cnames", ""},
    {"fix.dkim_key.salesforce_selector_cname", "selector"},
    {"fix.dkim_key.salesforce_keep_both", ""},
    {"fix.dkim_key.salesforce_weak", "domain"},
    {"fix.dkim_key.salesforce_replace", "alternate domain selector"},
    {"fix.dkim_key.weak", "domain sender"},
    {"fix.dkim_key.temperror", "domain"},
    {"fix.spf.lookups", ""},
    {"fix.spf.record_missing", "envelope what"},
    {"fix.spf.record_without", "envelope what"},
    {"fix.spf.envelope_note", "envelope"},
    {"fix.spf.dkim_passes", "domain"},
    {"fix.spf.dkim_in_place", "domain"},
    {"fix.spf.what_sender", "sender"},
    {"fix.spf_include.salesforce_summary", "domain state"},
    {"fix.spf_include.salesforce_add", "domain"},
    {"fix.spf_include.salesforce_lookups", ""},
    {"fix.spf_include.salesforce_also_dkim", "domain"},
    {"fix.spf_include.return_path_summary", "envelope sender state"},
    {"fix.spf_include.return_path_records", "envelope sender"},
    {"fix.spf_include.return_path_also_dkim", "domain sender"},
    {"fix.spf_include.vendor_summary", "domain envelope includes sender"},
    {"fix.spf_include.vendor_envelope", "envelope"},
    {"fix.spf_include.vendor_includes", "includes"},
    {"fix.spf_include.sender_summary", "domain sender state"},
    {"fix.spf_include.add_documented", "domain sender"},
    {"fix.spf_include.add_per_account", "domain hint includes sender"},
    {"fix.spf_include.per_account_hint", ""},
    {"fix.spf_include.add_terms", "domain terms"},
    {"fix.spf_include.sender_also_dkim", "domain sender"},
    {"fix.spf_include.unknown_summary", "domain ips"},
    {"fix.spf_include.unknown_add", "domain"},
    {"fix.spf_include.unknown_also_dkim", "domain"},
    {"fix.spf_strict.envelope_unknown", ""},
    {"fix.spf_strict.summary", "domain envelope policy_domain"},
    {"fix.spf_strict.optional", "state"},
    {"fix.spf_strict.relax", "organization policy_domain"},
    {"fix.spf_strict.exact_envelope", "domain sender"},
    {"fix.spf_not_aligned.optional_title", ""},
    {"fix.spf_not_aligned.preferred_title", ""},
    {"fix.spf_not_aligned.alternative_title", ""},
    {"fix.spf_not_aligned.vendor_optional_title", ""},
    {"fix.spf_not_aligned.bnc_named", "envelope"},
    {"fix.spf_not_aligned.bnc_unnamed", ""},
    {"fix.spf_not_aligned.salesforce_dkim_passes", "bnc domain state"},
    {"fix.spf_not_aligned.salesforce_key_exists", "bnc domain"},
    {"fix.spf_not_aligned.salesforce", "bnc domain"},
    {"fix.spf_not_aligned.own_named", "envelope sender"},
    {"fix.spf_not_aligned.own_unnamed", "sender"},
    {"fix.spf_not_aligned.vendor_dkim_passes", "domain own state"},
    {"fix.spf_not_aligned.vendor_key_exists", "domain own"},
    {"fix.spf_not_aligned.vendor", "domain own"},
    {"fix.spf_not_aligned.return_path_generic", "domain sender"},
    {"fix.spf_not_aligned.return_path_known", "how"},
    {"fix.spf_not_aligned.other_summary", "domain envelope"},
    {"fix.spf_not_aligned.other_envelope", "envelope"},
    {"fix.spf_not_aligned.other_exact", "domain sender"},
    {"fix.spf_not_aligned.other_dkim", "domain sender"},
};

using Texts = std::map<std::string, std::string, std::less<>>;

// "severity.fail" -> wording, for every string under the file's tables.
void flatten(const toml::table& table, const std::string& prefix, Texts& out) {
  for (auto&& [key, node] : table) {
    const std::string id =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* inner = node.as_table()) {
      flatten(*inner, id, out);
    } else if (const auto* value = node.as_string()) {
      out.emplace(id, value->get());
    }
  }
}

Texts load(std::string_view source) {
  Texts texts;
  // The files are part of the build and checked by the guard test; a file that does
  // not parse leaves every id showing as itself, which the test reports.
  try {
    flatten(toml::parse(source), "", texts);
  } catch (const toml::parse_error&) {
    texts.clear();
  }
  return texts;
}

const Texts& texts_of(Lang lang) {
  static const Texts en = load(builtin_text_en());
  static const Texts ja = load(builtin_text_ja());
  return lang == Lang::kJa ? ja : en;
}

}  // namespace

std::span<const TextSpec> text_specs() { return kSpecs; }

std::optional<std::string> raw_text(Lang lang, std::string_view id) {
  const Texts& texts = texts_of(lang);
  const auto found = texts.find(id);
  if (found == texts.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> text_ids(Lang lang) {
  std::vector<std::string> ids;
  for (const auto& [id, wording] : texts_of(lang)) ids.push_back(id);
  return ids;
}

std::string text(Lang lang, std::string_view id, std::span<const TextValue> values) {
  const Texts& texts = texts_of(lang);
  const auto found = texts.find(id);
  if (found == texts.end()) return std::string(id);
  const std::string& wording = found->second;
  if (values.empty()) return wording;
  std::string out;
  out.reserve(wording.size() + 64);
  for (std::size_t pos = 0; pos < wording.size();) {
    const std::size_t open = wording.find('{', pos);
    const std::size_t close = open == std::string::npos ? open : wording.find('}', open);
    if (close == std::string::npos) {
      out.append(wording, pos, std::string::npos);
      break;
    }
    out.append(wording, pos, open - pos);
    const std::string_view name(wording.data() + open + 1, close - open - 1);
    const TextValue* value = nullptr;
    for (const TextValue& candidate : values) {
      if (candidate.first == name) value = &candidate;
    }
    if (value != nullptr) {
      out += value->second;
    } else {
      out.append(wording, open, close - open + 1);  // left for the guard test to find
    }
    pos = close + 1;
  }
  return out;
}

}  // namespace dmarcq::analysis
