// Private to report/: normalising the words and names reporters write.
#ifndef DMARCQ_REPORT_NORMALIZE_H_
#define DMARCQ_REPORT_NORMALIZE_H_

#include <span>
#include <string>
#include <string_view>

#include "report/report.h"

namespace dmarcq::report {

// The closed vocabularies of the two schemas.
enum class Vocabulary {
  kAlignment,    // adkim, aspf: r|s
  kPolicy,       // p, sp, np: none|quarantine|reject
  kTesting,      // testing: n|y
  kDiscovery,    // discovery_method: psl|treewalk
  kDisposition,  // none|quarantine|reject|pass
  kVerdict,      // policy_evaluated dkim/spf: pass|fail
  kReason,       // override reason types of RFC 7489 and RFC 9990
  kDkimResult,   // RFC 8601 DKIM results
  kSpfResult,    // RFC 8601 SPF results, plus RFC 9990's "policy"
  kScope,        // mfrom|helo
};

struct NormalizedWord {
  std::string word;  // lower-case, legacy words mapped; empty stays empty
  bool known;        // false when the word is not in the vocabulary (kept as is)
};

// Lower-cases and maps legacy spellings seen in the wild: SPF/DKIM "hardfail" -> fail,
// "unknown" -> temperror and "error" -> permerror (the RFC 7489 XSD's own comments).
NormalizedWord normalize_word(std::string_view text, Vocabulary vocabulary);

// normalize_word without its shortcut for a word written exactly as in the
// vocabulary: for the tests that keep the two in agreement.
NormalizedWord normalize_word_without_shortcut(std::string_view text, Vocabulary vocabulary);

// The words of `vocabulary`, in lower case.
std::span<const std::string_view> vocabulary_words(Vocabulary vocabulary);

// A legacy spelling and the word it stands for.
struct Alias {
  std::string_view from;
  std::string_view to;
};

// The legacy spellings normalize_word maps in `vocabulary`.
std::span<const Alias> legacy_aliases(Vocabulary vocabulary);

// normalize_domain is declared in report.h.

}  // namespace dmarcq::report

#endif  // DMARCQ_REPORT_NORMALIZE_H_
