// dmarcq explain: every failing source, its cause, the messages affected, and the fix.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "core/date.h"
#include "core/parallel.h"
#include "core/text.h"

namespace dmarcq::cli {

namespace {

constexpr const char* kUsage =
    "usage: dmarcq [--db PATH] [--catalog FILE] explain [--domain D] [--from DATE] [--to DATE]\n"
    "                      [--severity fail|warn|info] [--lang en|ja] [--format table|csv|json]\n"
    "\n"
    "Attributes every failing source to a cause and says what to change. Sources are\n"
    "identified with the sender catalog (dmarcq senders): by an SPF or DKIM pass for\n"
    "the sender's own domains, else by its IP ranges; unknown sources are listed by IP.\n"
    "One finding per (domain, sender or source IP, cause):\n"
    "  spf_include_missing   the sender's SPF include is missing from the domain's record\n"
    "  spf_not_aligned       SPF passes, but for the sender's own bounce domain\n"
    "  dkim_not_activated    no DKIM signature for the domain (key never created/activated)\n"
    "  dkim_key_unpublished  signatures for the domain fail: the selector record is wrong\n"
    "  spf_permerror         the domain's SPF record is broken (too many lookups, syntax)\n"
    "  forwarded             forwarding or mailing lists: nothing to fix at the source\n"
    "  unauthorized          unknown sources failing SPF and DKIM: spoofing, or a sender\n"
    "                        to set up\n"
    "and per domain: policy_none, policy_pct, subdomain_policy_missing,\n"
    "enforcement_readiness (share of legitimate mail passing; ready at 98%).\n"
    "Severity: fail (DMARC fails), warn (DMARC passes through the other mechanism, or a\n"
    "policy advice), info. --severity shows that level and worse.";

constexpr std::size_t kWidth = 80;
constexpr std::size_t kIndent = 6;

std::string ips_text(const analysis::Finding& finding) {
  std::string text;
  for (const auto& [ip, messages] : finding.source_ips) text += (text.empty() ? "" : " ") + ip;
  return text;
}

std::string sender_name(const analysis::Finding& finding, analysis::Lang lang) {
  if (finding.sender != nullptr) return finding.sender->name;
  if (finding.source_ips.empty()) return lang == analysis::Lang::kJa ? "ドメイン全体" : "domain";
  return lang == analysis::Lang::kJa ? "不明な送信元" : "unknown source";
}

// Takes the findings: their texts move into the table (tens of megabytes on a large store).
core::Table findings_table(std::vector<analysis::Finding> findings, analysis::Lang lang) {
  core::Table table;
  table.rows.reserve(findings.size());
  table.columns = {"domain", "sender", "sender_name", "cause", "severity", "messages", "source_ips",
                   "first_seen", "last_seen", "evidence", "fix"};
  for (analysis::Finding& finding : findings) {
    const bool dated = !finding.source_ips.empty();
    table.rows.push_back({
        finding.domain,
        finding.sender != nullptr ? core::Cell(finding.sender->id) : core::Cell(std::monostate{}),
        sender_name(finding, lang),
        std::string(analysis::cause_id(finding.cause)),
        std::string(analysis::severity_name(finding.severity)),
        finding.messages,
        ips_text(finding),
        dated ? core::Cell(core::format_day(finding.first_day)) : core::Cell(std::monostate{}),
        dated ? core::Cell(core::format_day(finding.last_day)) : core::Cell(std::monostate{}),
        std::move(finding.evidence),
        std::move(finding.fix),
    });
  }
  return table;
}

// Appends `label` then `text` wrapped under it, within 80 columns (four are kept for
// Japanese closing punctuation, which hangs past the line: "です）。"). Numbered steps
// get a hanging indent.
void print_wrapped(std::string& out, const std::string& label, const std::string& text) {
  const std::size_t label_width = core::display_width(label);
  const std::size_t width = kWidth - 4 - kIndent - label_width;
  bool first = true;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view paragraph = std::string_view(text).substr(start, end - start);
    start = end + 1;
    // "1. Do this" continues under "Do this".
    std::size_t hang = 0;
    while (hang < paragraph.size() && paragraph[hang] >= '0' && paragraph[hang] <= '9') ++hang;
    hang = hang > 0 && hang + 1 < paragraph.size() && paragraph[hang] == '.' && paragraph[hang + 1] == ' ' ? hang + 2 : 0;
    const std::vector<std::string> lines = output::wrap(paragraph.substr(hang), width - hang);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out.append(kIndent, ' ');
      if (first) {
        out += label;
      } else {
        out.append(label_width, ' ');
      }
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
std::string finding_block(const analysis::Finding& finding, bool first_of_domain, bool first, analysis::Lang lang) {
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
  std::string severity = analysis::severity_name(finding.severity);
  for (char& c : severity) c = static_cast<char>(c - 32);
  std::string head = severity + std::string(kIndent - severity.size(), ' ') + sender_name(finding, lang) + ": " +
                     analysis::cause_id(finding.cause);
  for (const std::string& line : output::wrap(head, kWidth)) {
    out += line;
    out += '\n';
  }
  std::string facts = with_thousands(finding.messages) + (ja ? " 通" : " messages");
  if (!finding.source_ips.empty()) {
    facts += ", " + core::format_day(finding.first_day) + (ja ? " 〜 " : " to ") + core::format_day(finding.last_day);
    facts += (ja ? ", 送信元 " : ", from ") + ips_text(finding);
  }
  print_wrapped(out, "", facts);
  print_wrapped(out, ja ? "根拠: " : "Evidence: ", finding.evidence);
  print_wrapped(out, ja ? "対処: " : "Fix: ", finding.fix);
  return out;
}

// The 80-column view: one block per domain, worst findings first. Wrapping tens of
// thousands of fix texts takes a while on a big store: the cores share the blocks,
// which are then written in order.
void print_findings(const std::vector<analysis::Finding>& findings, analysis::Lang lang, std::ostream& out) {
  std::vector<std::string> blocks(findings.size());
  auto render = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      blocks[i] = finding_block(findings[i], i == 0 || findings[i - 1].domain != findings[i].domain, i == 0, lang);
    }
  };
  core::for_each_share(findings.size(), render);
  for (const std::string& block : blocks) out << block;
  if (findings.empty()) out << (lang == analysis::Lang::kJa ? "問題は見つかりませんでした。\n" : "No findings.\n");
}

}  // namespace

int run_explain(const GlobalOptions& global, const std::vector<std::string>& args) {
  po::options_description options("explain options");
  add_db_option(options);
  add_filter_options(options);
  options.add_options()("severity", po::value<std::string>(), "show only this severity and worse: fail, warn, info");
  add_lang_option(options);
  add_format_option(options);
  auto vm = parse_command_line(args, options, {}, kUsage);
  if (!vm) return kExitOk;
  const Filters filters = filters_of(*vm);
  const output::Format format = format_of(*vm);
  const analysis::Lang lang = lang_of(*vm);
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
  const analysis::Catalog catalog = load_catalog(global);
  auto store = open_store_or_report(db_path_of(*vm, global), store::OpenMode::kReadOnly);
  if (!store) return kExitFatal;
  store::RecordFilter filter{filters.domains, filters.from_day, filters.to_day};
  auto findings = analysis::explain(*store, filter, catalog, lang);
  if (!findings) {
    print_error(findings.error().to_string());
    return kExitFatal;
  }
  std::erase_if(*findings, [&](const analysis::Finding& f) { return f.severity > worst_shown; });
  if (format == output::Format::kTable) {
    print_findings(*findings, lang, std::cout);
  } else {
    output::write(findings_table(std::move(*findings), lang), format, std::cout);
  }
  return kExitOk;
}

}  // namespace dmarcq::cli
