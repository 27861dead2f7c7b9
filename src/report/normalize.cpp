#include "report/normalize.h"

#include <algorithm>

#include "core/text.h"

namespace dmarcq::report {

namespace {

bool contains(std::span<const std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

constexpr std::string_view kAlignmentWords[] = {"r", "s"};
constexpr std::string_view kPolicyWords[] = {"none", "quarantine", "reject"};
constexpr std::string_view kTestingWords[] = {"n", "y"};
constexpr std::string_view kDiscoveryWords[] = {"psl", "treewalk"};
constexpr std::string_view kDispositionWords[] = {"none", "quarantine", "reject", "pass"};
constexpr std::string_view kVerdictWords[] = {"pass", "fail"};
constexpr std::string_view kReasonWords[] = {"forwarded",       "sampled_out",  "trusted_forwarder",
                                             "mailing_list",    "local_policy", "other",
                                             "policy_test_mode"};
constexpr std::string_view kDkimResultWords[] = {"none",    "pass",      "fail",     "policy",
                                                 "neutral", "temperror", "permerror"};
constexpr std::string_view kSpfResultWords[] = {"none",     "neutral",   "pass",      "fail",
                                                "softfail", "temperror", "permerror", "policy"};
constexpr std::string_view kScopeWords[] = {"mfrom", "helo"};

// Legacy spellings of DKIM and SPF results. None is a word of any vocabulary, so a
// word found in its vocabulary as written is never an alias.
constexpr Alias kResultAliases[] = {
    {"hardfail", "fail"},
    {"unknown", "temperror"},
    {"error", "permerror"},
};

}  // namespace

std::span<const std::string_view> vocabulary_words(Vocabulary vocabulary) {
  switch (vocabulary) {
    case Vocabulary::kAlignment: return kAlignmentWords;
    case Vocabulary::kPolicy: return kPolicyWords;
    case Vocabulary::kTesting: return kTestingWords;
    case Vocabulary::kDiscovery: return kDiscoveryWords;
    case Vocabulary::kDisposition: return kDispositionWords;
    case Vocabulary::kVerdict: return kVerdictWords;
    case Vocabulary::kReason: return kReasonWords;
    case Vocabulary::kDkimResult: return kDkimResultWords;
    case Vocabulary::kSpfResult: return kSpfResultWords;
    case Vocabulary::kScope: return kScopeWords;
  }
  return {};
}

std::span<const Alias> legacy_aliases(Vocabulary vocabulary) {
  if (vocabulary == Vocabulary::kDkimResult || vocabulary == Vocabulary::kSpfResult) {
    return kResultAliases;
  }
  return {};
}

NormalizedWord normalize_word(std::string_view text, Vocabulary vocabulary) {
  // Nearly every value is a vocabulary word as the schema writes it: nothing to trim,
  // lower or map, as the tests that compare this with the general path check.
  if (contains(vocabulary_words(vocabulary), text)) return {std::string(text), true};
  return normalize_word_without_shortcut(text, vocabulary);
}

NormalizedWord normalize_word_without_shortcut(std::string_view text, Vocabulary vocabulary) {
  std::string word = core::ascii_lower(core::trim(text));
  if (word.empty()) return {std::move(word), true};
  for (const Alias& alias : legacy_aliases(vocabulary)) {
    if (word == alias.from) word = std::string(alias.to);
  }
  const bool known = contains(vocabulary_words(vocabulary), word);
  return {std::move(word), known};
}

std::string normalize_domain(std::string_view text) {
  std::string domain = core::ascii_lower(core::trim(text));
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

}  // namespace dmarcq::report
