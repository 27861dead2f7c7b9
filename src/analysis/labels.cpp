// The names people read for causes and severities, from the text files
// (schema/text/*.toml). The ids ("dkim_not_activated", "fail") stay in JSON and CSV,
// where scripts read them; the English table shows the ids too, the Japanese one
// names them in Japanese.
#include "analysis/analysis.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {

const char* cause_label(Cause cause, Lang lang) {
  // The labels live as long as the texts (loaded once, never freed).
  static const std::vector<std::string> en = [] {
    std::vector<std::string> labels;
    for (int c = 0; c <= static_cast<int>(Cause::kEnforcementReadiness); ++c)
      labels.push_back(text(Lang::kEn, "cause." + std::string(cause_id(static_cast<Cause>(c)))));
    return labels;
  }();
  static const std::vector<std::string> ja = [] {
    std::vector<std::string> labels;
    for (int c = 0; c <= static_cast<int>(Cause::kEnforcementReadiness); ++c)
      labels.push_back(text(Lang::kJa, "cause." + std::string(cause_id(static_cast<Cause>(c)))));
    return labels;
  }();
  return (lang == Lang::kJa ? ja : en)[static_cast<std::size_t>(cause)].c_str();
}

std::string severity_label(Severity severity, Lang lang) {
  return text(lang, "severity." + std::string(severity_name(severity)));
}

}  // namespace dmarcq::analysis
