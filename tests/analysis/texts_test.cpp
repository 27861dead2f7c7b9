// The guard over the text files (schema/text/*.toml): every declared id in every
// language, no id a language has that the code does not declare, no placeholder the
// code does not fill (a language may leave a value out), and filling them leaves no
// gap.
#include "analysis/texts.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

namespace dmarcq::analysis {
namespace {

// The "{name}" placeholders of a wording.
std::set<std::string> placeholders_of(const std::string& wording) {
  std::set<std::string> names;
  for (std::size_t open = wording.find('{'); open != std::string::npos;
       open = wording.find('{', open + 1)) {
    const std::size_t close = wording.find('}', open);
    REQUIRE(close != std::string::npos);
    names.insert(wording.substr(open + 1, close - open - 1));
  }
  return names;
}

std::set<std::string> declared(std::string_view placeholders) {
  std::set<std::string> names;
  std::size_t start = 0;
  while (start < placeholders.size()) {
    std::size_t end = placeholders.find(' ', start);
    if (end == std::string_view::npos) end = placeholders.size();
    if (end > start) names.insert(std::string(placeholders.substr(start, end - start)));
    start = end + 1;
  }
  return names;
}

TEST_CASE("texts: every declared id exists in every language, with its placeholders") {
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    std::set<std::string> ids;
    for (const TextSpec& spec : text_specs()) {
      CAPTURE(spec.id);
      CAPTURE(static_cast<int>(lang));
      const std::optional<std::string> wording = raw_text(lang, spec.id);
      REQUIRE(wording.has_value());
      CHECK_FALSE(wording->empty());
      // A language may leave a value out (Japanese need not repeat a sender's name),
      // never use one the code does not fill.
      for (const std::string& name : placeholders_of(*wording)) {
        CAPTURE(name);
        CHECK(declared(spec.placeholders).count(name) == 1);
      }
      CHECK(ids.insert(std::string(spec.id)).second);  // declared once
    }
    // No wording the code does not declare (a stale or misspelt id).
    for (const std::string& id : text_ids(lang)) {
      CAPTURE(id);
      CHECK(ids.count(id) == 1);
    }
  }
}

TEST_CASE("texts: filling every placeholder leaves no brace, in every language") {
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    for (const TextSpec& spec : text_specs()) {
      CAPTURE(spec.id);
      const std::set<std::string> names = declared(spec.placeholders);
      std::vector<std::pair<std::string, std::string>> storage;
      for (const std::string& name : names) storage.emplace_back(name, "X" + name);
      std::vector<TextValue> values;
      for (const auto& [name, value] : storage) values.emplace_back(name, value);
      const std::string filled = text(lang, spec.id, values);
      CHECK(filled.find('{') == std::string::npos);
      // Every value shows in at least one language.
      for (const auto& [name, value] : storage) {
        CAPTURE(name);
        if (lang == Lang::kJa) {
          const std::string en = text(Lang::kEn, spec.id, values);
          CHECK((filled.find(value) != std::string::npos || en.find(value) != std::string::npos));
        }
      }
    }
  }
}

TEST_CASE("texts: a placeholder goes where the language puts it") {
  CHECK(text(Lang::kEn, "fix.record_name", {{"name", "k2._domainkey.example.com"}}) ==
        "Name:  k2._domainkey.example.com");
  CHECK(text(Lang::kJa, "fix.host_field", {{"host", "sf1._domainkey"}}) ==
        "DNS 管理画面のホスト名の欄：sf1._domainkey");
  CHECK(text(Lang::kJa, "severity.fail") == "要対応");
  CHECK(text(Lang::kEn, "severity.fail") == "FAIL");
  // An unknown id shows as itself, never as an empty string.
  CHECK(text(Lang::kEn, "no.such.id") == "no.such.id");
}

}  // namespace
}  // namespace dmarcq::analysis
