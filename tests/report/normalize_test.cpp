#include "report/normalize.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace dmarcq::report {
namespace {

constexpr Vocabulary kVocabularies[] = {
    Vocabulary::kAlignment,   Vocabulary::kPolicy,  Vocabulary::kTesting, Vocabulary::kDiscovery,
    Vocabulary::kDisposition, Vocabulary::kVerdict, Vocabulary::kReason,  Vocabulary::kDkimResult,
    Vocabulary::kSpfResult,   Vocabulary::kScope,
};

// Every word of every vocabulary, every alias, and spellings of them that the
// shortcut must leave to the general path: other case, padding, a trailing dot,
// truncations, extensions, non-ASCII and NUL bytes.
std::vector<std::string> tricky_words() {
  std::vector<std::string> bases = {"", " ", "\t\r\n", "pas", "passx", "pass."};
  for (Vocabulary vocabulary : kVocabularies) {
    for (std::string_view word : vocabulary_words(vocabulary)) bases.emplace_back(word);
    for (const Alias& alias : legacy_aliases(vocabulary)) bases.emplace_back(alias.from);
  }
  std::vector<std::string> words;
  for (const std::string& base : bases) {
    std::string upper = base;
    for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    std::string capitalised = base;
    if (!capitalised.empty() && capitalised[0] >= 'a' && capitalised[0] <= 'z')
      capitalised[0] -= 32;
    for (const std::string& spelling : {base, upper, capitalised}) {
      words.push_back(spelling);
      words.push_back(" " + spelling);
      words.push_back(spelling + "\n");
      words.push_back(spelling + ".");
      words.push_back(spelling + "\xC2\xA0");
      words.push_back(std::string(1, '\0') + spelling);
      words.push_back(spelling + std::string(1, '\0'));
      if (!spelling.empty()) words.push_back(spelling.substr(1));
      if (!spelling.empty()) words.push_back(spelling.substr(0, spelling.size() - 1));
    }
  }
  return words;
}

TEST_CASE("normalize_word: the shortcut for exact words agrees with the general path") {
  for (Vocabulary vocabulary : kVocabularies) {
    for (const std::string& text : tricky_words()) {
      CAPTURE(static_cast<int>(vocabulary));
      CAPTURE(text);
      const NormalizedWord fast = normalize_word(text, vocabulary);
      const NormalizedWord general = normalize_word_without_shortcut(text, vocabulary);
      CHECK(fast.word == general.word);
      CHECK(fast.known == general.known);
    }
  }
}

TEST_CASE("normalize_word: no legacy spelling is a word of a vocabulary") {
  // The shortcut returns a word found in its vocabulary as is; were an alias also a
  // word, the general path would map it and the two would differ.
  for (Vocabulary vocabulary : kVocabularies) {
    for (const Alias& alias : legacy_aliases(vocabulary)) {
      for (Vocabulary other : kVocabularies) {
        for (std::string_view word : vocabulary_words(other)) {
          CAPTURE(word);
          CHECK(word != alias.from);
        }
      }
    }
  }
}

TEST_CASE("normalize_word: legacy words, case, padding, unknown words") {
  CHECK(normalize_word(" HardFail ", Vocabulary::kSpfResult).word == "fail");
  CHECK(normalize_word("unknown", Vocabulary::kDkimResult).word == "temperror");
  CHECK(normalize_word("error", Vocabulary::kSpfResult).word == "permerror");
  CHECK(normalize_word("error", Vocabulary::kVerdict).word == "error");
  CHECK_FALSE(normalize_word("error", Vocabulary::kVerdict).known);
  CHECK(normalize_word("PASS", Vocabulary::kVerdict).word == "pass");
  CHECK(normalize_word("", Vocabulary::kVerdict).known);
}

}  // namespace
}  // namespace dmarcq::report
