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
#include "analysis/texts.h"

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

// The DNS checks of a fix, from the records its steps publish: the query that shows
// each record once it is live, and the answer to expect, written as dig prints it.
std::vector<DnsCheck> dns_checks_for(const FixParts& parts, Lang lang) {
  std::vector<DnsCheck> checks;
  std::vector<const FixStep*> steps;
  for (const FixStep& step : parts.steps) steps.push_back(&step);
  for (const FixStep& step : parts.alternative) steps.push_back(&step);
  for (const FixStep* step_pointer : steps) {
    const FixStep& step = *step_pointer;
    for (const DnsRecord& record : step.records) {
      DnsCheck check{step.key, record.check_type.empty() ? record.type : record.check_type,
                     record.name, record.expect};
      if (check.expect.empty()) {
        if (check.type == "TXT") {
          check.expect = "\"" + record.value + "\"";
        } else if (check.type == "CNAME") {
          check.expect = record.value + ".";
          if (!record.alternative.empty()) {
            check.expect +=
                "\n" + text(lang, "fix.other_answer", {{"value", record.alternative + "."}});
          }
        } else {
          check.expect = record.value;
        }
      }
      checks.push_back(std::move(check));
    }
  }
  return checks;
}

// A record as lines of its own: name, type, value and what a DNS panel's host field
// takes, each never wrapped.
void append_record(std::string& out, const DnsRecord& record, Lang lang) {
  if (record.type.empty()) return;  // a check only
  const std::string v(kVerbatim);
  const std::string host = host_field(record.name);
  out += "\n" + v + text(lang, "fix.record_name", {{"name", record.name}});
  out += "\n" + v + text(lang, "fix.record_type", {{"type", record.type}});
  out += "\n" + v + text(lang, "fix.record_value", {{"value", record.value}});
  if (!record.alternative.empty()) {
    out += "\n" + v + text(lang, "fix.record_other_value", {{"value", record.alternative}});
  }
  out += "\n" + v +
         (host == "@" ? text(lang, "fix.host_field_apex")
                      : text(lang, "fix.host_field", {{"host", host}}));
}

}  // namespace

std::string host_field(const std::string& name) {
  // DNS panels (お名前.com, Route 53, Cloudflare) ask for the name relative to the
  // registered domain they manage.
  const std::string zone = organizational_domain(name);
  if (zone.empty() || name == zone || name.size() <= zone.size() + 1) return "@";
  return name.substr(0, name.size() - zone.size() - 1);
}

namespace {

// Japanese puts a space between Latin and Japanese text but none between two Japanese
// characters. Values are joined with spaces around them ("Zoho Mail で"), so a value
// that is itself Japanese (the name used for an unknown sender) would leave
// "送信元のシステム で": drop a space that has a non-ASCII character on both sides,
// except next to the arrows and ellipses that stand for paths and elided names.
std::string tidy_spacing(const std::string& text) {
  auto non_ascii = [](unsigned char byte) { return byte >= 0x80; };
  auto is_symbol_before = [&](std::size_t space) {  // "→" or "…" ends right before the space
    return space >= 3 &&
           (text.compare(space - 3, 3, "→") == 0 || text.compare(space - 3, 3, "…") == 0);
  };
  auto is_symbol_after = [&](std::size_t space) {
    return text.compare(space + 1, 3, "→") == 0 || text.compare(space + 1, 3, "…") == 0;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ' && i > 0 && i + 1 < text.size() &&
        non_ascii(static_cast<unsigned char>(text[i - 1])) &&
        non_ascii(static_cast<unsigned char>(text[i + 1])) && !is_symbol_before(i) &&
        !is_symbol_after(i)) {
      continue;
    }
    out += text[i];
  }
  return out;
}

FixParts tidy(FixParts parts) {
  parts.summary = tidy_spacing(parts.summary);
  parts.steps_title = tidy_spacing(parts.steps_title);
  parts.alternative_title = tidy_spacing(parts.alternative_title);
  for (FixStep& step : parts.steps) step.text = tidy_spacing(step.text);
  for (FixStep& step : parts.alternative) step.text = tidy_spacing(step.text);
  for (std::string& note : parts.notes) note = tidy_spacing(note);
  for (std::string& check : parts.checks) check = tidy_spacing(check);
  return parts;
}

FixParts by_cause(Cause cause, Lang lang, const FixContext& context) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return spf_include_missing(lang, context);
    case Cause::kSpfNotAligned: return spf_not_aligned(lang, context);
    case Cause::kDkimNotActivated: return dkim_not_activated(lang, context);
    case Cause::kDkimKeyUnpublished: return dkim_key_unpublished(lang, context);
    case Cause::kSpfPermerror:
    case Cause::kForwarded:
    case Cause::kUnauthorized:
    case Cause::kTransient: return source_fix_parts(cause, lang, context);
    case Cause::kPolicyNone:
    case Cause::kPolicyPartial:
    case Cause::kPolicyTesting:
    case Cause::kSubdomainPolicyMissing:
    case Cause::kEnforcementReadiness: return domain_fix_parts(cause, lang, context);
  }
  return {};
}

}  // namespace

FixParts fix_parts(Cause cause, Lang lang, const FixContext& context) {
  FixParts parts = by_cause(cause, lang, context);
  if (lang == Lang::kJa) parts = tidy(std::move(parts));
  parts.dns_checks = dns_checks_for(parts, lang);
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
  // What the user must have before the steps: the DNS of each zone the steps change
  // (records to publish, or checked after a change), and a way to tell which provider
  // hosts it (its NS records). Optional ways out are not a reason to ask for it.
  std::vector<std::string> zones;
  for (const FixParts& part : parts) {
    for (const FixStep& step : part.steps) {
      for (const DnsRecord& record : step.records) {
        const std::string zone = organizational_domain(record.name);
        if (!zone.empty() && std::find(zones.begin(), zones.end(), zone) == zones.end()) {
          zones.push_back(zone);
        }
      }
    }
  }
  for (const std::string& zone : zones) line(out, text(lang, "fix.before_dns", {{"zone", zone}}));
  int number = 0;
  // Right after the step that publishes a record: the query that shows it is live, so
  // that nothing further (Salesforce's Activate) is tried before it is.
  std::vector<const DnsCheck*> dns_given;
  auto check_dns = [&](const std::string& step_key, int& counter) {
    std::vector<const DnsCheck*> due;
    for (const FixParts& part : parts) {
      for (const DnsCheck& check : part.dns_checks) {
        if (check.step != step_key) continue;
        // A name with a part to copy ("…._domainkey.example.com") is queried once: the
        // line stands for each name the console shows.
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
    line(out, std::to_string(++counter) + ". " +
                  text(lang, dns_given.empty() ? "fix.dns_check_first" : "fix.dns_check_again"));
    // The expected answer on a line of its own, so that a record is not broken by the
    // wrapping of a sentence.
    for (const DnsCheck* check : due) {
      line(out, std::string(kVerbatim) + "dig +short " + check->type + " " + check->name);
      // An answer of another form the console may show goes on a line of its own.
      std::string_view expect = check->expect;
      for (bool first_line = true; !expect.empty(); first_line = false) {
        const std::size_t cut = std::min(expect.find('\n'), expect.size());
        line(out, std::string(kVerbatim) + (first_line ? "→ " : "") +
                      std::string(expect.substr(0, cut)));
        expect.remove_prefix(std::min(cut + 1, expect.size()));
      }
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
      for (const DnsRecord& record : step.records) append_record(out, record, lang);
      if (!step.key.empty()) check_dns(step.key, number);
    }
  }
  std::vector<std::string> checks;
  for (const FixParts& part : parts) {
    for (const std::string& check : part.checks) {
      if (std::find(checks.begin(), checks.end(), check) == checks.end()) checks.push_back(check);
    }
  }
  if (!checks.empty()) {
    line(out, std::to_string(++number) + ". " + text(lang, "fix.reports_check"));
    for (const std::string& check : checks) line(out, "- " + check);
    line(out, std::to_string(++number) + ". " + text(lang, "fix.run_again"));
    line(out, std::string(kVerbatim) + "dmarcq explain --from YYYY-MM-DD");
  }
  std::set<std::string> titles;
  for (const FixParts& part : parts) {
    int alternative_number = 0;
    for (const FixStep& step : part.alternative) {
      if (!fresh(step)) continue;
      if (alternative_number == 0 && titles.insert(part.alternative_title).second)
        line(out, part.alternative_title);
      line(out, std::to_string(++alternative_number) + ". " + step.text);
      for (const DnsRecord& record : step.records) append_record(out, record, lang);
      if (!step.key.empty()) check_dns(step.key, alternative_number);
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
