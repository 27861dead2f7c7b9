// The words dmarcq shows people, per language, kept as data: schema/text/en.toml and
// ja.toml, embedded in the binary. A text has an id ("fix.reports_check") and may have
// named placeholders ("{checks}"), so that each language puts them where its word
// order needs them. Explain, digest and the HTML report take their shared wording
// from here.
#ifndef DMARCQ_ANALYSIS_TEXTS_H_
#define DMARCQ_ANALYSIS_TEXTS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

// A text id and the placeholders its wording uses in every language, space-separated
// ("checks"); declared once so that a guard test can hold each language to them.
struct TextSpec {
  std::string_view id;
  std::string_view placeholders;
};
std::span<const TextSpec> text_specs();

using TextValue = std::pair<std::string_view, std::string_view>;

// The wording of `id` in `lang` with each "{name}" replaced by its value from
// `values`. An id missing from the language's file gives the id itself (the guard test
// keeps that from shipping).
std::string text(Lang lang, std::string_view id, std::span<const TextValue> values);
inline std::string text(Lang lang, std::string_view id,
                        std::initializer_list<TextValue> values = {}) {
  return text(lang, id, std::span<const TextValue>(values.begin(), values.size()));
}

// The wording as written in the language's file, placeholders unfilled; nullopt when
// the file has no such id. For the guard test.
std::optional<std::string> raw_text(Lang lang, std::string_view id);

// Every id the language's file holds ("severity.fail", ...), sorted.
std::vector<std::string> text_ids(Lang lang);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_TEXTS_H_
