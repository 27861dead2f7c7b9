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
  return text(lang, "fix.check.spf",
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
    publish = text(lang, "fix.vendor.publish_targets",
                   {{"domain", h},
                    {"targets", join(targets, text(lang, "fix.vendor.target_separator"))}});
  } else {
    publish = text(lang, "fix.vendor.publish", {{"domain", h}});
  }
  return {
      {"dkim-vendor-start",
       !request.empty() ? with_domain(request, h)
       : console.empty()
           ? text(lang, "fix.vendor.start", {{"sender", name}, {"domain", h}})
           : text(lang, "fix.vendor.start_at", {{"sender", name}, {"console", console}, {"domain", h}})},
      {"dkim-vendor-publish", publish, std::move(records)},
      {"dkim-vendor-verify", text(lang, "fix.vendor.verify", {{"sender", name}, {"domain", h}})},
  };
}

}  // namespace dmarcq::analysis
