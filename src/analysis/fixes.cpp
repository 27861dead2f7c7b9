// What both fix-text languages share: the choice of service-specific texts, the share
// format, the dispatch on language, and the merging of several causes' fixes into one
// text (render_fix).
#include "analysis/fixes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

namespace dmarcq::analysis {

FixService fix_service(const Sender* sender) {
  if (sender == nullptr) return FixService::kOther;
  if (sender->fix_style == FixStyle::kSalesforce) return FixService::kSalesforce;
  struct ById {
    std::string_view id;
    FixService service;
  };
  static constexpr ById kById[] = {
      {"google-workspace", FixService::kGoogleWorkspace},
      {"microsoft-365", FixService::kMicrosoft365},
      {"amazon-ses", FixService::kAmazonSes},
      {"sendgrid", FixService::kSendgrid},
      {"mailchimp", FixService::kMailchimp},
      {"mandrill", FixService::kMandrill},
      {"mailgun", FixService::kMailgun},
      {"postmark", FixService::kPostmark},
      {"sparkpost", FixService::kSparkpost},
      {"brevo", FixService::kBrevo},
      {"hubspot", FixService::kHubspot},
      {"zendesk", FixService::kZendesk},
  };
  for (const ById& entry : kById) {
    if (sender->id == entry.id) return entry.service;
  }
  for (const std::string& include : sender->spf_includes) {
    if (include == "_spf.google.com") return FixService::kGoogleWorkspace;
    if (include == "spf.protection.outlook.com") return FixService::kMicrosoft365;
  }
  return FixService::kOther;
}

std::vector<BulkRuleState> bulk_sender_rules(const FixContext& context) {
  auto by_share = [&](BulkRule rule, double share) {
    if (!context.readiness_known) return BulkRuleState{rule, Shown::kNotInReports, 0};
    return BulkRuleState{rule, share >= kEnforcementReadyShare ? Shown::kMet : Shown::kNotMet,
                         share};
  };
  return {
      // The reports exist because the record does (they are sent to its rua=).
      {BulkRule::kDmarcRecord, Shown::kMet, 0},
      by_share(BulkRule::kSpfPass, context.spf_pass_share),
      by_share(BulkRule::kDkimPass, context.dkim_pass_share),
      by_share(BulkRule::kAligned, context.pass_share),
      {BulkRule::kUnsubscribe, Shown::kNotInReports, 0},
      {BulkRule::kSpamRate, Shown::kNotInReports, 0},
  };
}

std::string format_share(double percent) {
  if (!std::isfinite(percent) || percent < 0) percent = 0;
  if (percent > 100) percent = 100;
  // The epsilon keeps 97.3 (stored as 97.29999...) from printing as 97.2.
  const long tenths = static_cast<long>(std::floor(percent * 10 + 1e-6));
  char buffer[32];
  if (tenths % 10 == 0) {
    std::snprintf(buffer, sizeof buffer, "%ld", tenths / 10);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld.%ld", tenths / 10, tenths % 10);
  }
  return buffer;
}

FixParts fix_parts(Cause cause, Lang lang, const FixContext& context) {
  FixParts parts = lang == Lang::kJa ? fix_parts_ja(cause, context) : fix_parts_en(cause, context);
  // "Also set up DKIM" is wrong advice where the customer's DKIM already passes.
  if (context.dkim_passes) {
    std::erase_if(parts.steps, [](const FixStep& step) { return step.key == kAlsoDkimKey; });
  }
  return parts;
}

std::string fix_text(Cause cause, Lang lang, const FixContext& context) {
  return render_fix({fix_parts(cause, lang, context)}, lang);
}

std::string render_fix(const std::vector<FixParts>& parts, Lang lang) {
  bool has_dkim_steps = false;
  for (const FixParts& part : parts) {
    for (const FixStep& step : part.steps) {
      if (std::string_view(step.key).starts_with(kDkimStepPrefix)) has_dkim_steps = true;
    }
  }
  std::set<std::string> given;  // keys, and texts of unkeyed steps
  auto fresh = [&](const FixStep& step) {
    if (step.text.empty()) return false;
    if (step.key == kAlsoDkimKey && has_dkim_steps && parts.size() > 1) return false;
    return given.insert(step.key.empty() ? "text:" + step.text : "key:" + step.key).second;
  };
  auto line = [](std::string& out, const std::string& text) {
    if (text.empty()) return;
    if (!out.empty()) out += '\n';
    out += text;
  };

  std::string out;
  std::set<std::string> summaries;
  for (const FixParts& part : parts) {
    if (summaries.insert(part.summary).second) line(out, part.summary);
  }
  int number = 0;
  for (const FixParts& part : parts) {
    bool titled = part.steps_title.empty();
    for (const FixStep& step : part.steps) {
      if (!fresh(step)) continue;
      if (!titled) {
        line(out, part.steps_title);
        titled = true;
      }
      line(out, std::to_string(++number) + ". " + step.text);
    }
  }
  std::vector<std::string> checks;
  for (const FixParts& part : parts) {
    for (const std::string& check : part.checks) {
      if (std::find(checks.begin(), checks.end(), check) == checks.end()) checks.push_back(check);
    }
  }
  if (!checks.empty()) {
    std::string text =
        lang == Lang::kJa
            ? "数日後のレポート（メールの 1〜2 日後に届きます）で確認してください: "
            : "Check the reports of the next days (they arrive a day or two after the mail): ";
    for (std::size_t i = 0; i < checks.size(); ++i) {
      if (i > 0) text += lang == Lang::kJa ? "、" : "; ";
      text += checks[i];
    }
    text += lang == Lang::kJa ? "。" : ".";
    line(out, std::to_string(++number) + ". " + text);
  }
  std::set<std::string> titles;
  for (const FixParts& part : parts) {
    int alternative_number = 0;
    for (const FixStep& step : part.alternative) {
      if (!fresh(step)) continue;
      if (alternative_number == 0 && titles.insert(part.alternative_title).second)
        line(out, part.alternative_title);
      line(out, std::to_string(++alternative_number) + ". " + step.text);
    }
  }
  std::set<std::string> notes;
  for (const FixParts& part : parts) {
    for (const std::string& note : part.notes) {
      if (notes.insert(note).second) line(out, note);
    }
  }
  return out;
}

}  // namespace dmarcq::analysis
