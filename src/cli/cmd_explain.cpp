// dmarcq explain: every failing source, its cause, the messages affected, and the fix.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/coverage.h"
#include "cli/exit_codes.h"
#include "core/date.h"
#include "core/parallel.h"
#include "core/text.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] [--catalog FILE] explain [--domain D] [--from DATE]\n"
    "         [--to DATE] [--severity fail|warn|info] [--cause ID] [--sender ID]\n"
    "         [--min-messages N] [--top N] [--all-sources]\n"
    "         [--lang en|ja] [--format table|csv|json]\n"
    "\n"
    "Attributes every failing source to its causes and says what to change.\n"
    "Sources are identified with the sender catalog (dmarcq senders): by an SPF or\n"
    "DKIM pass for the sender's own domains, else by its IP ranges. On a shared\n"
    "platform (Google, Microsoft, SES...) mail is the customer's own only with the\n"
    "customer's envelope or the platform's default; mail that kept the customer's\n"
    "DKIM signature but came with a stranger's envelope was forwarded, and the rest\n"
    "is someone else's account.\n"
    "\n"
    "One finding per (domain, sender), carrying every cause found for it, its\n"
    "messages counted once and one merged fix; one finding per domain for forwarded\n"
    "mail and one for all unknown sources (--all-sources: one per unknown IP).\n"
    "Causes:\n"
    "  spf_include_missing   the sender's SPF include is missing from the record\n"
    "  spf_not_aligned       SPF passes for the sender's own bounce domain (info\n"
    "                        when DKIM passes: the vendor's normal set-up), or aspf=s\n"
    "  dkim_not_activated    no DKIM signature for the domain (key never created or\n"
    "                        activated), or a parent/subdomain key under adkim=s\n"
    "  dkim_key_unpublished  signatures for the domain fail: the key's record is\n"
    "                        missing or wrong, or its DNS fails for days\n"
    "  spf_permerror         the SPF record is broken (too many lookups, syntax), or\n"
    "                        its DNS fails for days\n"
    "  forwarded             forwarding or mailing lists: nothing to fix at source\n"
    "  unauthorized          unknown sources failing DMARC: spoofing, or a sender to\n"
    "                        set up\n"
    "  transient             a receiver's DNS timeout, or its result that other\n"
    "                        receivers contradict on the same day\n"
    "and per domain: policy_none, policy_pct, policy_testing,\n"
    "subdomain_policy_missing, enforcement_readiness (share of legitimate mail\n"
    "passing; ready at 98%; unknown when no legitimate mail was seen).\n"
    "Severity: fail (DMARC fails), warn (DMARC passes through the other mechanism,\n"
    "or a policy advice), info. Each finding's subject is sender, forwarders,\n"
    "unknown_sources or domain.\n"
    "Filters: --severity shows that level and worse; --cause keeps findings with\n"
    "that cause; --sender keeps one sender (a catalog id, 'unknown' or\n"
    "'forwarders'); --min-messages drops smaller findings; --top keeps the first N\n"
    "of each domain.";

constexpr std::size_t kWidth = 80;
constexpr std::size_t kIndent = 6;

std::string ips_text(const analysis::Finding& finding) {
  std::string text;
  for (const analysis::FindingSource& source : finding.sources)
    text += (text.empty() ? "" : " ") + source.ip;
  return text;
}

// The --sender name of a finding's subject; "" for domain findings.
std::string subject_key(const analysis::Finding& finding) {
  switch (finding.subject) {
    case analysis::Subject::kSender: return finding.sender->id;
    case analysis::Subject::kForwarders: return "forwarders";
    case analysis::Subject::kUnknownSources: return "unknown";
    case analysis::Subject::kDomain: break;
  }
  return {};
}

// The subject column: what kind of finding it is.
const char* subject_name(analysis::Subject subject) {
  switch (subject) {
    case analysis::Subject::kSender: return "sender";
    case analysis::Subject::kForwarders: return "forwarders";
    case analysis::Subject::kUnknownSources: return "unknown_sources";
    case analysis::Subject::kDomain: break;
  }
  return "domain";
}

std::string sender_name(const analysis::Finding& finding, analysis::Lang lang) {
  const bool ja = lang == analysis::Lang::kJa;
  switch (finding.subject) {
    case analysis::Subject::kSender: return finding.sender->name;
    case analysis::Subject::kForwarders:
      return ja ? "転送・メーリングリスト" : "forwarders and lists";
    case analysis::Subject::kUnknownSources:
      if (finding.source_count == 1 && !finding.sources.empty())
        return (ja ? "不明な送信元 " : "unknown source ") + finding.sources[0].ip;
      return ja ? "不明な送信元" : "unknown sources";
    case analysis::Subject::kDomain: break;
  }
  return ja ? "ドメイン全体" : "domain";
}

// "dkim_not_activated:fail:1330:1330;spf_not_aligned:fail:1330:1330": cause, severity,
// messages, of those failing DMARC.
std::string causes_text(const analysis::Finding& finding) {
  std::string text;
  for (const analysis::FindingCause& cause : finding.causes) {
    text += (text.empty() ? "" : ";") + std::string(analysis::cause_id(cause.cause)) + ":" +
            analysis::severity_name(cause.severity) + ":" + std::to_string(cause.messages) + ":" +
            std::to_string(cause.dmarc_fail);
  }
  return text;
}

// Takes the findings: their texts move into the table (tens of megabytes on a large store).
core::Table findings_table(std::vector<analysis::Finding> findings, analysis::Lang lang) {
  core::Table table;
  table.rows.reserve(findings.size());
  table.columns = {"domain",     "subject",    "sender",    "sender_name", "cause",
                   "severity",   "causes",     "messages",  "dmarc_fail",  "sources",
                   "source_ips", "first_seen", "last_seen", "evidence",    "fix"};
  for (analysis::Finding& finding : findings) {
    const bool dated = finding.subject != analysis::Subject::kDomain;
    table.rows.push_back({
        finding.domain,
        std::string(subject_name(finding.subject)),
        finding.sender != nullptr ? core::Cell(finding.sender->id) : core::Cell(std::monostate{}),
        sender_name(finding, lang),
        std::string(analysis::cause_id(finding.cause)),
        std::string(analysis::severity_name(finding.severity)),
        causes_text(finding),
        finding.messages,
        dated ? core::Cell(finding.dmarc_fail) : core::Cell(std::monostate{}),
        finding.source_count,
        ips_text(finding),
        dated ? core::Cell(core::format_day(finding.first_day)) : core::Cell(std::monostate{}),
        dated ? core::Cell(core::format_day(finding.last_day)) : core::Cell(std::monostate{}),
        std::move(finding.evidence),
        std::move(finding.fix),
    });
  }
  return table;
}

// JSON with the causes and sources as arrays of objects.
void write_findings_json(const std::vector<analysis::Finding>& findings, analysis::Lang lang,
                         std::ostream& out) {
  if (findings.empty()) {
    out << "[]\n";
    return;
  }
  std::string text = "[\n";
  auto key = [&](const char* name) {
    output::append_json_string(text, name);
    text += ": ";
  };
  auto field = [&](const char* name, const core::Cell& value, bool last = false) {
    key(name);
    output::append_json_value(text, value);
    if (!last) text += ", ";
  };
  for (std::size_t i = 0; i < findings.size(); ++i) {
    const analysis::Finding& finding = findings[i];
    const bool dated = finding.subject != analysis::Subject::kDomain;
    const core::Cell none = std::monostate{};
    text += "  {";
    field("domain", finding.domain);
    field("subject", std::string(subject_name(finding.subject)));
    field("sender", finding.sender != nullptr ? core::Cell(finding.sender->id) : none);
    field("sender_name", sender_name(finding, lang));
    field("cause", std::string(analysis::cause_id(finding.cause)));
    field("severity", std::string(analysis::severity_name(finding.severity)));
    key("causes");
    text += "[";
    for (std::size_t c = 0; c < finding.causes.size(); ++c) {
      const analysis::FindingCause& cause = finding.causes[c];
      text += c == 0 ? "{" : ", {";
      field("cause", std::string(analysis::cause_id(cause.cause)));
      field("severity", std::string(analysis::severity_name(cause.severity)));
      field("messages", cause.messages);
      field("dmarc_fail", cause.dmarc_fail, true);
      text += "}";
    }
    text += "], ";
    field("messages", finding.messages);
    field("dmarc_fail", dated ? core::Cell(finding.dmarc_fail) : none);
    field("source_count", finding.source_count);
    key("sources");
    text += "[";
    for (std::size_t s = 0; s < finding.sources.size(); ++s) {
      const analysis::FindingSource& source = finding.sources[s];
      text += s == 0 ? "{" : ", {";
      field("ip", source.ip);
      field("messages", source.messages, source.platform.empty());
      if (!source.platform.empty()) field("platform", source.platform, true);
      text += "}";
    }
    text += "], ";
    field("first_seen", dated ? core::Cell(core::format_day(finding.first_day)) : none);
    field("last_seen", dated ? core::Cell(core::format_day(finding.last_day)) : none);
    field("evidence", finding.evidence);
    field("fix", finding.fix, true);
    text += i + 1 < findings.size() ? "},\n" : "}\n";
    if (text.size() > (1u << 20)) {
      out << text;
      text.clear();
    }
  }
  text += "]\n";
  out << text;
}

// Appends `label` then `text` wrapped under it, within 80 columns (four are kept for
// Japanese closing punctuation, which hangs past the line: "です）。"). Numbered steps
// and list items get a hanging indent, and the details of a step sit under its text.
void print_wrapped(std::string& out, const std::string& label, const std::string& text) {
  const std::size_t label_width = core::display_width(label);
  const std::size_t width = kWidth - 4 - kIndent - label_width;
  bool first = true;
  std::size_t step_indent = 0;  // under the text of the numbered step last printed
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view paragraph = std::string_view(text).substr(start, end - start);
    start = end + 1;
    // "1. Do this" continues under "Do this", and so does "- an item of a list".
    std::size_t hang = 0;
    while (hang < paragraph.size() && paragraph[hang] >= '0' && paragraph[hang] <= '9') ++hang;
    hang = hang > 0 && hang + 1 < paragraph.size() && paragraph[hang] == '.' &&
                   paragraph[hang + 1] == ' '
               ? hang + 2
               : 0;
    // A record's fields, a command and its answer: under the step, as they are, so that
    // a name or a value is never broken.
    // A line too long for its place moves left as far as it must, and is never broken.
    if (paragraph.starts_with(analysis::kFixVerbatim) && !first) {
      const std::string line = core::terminal_safe(paragraph.substr(analysis::kFixVerbatim.size()));
      const std::size_t line_width = core::display_width(line);
      const std::size_t indent = kIndent + label_width + step_indent + 2;
      out.append(line_width + indent <= kWidth ? indent
                 : line_width < kWidth         ? kWidth - line_width
                                               : 0,
                 ' ');
      out += line;
      out += '\n';
      if (end == text.size()) break;
      continue;
    }
    // An item of a list ("- ...") sits under the step it belongs to, if any.
    std::size_t lead = 0;
    if (hang > 0) {
      step_indent = hang;
    } else if (paragraph.starts_with("- ")) {
      lead = step_indent;
    } else {
      step_indent = 0;
    }
    if (paragraph.starts_with("- ")) hang = 2;
    const std::vector<std::string> lines =
        output::wrap(paragraph.substr(hang), width - lead - hang);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.append(kIndent, ' ');
      if (first) {
        out += label;
      } else {
        out.append(label_width, ' ');
      }
      out.append(lead, ' ');
      if (i == 0) {
        out += paragraph.substr(0, hang);
      } else {
        out.append(hang, ' ');
      }
      out += lines[i];
      out += '\n';
      first = false;
    }
    if (end == text.size()) break;
  }
}

// One finding's block of the 80-column view, with its domain's heading when it is the
// first finding of the domain.
std::string finding_block(const analysis::Finding& finding, bool first_of_domain, bool first,
                          analysis::Lang lang) {
  const bool ja = lang == analysis::Lang::kJa;
  std::string out;
  out.reserve(1024);
  if (first_of_domain) {
    const std::string heading = output::wrap(finding.domain, kWidth)[0];
    if (!first) out += '\n';
    out += heading;
    out += '\n';
    out.append(std::min<std::size_t>(kWidth, core::display_width(heading)), '=');
    out += '\n';
  }
  const std::string severity = analysis::severity_label(finding.severity, lang);
  std::string causes;
  for (const analysis::FindingCause& cause : finding.causes) {
    causes += (causes.empty() ? "" : (ja ? "、" : ", ")) +
              std::string(analysis::cause_label(cause.cause, lang));
  }
  const std::size_t severity_width = core::display_width(severity);
  std::string head = severity +
                     std::string(severity_width + 2 > kIndent ? 2 : kIndent - severity_width, ' ') +
                     sender_name(finding, lang) + (ja ? "：" : ": ") + causes;
  for (const std::string& line : output::wrap(head, kWidth)) {
    out += line;
    out += '\n';
  }
  std::string facts = with_thousands(finding.messages) + (ja ? " 通" : " messages");
  if (finding.subject != analysis::Subject::kDomain) {
    if (finding.dmarc_fail > 0) {
      facts += ja ? "（うち DMARC 失敗 " + with_thousands(finding.dmarc_fail) + " 通）"
                  : " (" + with_thousands(finding.dmarc_fail) + " failing DMARC)";
    }
    facts += (ja ? "、" : ", ") + core::format_day(finding.first_day) + (ja ? " 〜 " : " to ") +
             core::format_day(finding.last_day);
  }
  print_wrapped(out, "", facts);
  if (!finding.sources.empty()) {
    std::string sources;
    for (const analysis::FindingSource& source : finding.sources) {
      sources +=
          (sources.empty() ? "" : ", ") + source.ip + " (" + with_thousands(source.messages) + ")";
    }
    const std::int64_t more =
        finding.source_count - static_cast<std::int64_t>(finding.sources.size());
    if (more > 0)
      sources +=
          ja ? "、ほか " + with_thousands(more) + " 件" : ", and " + with_thousands(more) + " more";
    print_wrapped(out, ja ? "送信元：" : "Sources: ", sources);
  }
  if (finding.causes.size() > 1) {
    std::string list;
    for (const analysis::FindingCause& cause : finding.causes) {
      list +=
          ja ? (list.empty() ? "" : "；") + std::string(analysis::cause_label(cause.cause, lang)) +
                   "（" + analysis::severity_label(cause.severity, lang) + "、" +
                   with_thousands(cause.messages) + " 通、うち DMARC 失敗 " +
                   with_thousands(cause.dmarc_fail) + " 通）"
             : (list.empty() ? "" : "; ") + std::string(analysis::cause_id(cause.cause)) + " (" +
                   analysis::severity_name(cause.severity) + ", " + with_thousands(cause.messages) +
                   " messages, " + with_thousands(cause.dmarc_fail) + " failing DMARC)";
    }
    print_wrapped(out, ja ? "原因：" : "Causes: ", list);
  }
  print_wrapped(out, ja ? "根拠：" : "Evidence: ", finding.evidence);
  print_wrapped(out, ja ? "対処：" : "Fix: ", finding.fix);
  return out;
}

// The 80-column view: one block per domain, worst findings first. Wrapping tens of
// thousands of fix texts takes a while on a big store: the cores share the blocks,
// which are then written in order.
void print_findings(const std::vector<analysis::Finding>& findings, analysis::Lang lang,
                    std::ostream& out) {
  std::vector<std::string> blocks(findings.size());
  auto render = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      blocks[i] = finding_block(findings[i], i == 0 || findings[i - 1].domain != findings[i].domain,
                                i == 0, lang);
    }
  };
  core::for_each_share(findings.size(), render);
  for (const std::string& block : blocks) out << block;
  if (findings.empty())
    out << (lang == analysis::Lang::kJa ? "問題は見つかりませんでした。\n" : "No findings.\n");
}

}  // namespace

int run_explain(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("explain options");
  add_db_option(options);
  add_filter_options(options);
  // One option per line, as Boost.Program_options documents them.
  // clang-format off
  options.add_options()
      ("severity", po::value<std::string>(), "show only this severity and worse: fail, warn, info")
      ("cause", po::value<std::vector<std::string>>(), "only findings with this cause (repeatable)")
      ("sender", po::value<std::vector<std::string>>(),
       "only this sender: a catalog id, 'unknown' or 'forwarders' (repeatable)")
      ("min-messages", po::value<std::int64_t>(), "only findings of at least N messages")
      ("top", po::value<std::int64_t>(), "only the first N findings of each domain")
      ("all-sources", "one finding per unknown source IP instead of one per domain");
  // clang-format on
  add_lang_option(options);
  add_format_option(options);
  add_catalog_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const Filters filters = filters_of(*vm, global);
  const output::Format format = format_of(*vm);
  const analysis::Lang lang = lang_of(*vm, global);
  analysis::Severity worst_shown = analysis::Severity::kInfo;
  if (vm->count("severity")) {
    const std::string name = (*vm)["severity"].as<std::string>();
    if (name == "fail") {
      worst_shown = analysis::Severity::kFail;
    } else if (name == "warn") {
      worst_shown = analysis::Severity::kWarn;
    } else if (name != "info") {
      throw UsageError{"unknown --severity '" + name + "' (choose fail, warn or info)"};
    }
  }
  std::vector<analysis::Cause> causes;
  if (vm->count("cause")) {
    for (const std::string& id : (*vm)["cause"].as<std::vector<std::string>>()) {
      const auto cause = analysis::parse_cause(id);
      if (!cause) throw UsageError{"unknown --cause '" + id + "' (see dmarcq explain --help)"};
      causes.push_back(*cause);
    }
  }
  std::int64_t min_messages = 0, top = 0;
  for (auto [name, target] : {std::pair{"min-messages", &min_messages}, std::pair{"top", &top}}) {
    if (!vm->count(name)) continue;
    *target = (*vm)[name].as<std::int64_t>();
    if (*target < (std::string_view(name) == "top" ? 1 : 0)) {
      throw UsageError{"--" + std::string(name) + " must be " +
                       (std::string_view(name) == "top" ? "1" : "0") + " or more"};
    }
  }
  const analysis::Catalog catalog = load_catalog(global, *vm);
  std::vector<std::string> senders;
  if (vm->count("sender")) {
    senders = (*vm)["sender"].as<std::vector<std::string>>();
    for (const std::string& id : senders) {
      if (id != "unknown" && id != "forwarders" && catalog.find(id) == nullptr) {
        throw UsageError{"unknown --sender '" + id +
                         "' (a catalog id from dmarcq senders, 'unknown' or 'forwarders')"};
      }
    }
  }
  auto store = open_store_or_report(*vm, global, store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  if (!check_coverage(*store, filters.domains, filters.from_day, filters.to_day)) {
    return kExitFatal;
  }
  store::RecordFilter filter{filters.domains, filters.from_day, filters.to_day};
  analysis::ExplainOptions explain_options;
  explain_options.all_sources = vm->count("all-sources") > 0;
  auto findings = analysis::explain(*store, filter, catalog, lang, explain_options);
  if (!findings) {
    print_error(findings.error().to_string());
    return kExitFatal;
  }
  std::erase_if(*findings, [&](const analysis::Finding& f) {
    if (f.severity > worst_shown || f.messages < min_messages) return true;
    if (!causes.empty() &&
        std::none_of(f.causes.begin(), f.causes.end(), [&](const analysis::FindingCause& c) {
          return std::find(causes.begin(), causes.end(), c.cause) != causes.end();
        })) {
      return true;
    }
    return !senders.empty() &&
           std::find(senders.begin(), senders.end(), subject_key(f)) == senders.end();
  });
  if (top > 0) {
    // Findings come sorted by domain, worst first: keep each domain's first `top`.
    std::vector<analysis::Finding> kept;
    std::int64_t shown = 0;
    for (std::size_t i = 0; i < findings->size(); ++i) {
      shown = i > 0 && (*findings)[i - 1].domain == (*findings)[i].domain ? shown + 1 : 1;
      if (shown <= top) kept.push_back(std::move((*findings)[i]));
    }
    *findings = std::move(kept);
  }
  if (format == output::Format::kTable) {
    print_findings(*findings, lang, std::cout);
  } else if (format == output::Format::kJson) {
    write_findings_json(*findings, lang, std::cout);
  } else {
    output::write(findings_table(std::move(*findings), lang), format, std::cout);
  }
  return kExitOk;
}

}  // namespace dmarcq::cli
