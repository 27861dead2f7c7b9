// The steps taken at a sender's console, shared by the sender causes of every language:
// Salesforce's DKIM key and Deliverability settings, Google Workspace's and Microsoft
// 365's DKIM, a catalog vendor's domain authentication, and the closing checks. The
// choices are made here; the wording comes from schema/text/<lang>.toml.
#include <string>
#include <utility>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

std::string sender_display_name(Lang lang, const FixContext& context) {
  if (context.sender != nullptr && !context.sender->name.empty()) return context.sender->name;
  if (context.sender != nullptr && !context.sender->id.empty()) return context.sender->id;
  return text(lang, "fix.sender.unknown");
}

namespace {

std::string who(Lang lang, const FixContext& context) {
  return context.sender != nullptr
             ? text(lang, "fix.check.who_sender", {{"sender", sender_display_name(lang, context)}})
             : text(lang, "fix.check.who_unknown");
}

}  // namespace

std::string dkim_check(Lang lang, const FixContext& context, const std::string& d) {
  return text(lang, "fix.check.dkim",
              {{"who", who(lang, context)}, {"from", from_domain(context)}, {"d", d}});
}

std::string spf_check(Lang lang, const FixContext& context, const std::string& envelope) {
  return text(
      lang, "fix.check.spf",
      {{"who", who(lang, context)}, {"from", from_domain(context)}, {"envelope", envelope}});
}

std::vector<FixStep> salesforce_dkim_steps(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const auto [selector, alternate] = salesforce_selectors(context);
  return {
      {"dkim-salesforce-create",
       text(lang, "fix.salesforce.create",
            {{"selector", selector}, {"alternate", alternate}, {"domain", h}})},
      {"dkim-salesforce-publish", text(lang, "fix.salesforce.publish", {{"domain", h}}),
       salesforce_cname_records(h, {selector, alternate})},
      {"dkim-salesforce-wait", text(lang, "fix.salesforce.wait")},
      {"dkim-salesforce-activate", text(lang, "fix.salesforce.activate")},
  };
}

std::vector<FixStep> salesforce_settings_off_steps(Lang lang, const std::string& h) {
  return {
      {"salesforce-settings-off", text(lang, "fix.salesforce.settings_off")},
      {"spf-include-salesforce",
       text(lang, "fix.salesforce.include_with_settings", {{"domain", h}}),
       {spf_record(h, {"include:_spf.salesforce.com"})}},
  };
}

std::vector<FixStep> google_dkim_steps(Lang lang, const std::string& h) {
  return {
      {"dkim-google-generate", text(lang, "fix.google.generate", {{"domain", h}})},
      {"dkim-google-publish", text(lang, "fix.google.publish"), {google_dkim_record(h)}},
      {"dkim-google-start", text(lang, "fix.google.start")},
  };
}

std::vector<FixStep> microsoft_dkim_steps(Lang lang, const std::string& h) {
  return {
      {"dkim-microsoft-select", text(lang, "fix.microsoft.select", {{"domain", h}})},
      {"dkim-microsoft-publish", text(lang, "fix.microsoft.publish"), microsoft_dkim_records(h)},
      {"dkim-microsoft-enable", text(lang, "fix.microsoft.enable", {{"domain", h}})},
  };
}

std::vector<FixStep> vendor_dkim_steps(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_display_name(lang, context);
  const std::string console =
      context.sender != nullptr ? context.sender->dkim_console.in(lang) : std::string();
  const std::string request =
      context.sender != nullptr ? context.sender->dkim_request.in(lang) : std::string();
  std::vector<DnsRecord> records = vendor_dkim_records(context);
  const std::vector<std::string> targets = cname_targets(context);
  std::string publish;
  if (!records.empty()) {
    publish = has_placeholder(records)
                  ? text(lang, "fix.vendor.publish_placeholder", {{"domain", h}, {"sender", name}})
                  : text(lang, "fix.vendor.publish_records", {{"domain", h}});
  } else if (!targets.empty()) {
    publish = text(
        lang, "fix.vendor.publish_targets",
        {{"domain", h}, {"targets", join(targets, text(lang, "fix.vendor.target_separator"))}});
  } else {
    publish = text(lang, "fix.vendor.publish", {{"domain", h}});
  }
  return {
      {"dkim-vendor-start", !request.empty() ? with_domain(request, h)
                            : console.empty()
                                ? text(lang, "fix.vendor.start", {{"sender", name}, {"domain", h}})
                                : text(lang, "fix.vendor.start_at",
                                       {{"sender", name}, {"console", console}, {"domain", h}})},
      {"dkim-vendor-publish", publish, std::move(records)},
      {"dkim-vendor-verify", text(lang, "fix.vendor.verify", {{"sender", name}, {"domain", h}})},
  };
}

}  // namespace dmarcq::analysis

// ---- the DKIM causes ----------------------------------------------------------------

namespace dmarcq::analysis {
namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

// adkim=s: DKIM passes for a subdomain or the parent of the From domain.
FixParts dkim_strict(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string p = policy_domain(context);
  const std::string signer =
      first_or(context.dkim_domains, text(lang, "fix.dkim_strict.signer_unknown"));
  FixParts out;
  out.summary = text(lang, "fix.dkim_strict.summary",
                     {{"signer", signer}, {"policy_domain", p}, {"domain", h}});
  out.steps = {
      {"relax-adkim",
       text(lang, "fix.dkim_strict.relax",
            {{"policy_domain", p}, {"organization", organizational(h)}}),
       {dmarc_record(context, published_policy(context))}},
  };
  out.alternative_title = text(lang, "fix.or_title");
  out.alternative = {
      {"dkim-exact-key", text(lang, "fix.dkim_strict.exact_key",
                              {{"domain", h}, {"sender", sender_display_name(lang, context)}})}};
  return out;
}

}  // namespace

FixParts dkim_not_activated(Lang lang, const FixContext& context) {
  if (context.strict_dkim) return dkim_strict(lang, context);
  const std::string h = from_domain(context);
  const std::string name = sender_display_name(lang, context);
  const std::string others = other_dkim_domains(context, h);
  // The signatures seen instead of the customer's, in the sentence of `id`, or "".
  auto instead = [&](const char* id) {
    return others.empty() ? std::string() : text(lang, id, {{"others", others}});
  };
  FixParts out;
  out.checks.push_back(dkim_check(lang, context, h));
  switch (fix_service(context.sender)) {
    case FixService::kSalesforce:
      out.summary = text(lang, "fix.dkim_not_activated.salesforce", {{"domain", h}});
      if (!others.empty()) {
        out.summary += text(lang, "fix.dkim_not_activated.salesforce_others",
                            {{"others", others}, {"domain", h}});
      }
      out.steps = salesforce_dkim_steps(lang, context);
      return out;
    case FixService::kGoogleWorkspace:
      out.summary =
          text(lang, "fix.dkim_not_activated.google",
               {{"domain", h}, {"others", instead("fix.dkim_not_activated.google_others")}});
      out.steps = google_dkim_steps(lang, h);
      return out;
    case FixService::kMicrosoft365:
      out.summary =
          text(lang, "fix.dkim_not_activated.microsoft",
               {{"domain", h}, {"others", instead("fix.dkim_not_activated.microsoft_others")}});
      out.steps = microsoft_dkim_steps(lang, h);
      return out;
    default: break;
  }
  if (context.sender == nullptr) {
    const std::string ips = join(context.source_ips, text(lang, "fix.list.separator"));
    out.summary =
        text(lang, "fix.dkim_not_activated.unknown",
             {{"domain", h},
              {"ips", ips.empty() ? std::string()
                                  : text(lang, "fix.list.parenthesised", {{"items", ips}})},
              {"others", instead("fix.dkim_not_activated.unknown_others")}});
    out.steps = {{"dkim-unknown-setup",
                  text(lang, "fix.dkim_not_activated.unknown_setup", {{"domain", h}})}};
    return out;
  }
  out.summary = text(lang, "fix.dkim_not_activated.vendor",
                     {{"domain", h},
                      {"sender", name},
                      {"others", instead("fix.dkim_not_activated.vendor_others")}});
  out.steps = vendor_dkim_steps(lang, context);
  if (context.sender->fix_style == FixStyle::kVendorEnvelope && !envelope_is_customers(context)) {
    out.notes.push_back(text(lang, "fix.dkim_not_activated.vendor_include_note",
                             {{"sender", name}, {"domain", h}}));
  }
  return out;
}

FixParts dkim_key_unpublished(Lang lang, const FixContext& context) {
  const std::string name = sender_display_name(lang, context);
  const bool salesforce = fix_service(context.sender) == FixService::kSalesforce;
  const FailingKey key = failing_key(context);
  const std::string& d = key.domain;
  const std::string selectors = join(context.dkim_selectors);
  const std::string results = join(context.dkim_results);
  const std::string record_names = key.records.empty()
                                       ? text(lang, "fix.dkim_key.record_unknown", {{"domain", d}})
                                       : join(key.records, text(lang, "fix.list.separator"));

  FixParts out;
  out.summary = text(
      lang, "fix.dkim_key.summary",
      {{"domains",
        join(context.dkim_domains.empty() ? std::vector<std::string>{d} : context.dkim_domains)},
       {"selectors", selectors.empty() ? std::string() : " s=" + selectors},
       {"results", results.empty() ? std::string()
                                   : text(lang, "fix.dkim_key.results", {{"results", results}})},
       {"reason", text(lang, key.missing ? "fix.dkim_key.reason_missing"
                             : key.weak  ? "fix.dkim_key.reason_weak"
                                         : "fix.dkim_key.reason_fetch")}});
  if (key.missing) {
    if (salesforce) {
      const std::string selector = first_or(context.dkim_selectors, "");
      out.steps.push_back(
          {"dkim-salesforce-republish",
           text(lang, "fix.dkim_key.salesforce_republish",
                {{"domain", d},
                 {"what", selector.empty() ? text(lang, "fix.dkim_key.salesforce_all_cnames")
                                           : text(lang, "fix.dkim_key.salesforce_selector_cname",
                                                  {{"selector", selector}})}}),
           salesforce_cname_records(d, {selector})});
      out.steps.push_back(
          {"dkim-salesforce-keep-both", text(lang, "fix.dkim_key.salesforce_keep_both")});
    } else {
      out.steps.push_back(
          {"dkim-publish-record",
           text(lang, "fix.dkim_key.publish_record", {{"records", record_names}, {"sender", name}}),
           failing_key_records(context, key)});
      out.steps.push_back({"dkim-revoked", text(lang, "fix.dkim_key.revoked", {{"sender", name}})});
    }
  }
  if (key.weak) {
    if (salesforce) {
      const auto [selector, alternate] = salesforce_selectors(context);
      out.steps.push_back(
          {"dkim-weak", text(lang, "fix.dkim_key.salesforce_weak", {{"domain", d}})});
      out.steps.push_back({"dkim-weak-salesforce-replace",
                           text(lang, "fix.dkim_key.salesforce_replace",
                                {{"selector", selector}, {"alternate", alternate}, {"domain", d}}),
                           salesforce_cname_records(d, {selector, alternate})});
    } else {
      out.steps.push_back(
          {"dkim-weak", text(lang, "fix.dkim_key.weak", {{"sender", name}, {"domain", d}})});
    }
  }
  if (contains(context.dkim_results, "temperror")) {
    out.steps.push_back({"dkim-temperror", text(lang, "fix.dkim_key.temperror", {{"domain", d}})});
  }
  out.checks.push_back(dkim_check(lang, context, d));
  return out;
}

}  // namespace dmarcq::analysis

// ---- the SPF causes -------------------------------------------------------------------

namespace dmarcq::analysis {
namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

// "the SPF record of H does not authorise <what>", or, where receivers found no record
// at all (SPF none), that there is none to authorise anything.
std::string spf_record_state(Lang lang, const FixContext& context, const std::string& what) {
  const std::string envelope = first_or(context.spf_domains, from_domain(context));
  const bool none = context.spf_results.size() == 1 && context.spf_results[0] == "none";
  return text(lang, none ? "fix.spf.record_missing" : "fix.spf.record_without",
              {{"envelope", envelope}, {"what", what}});
}

// Why a vendor envelope needs no change: the customer's DKIM key aligns (passing, or
// failing only for the receiver).
std::string dkim_state(Lang lang, const FixContext& context) {
  return text(lang, context.dkim_really_passes ? "fix.spf.dkim_passes" : "fix.spf.dkim_in_place",
              {{"domain", from_domain(context)}});
}

std::string envelope_note(Lang lang, const FixContext& context, const std::string& h) {
  const std::string envelope = first_or(context.spf_domains, "");
  if (envelope.empty() || envelope == h) return {};
  return text(lang, "fix.spf.envelope_note", {{"envelope", envelope}});
}

FixStep lookup_step(Lang lang) { return {"spf-lookups", text(lang, "fix.spf.lookups")}; }

// aspf=s: SPF passes for a subdomain or the parent of the From domain.
FixParts spf_strict(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string p = policy_domain(context);
  const std::string envelope =
      first_or(context.spf_domains, text(lang, "fix.spf_strict.envelope_unknown"));
  FixParts out;
  out.summary = text(lang, "fix.spf_strict.summary",
                     {{"envelope", envelope}, {"policy_domain", p}, {"domain", h}});
  if (context.dkim_passes) {
    out.summary += text(lang, "fix.spf_strict.optional", {{"state", dkim_state(lang, context)}});
  }
  out.steps = {
      {"relax-aspf",
       text(lang, "fix.spf_strict.relax",
            {{"policy_domain", p}, {"organization", organizational(h)}}),
       {dmarc_record(context, published_policy(context))}},
  };
  // A vendor's return path is a name of its own under the domain (Amazon SES's custom
  // MAIL FROM must be a subdomain): only a sender whose envelope is the customer's can
  // use the From domain itself.
  if (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope) {
    out.alternative_title = text(lang, "fix.or_title");
    out.alternative = {
        {"exact-envelope", text(lang, "fix.spf_strict.exact_envelope",
                                {{"sender", sender_display_name(lang, context)}, {"domain", h}})}};
  }
  return out;
}

}  // namespace

FixParts spf_include_missing(Lang lang, const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_display_name(lang, context);
  const std::string separator = text(lang, "fix.list.separator");
  FixParts out;
  if (fix_service(context.sender) == FixService::kSalesforce) {
    out.summary = text(lang, "fix.spf_include.salesforce_summary",
                       {{"domain", h}, {"state", spf_record_state(lang, context, "Salesforce")}});
    out.steps = {
        {"spf-include",
         text(lang, "fix.spf_include.salesforce_add", {{"domain", h}}),
         {spf_record(h, {"include:_spf.salesforce.com"})}},
        {"spf-lookups", text(lang, "fix.spf_include.salesforce_lookups")},
        {std::string(kAlsoDkimKey),
         text(lang, "fix.spf_include.salesforce_also_dkim", {{"domain", h}})},
    };
    out.checks.push_back(spf_check(lang, context, h));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             envelope_is_return_path(context)) {
    // The vendor's custom return path is set up on the customer's domain, but its DNS
    // records are missing or wrong (SendGrid's em… CNAME, SES's MAIL FROM records).
    const std::string envelope = first_or(context.spf_domains, "");
    const std::string what = text(lang, "fix.spf.what_sender", {{"sender", name}});
    out.summary = text(lang, "fix.spf_include.return_path_summary",
                       {{"sender", name},
                        {"envelope", envelope},
                        {"state", spf_record_state(lang, context, what)}});
    out.steps = {
        {"vendor-return-path-records",
         text(lang, "fix.spf_include.return_path_records",
              {{"sender", name}, {"envelope", envelope}}),
         {return_path_check(envelope)}},
        {std::string(kAlsoDkimKey),
         text(lang, "fix.spf_include.return_path_also_dkim", {{"sender", name}, {"domain", h}})},
    };
    out.checks.push_back(spf_check(lang, context, envelope));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             !envelope_is_customers(context)) {
    const std::string envelope = first_or(context.spf_domains, "");
    const std::string includes = join(prefixed("include:", context.sender->spf_includes), " ");
    out.summary =
        text(lang, "fix.spf_include.vendor_summary",
             {{"sender", name},
              {"envelope", envelope.empty() ? std::string()
                                            : text(lang, "fix.spf_include.vendor_envelope",
                                                   {{"envelope", envelope}})},
              {"domain", h},
              {"includes", includes.empty() ? std::string()
                                            : text(lang, "fix.spf_include.vendor_includes",
                                                   {{"includes", includes}})}});
    out.steps = vendor_dkim_steps(lang, context);
    out.checks.push_back(dkim_check(lang, context, h));
  } else if (context.sender != nullptr) {
    const std::vector<std::string> includes = spf_terms(*context.sender);
    const std::string what = text(lang, "fix.spf.what_sender", {{"sender", name}});
    out.summary =
        text(lang, "fix.spf_include.sender_summary",
             {{"sender", name}, {"domain", h}, {"state", spf_record_state(lang, context, what)}});
    FixStep add{"spf-include", "", {}};
    if (includes.empty()) {
      add.text = text(lang, "fix.spf_include.add_documented", {{"sender", name}, {"domain", h}});
    } else if (context.sender->spf_include_per_account && includes.size() > 1) {
      const std::string& hint = context.sender->spf_include_hint.in(lang);
      add.text =
          text(lang, "fix.spf_include.add_per_account",
               {{"sender", name},
                {"hint", hint.empty() ? text(lang, "fix.spf_include.per_account_hint") : hint},
                {"domain", h},
                {"includes", join(includes, separator)}});
      add.records = {spf_record(h, {"include:…"})};
    } else {
      add.text =
          text(lang, "fix.spf_include.add_terms", {{"terms", join(includes, " ")}, {"domain", h}});
      add.records = {spf_record(h, includes)};
    }
    out.steps = {
        add,
        lookup_step(lang),
        {std::string(kAlsoDkimKey),
         text(lang, "fix.spf_include.sender_also_dkim", {{"domain", h}, {"sender", name}})},
    };
    out.checks.push_back(spf_check(lang, context, h));
  } else {
    const std::string ips = join(context.source_ips, separator);
    out.summary =
        text(lang, "fix.spf_include.unknown_summary",
             {{"ips", ips.empty() ? std::string()
                                  : text(lang, "fix.list.parenthesised", {{"items", ips}})},
              {"domain", h}});
    out.steps = {
        {"spf-include", text(lang, "fix.spf_include.unknown_add", {{"domain", h}})},
        lookup_step(lang),
        {std::string(kAlsoDkimKey),
         text(lang, "fix.spf_include.unknown_also_dkim", {{"domain", h}})},
    };
  }
  const std::string note = envelope_note(lang, context, h);
  if (!note.empty() &&
      (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope)) {
    out.notes.push_back(note);
  }
  return out;
}

FixParts spf_not_aligned(Lang lang, const FixContext& context) {
  if (context.strict_spf) return spf_strict(lang, context);
  const std::string h = from_domain(context);
  const std::string name = sender_display_name(lang, context);
  const std::string envelope = first_or(context.spf_domains, "");
  FixParts out;
  if (fix_service(context.sender) == FixService::kSalesforce) {
    const std::string bnc =
        envelope.empty() ? text(lang, "fix.spf_not_aligned.bnc_unnamed")
                         : text(lang, "fix.spf_not_aligned.bnc_named", {{"envelope", envelope}});
    const std::string state = dkim_state(lang, context);
    if (context.dkim_passes || context.dkim_key_exists) {
      out.summary = text(lang,
                         context.dkim_passes ? "fix.spf_not_aligned.salesforce_dkim_passes"
                                             : "fix.spf_not_aligned.salesforce_key_exists",
                         {{"bnc", bnc}, {"domain", h}, {"state", state}});
      out.alternative_title = text(lang, "fix.spf_not_aligned.optional_title");
      out.alternative = salesforce_settings_off_steps(lang, h);
      return out;
    }
    out.summary = text(lang, "fix.spf_not_aligned.salesforce", {{"bnc", bnc}, {"domain", h}});
    out.steps_title = text(lang, "fix.spf_not_aligned.preferred_title");
    out.steps = salesforce_dkim_steps(lang, context);
    out.checks.push_back(dkim_check(lang, context, h));
    out.alternative_title = text(lang, "fix.spf_not_aligned.alternative_title");
    out.alternative = salesforce_settings_off_steps(lang, h);
    return out;
  }
  if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope) {
    const std::string own = envelope.empty()
                                ? text(lang, "fix.spf_not_aligned.own_unnamed", {{"sender", name}})
                                : text(lang, "fix.spf_not_aligned.own_named",
                                       {{"envelope", envelope}, {"sender", name}});
    const std::string how = with_domain(context.sender->return_path.in(lang), h);
    const FixStep optional{
        "vendor-return-path",
        how.empty() ? text(lang, "fix.spf_not_aligned.return_path_generic",
                           {{"sender", name}, {"domain", h}})
                    : text(lang, "fix.spf_not_aligned.return_path_known", {{"how", how}})};
    const std::string state = dkim_state(lang, context);
    if (context.dkim_passes || context.dkim_key_exists) {
      out.summary = text(lang,
                         context.dkim_passes ? "fix.spf_not_aligned.vendor_dkim_passes"
                                             : "fix.spf_not_aligned.vendor_key_exists",
                         {{"own", own}, {"domain", h}, {"state", state}});
      out.alternative_title = text(lang, "fix.spf_not_aligned.optional_title");
      out.alternative = {optional};
      return out;
    }
    out.summary = text(lang, "fix.spf_not_aligned.vendor", {{"own", own}, {"domain", h}});
    out.steps = vendor_dkim_steps(lang, context);
    out.checks.push_back(dkim_check(lang, context, h));
    out.alternative_title = text(lang, "fix.spf_not_aligned.vendor_optional_title");
    out.alternative = {optional};
    return out;
  }
  out.summary = text(lang, "fix.spf_not_aligned.other_summary",
                     {{"envelope", envelope.empty() || envelope == h
                                       ? std::string()
                                       : text(lang, "fix.spf_not_aligned.other_envelope",
                                              {{"envelope", envelope}})},
                      {"domain", h}});
  out.steps = {
      {"exact-envelope",
       text(lang, "fix.spf_not_aligned.other_exact", {{"sender", name}, {"domain", h}})},
      {std::string(kAlsoDkimKey),
       text(lang, "fix.spf_not_aligned.other_dkim", {{"sender", name}, {"domain", h}})},
  };
  return out;
}

}  // namespace dmarcq::analysis
