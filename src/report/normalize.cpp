#include "report/normalize.h"

#include <algorithm>
#include <array>
#include <initializer_list>

#include "core/text.h"

namespace dmarcq::report {

namespace {

struct Alias {
  std::string_view from;
  std::string_view to;
};

bool contains(std::initializer_list<std::string_view> words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

}  // namespace

NormalizedWord normalize_word(std::string_view text, Vocabulary vocabulary) {
  std::string word = core::ascii_lower(core::trim(text));
  if (word.empty()) return {std::move(word), true};

  static constexpr std::array<Alias, 3> kResultAliases = {{
      {"hardfail", "fail"},
      {"unknown", "temperror"},
      {"error", "permerror"},
  }};
  if (vocabulary == Vocabulary::kDkimResult || vocabulary == Vocabulary::kSpfResult) {
    for (const Alias& alias : kResultAliases) {
      if (word == alias.from) word = std::string(alias.to);
    }
  }
  bool known = false;
  switch (vocabulary) {
    case Vocabulary::kAlignment:
      known = contains({"r", "s"}, word);
      break;
    case Vocabulary::kPolicy:
      known = contains({"none", "quarantine", "reject"}, word);
      break;
    case Vocabulary::kTesting:
      known = contains({"n", "y"}, word);
      break;
    case Vocabulary::kDiscovery:
      known = contains({"psl", "treewalk"}, word);
      break;
    case Vocabulary::kDisposition:
      known = contains({"none", "quarantine", "reject", "pass"}, word);
      break;
    case Vocabulary::kVerdict:
      known = contains({"pass", "fail"}, word);
      break;
    case Vocabulary::kReason:
      known = contains({"forwarded", "sampled_out", "trusted_forwarder", "mailing_list",
                        "local_policy", "other", "policy_test_mode"},
                       word);
      break;
    case Vocabulary::kDkimResult:
      known = contains({"none", "pass", "fail", "policy", "neutral", "temperror", "permerror"}, word);
      break;
    case Vocabulary::kSpfResult:
      known = contains(
          {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror", "policy"}, word);
      break;
    case Vocabulary::kScope:
      known = contains({"mfrom", "helo"}, word);
      break;
  }
  return {std::move(word), known};
}

std::string normalize_domain(std::string_view text) {
  std::string domain = core::ascii_lower(core::trim(text));
  if (!domain.empty() && domain.back() == '.') domain.pop_back();
  return domain;
}

}  // namespace dmarcq::report
