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

#include "analysis/fix_helpers.h"

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

namespace {

// The DNS checks of a fix, from its steps' keys (the same in every language): each step
// that has the user publish or change a record gets the query that shows it and the
// answer to expect, written as dig prints it.
std::vector<DnsCheck> dns_checks_for(const FixParts& parts, const FixContext& context) {
  using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones
  const std::string h = from_domain(context);
  const std::string p = policy_domain(context);
  const std::string policy = context.policy.empty() ? std::string("none") : context.policy;
  std::vector<DnsCheck> checks;
  std::string key;  // the step being read
  auto dmarc = [&](const std::string& tags) {
    checks.push_back({key, "TXT", "_dmarc." + p, "\"v=DMARC1; " + tags + "rua=mailto:…\""});
  };
  auto salesforce_cnames = [&](const std::string& domain) {
    const auto [selector, alternate] = salesforce_selectors(context);
    for (const std::string& name : {selector, alternate}) {
      checks.push_back(
          {key, "CNAME", name + "._domainkey." + domain, name + ".….custdkim.salesforce.com."});
    }
  };
  for (const FixStep& step : parts.steps) {
    key = step.key;
    if (key == "spf-include" || key == "spf-include-salesforce") {
      std::vector<std::string> terms;
      if (context.sender != nullptr) terms = spf_terms(*context.sender);
      if (context.sender != nullptr && context.sender->spf_include_per_account && terms.size() > 1)
        terms.resize(1);
      checks.push_back(
          {key, "TXT", h,
           "\"v=spf1 … " + (terms.empty() ? "" : join(terms, " ") + " … ") + "~all\""});
    } else if (key == "spf-one-record" || key == "spf-trim") {
      checks.push_back({key, "TXT", h, "\"v=spf1 … ~all\""});
    } else if (key == "dkim-salesforce-publish") {
      salesforce_cnames(h);
    } else if (key == "dkim-weak-salesforce-replace") {
      salesforce_cnames(failing_key(context).domain);
    } else if (key == "dkim-salesforce-republish") {
      const std::string selector = first_or(context.dkim_selectors, "");
      if (!selector.empty()) {
        checks.push_back({key, "CNAME", selector + "._domainkey." + failing_key(context).domain,
                          selector + ".….custdkim.salesforce.com."});
      }
    } else if (key == "dkim-publish-record") {
      // dig +short TXT follows a CNAME and prints its target first, then the key.
      for (const std::string& record : failing_key(context).records) {
        checks.push_back({key, "TXT", record, "\"v=DKIM1; k=rsa; p=…\""});
      }
    } else if (key == "dkim-google-publish") {
      checks.push_back({key, "TXT", "google._domainkey." + h, "\"v=DKIM1; k=rsa; p=…\""});
    } else if (key == "dkim-microsoft-publish") {
      for (const char* selector : {"selector1", "selector2"}) {
        checks.push_back({key, "CNAME", std::string(selector) + "._domainkey." + h,
                          // Older tenants point at onmicrosoft.com, newer ones at
                          // dkim.mail.microsoft: the step copies whichever is shown.
                          std::string(selector) + "-….onmicrosoft.com. / " + selector +
                              "-….dkim.mail.microsoft."});
      }
    } else if (key == "quarantine" || key == "to-quarantine") {
      dmarc("p=quarantine; ");
    } else if (key == "to-reject") {
      dmarc("p=reject; ");
    } else if (key == "pct" || key == "testing-off" || key == "full-policy") {
      dmarc("p=" + policy + "; ");
    } else if (key == "sp") {
      dmarc("p=" + policy + "; sp=…; np=reject; ");
    }
  }
  return checks;
}

}  // namespace

std::string host_field_note(const std::string& name, Lang lang) {
  // DNS panels (お名前.com, Route 53, Cloudflare) ask for the name relative to the
  // registered domain they manage.
  const std::string zone = organizational_domain(name);
  const bool apex = zone.empty() || name == zone;
  const std::string host = apex || name.size() <= zone.size() + 1
                               ? std::string()
                               : name.substr(0, name.size() - zone.size() - 1);
  if (lang == Lang::kJa) {
    return apex ? "（DNS 管理画面のホスト名の欄は空欄か @、ドメイン " + zone + " 自身）"
                : "（DNS 管理画面のホスト名の欄には " + host + "、ドメイン " + zone + " の下）";
  }
  return apex ? "(in a DNS panel's host field: empty or @, the domain " + zone + " itself)"
              : "(in a DNS panel's host field: " + host + ", under the domain " + zone + ")";
}

FixParts fix_parts(Cause cause, Lang lang, const FixContext& context) {
  FixParts parts = lang == Lang::kJa ? fix_parts_ja(cause, context) : fix_parts_en(cause, context);
  parts.dns_checks = dns_checks_for(parts, context);
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
  // Right after the step that publishes a record: the query that shows it is live, so
  // that nothing further (Salesforce's Activate) is tried before it is.
  std::vector<const DnsCheck*> dns_given;
  auto check_dns = [&](const std::string& step_key) {
    std::vector<const DnsCheck*> due;
    for (const FixParts& part : parts) {
      for (const DnsCheck& check : part.dns_checks) {
        if (check.step != step_key) continue;
        const auto same = [&](const DnsCheck* c) {
          return c->type == check.type && c->name == check.name;
        };
        if (std::none_of(dns_given.begin(), dns_given.end(), same) &&
            std::none_of(due.begin(), due.end(), same)) {
          due.push_back(&check);
        }
      }
    }
    if (due.empty()) return;
    // How long a change takes to show: the record's TTL on resolvers that cached the old
    // answer (RFC 1035 3.2.1), commonly an hour, rarely more than a day or two. Said
    // once per fix; later checks only ask for the query.
    if (!dns_given.empty()) {
      line(out, std::to_string(++number) + ". " +
                    (lang == Lang::kJa ? "公開されたことを確認してください："
                                       : "Check that it is published:"));
    } else {
      line(out, std::to_string(++number) + ". " +
                    (lang == Lang::kJa
                         ? "DNS を保存したら、公開されたことを確認してください（古い答えは TTL "
                           "の間、キャッシュに残ります。多くは 1 時間以内、長くても 1〜2 日です）。"
                           "Windows では dig +short TYPE NAME の代わりに nslookup -type=TYPE NAME "
                           "を使います："
                         : "Once the DNS change is saved, check that it is published (resolvers "
                           "keep the old answer for its TTL, commonly an hour, rarely more than a "
                           "day or two). On Windows use nslookup -type=TYPE NAME instead of dig "
                           "+short TYPE NAME:"));
    }
    // The expected answer on a line of its own, so that a record is not broken by the
    // wrapping of a sentence.
    for (const DnsCheck* check : due) {
      line(out, "- dig +short " + check->type + " " + check->name);
      line(out, "→ " + check->expect);
      line(out, host_field_note(check->name, lang));
      dns_given.push_back(check);
    }
  };
  for (const FixParts& part : parts) {
    bool titled = part.steps_title.empty();
    for (const FixStep& step : part.steps) {
      if (!fresh(step)) continue;
      if (!titled) {
        line(out, part.steps_title);
        titled = true;
      }
      line(out, std::to_string(++number) + ". " + step.text);
      if (!step.key.empty()) check_dns(step.key);
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
            ? "数日後のレポート（メールの 1〜2 日後に届きます）で確認してください："
            : "Check the reports of the next days (they arrive a day or two after the mail): ";
    for (std::size_t i = 0; i < checks.size(); ++i) {
      if (i > 0) text += lang == Lang::kJa ? "、" : "; ";
      text += checks[i];
    }
    text += lang == Lang::kJa
                ? "。取り込んだら、変更の翌日以降のレポートで dmarcq explain --from YYYY-MM-DD "
                  "をもう一度実行します。"
                : ". Import them and run dmarcq explain --from YYYY-MM-DD again, from the day "
                  "after the change.";
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
