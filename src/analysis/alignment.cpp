// alignment: RFC 7489 identifier alignment, recomputed from the reported domains with
// the Public Suffix List (libpsl, with the list Debian's publicsuffix package keeps
// current). The reporter's policy_evaluated verdict decides pass or fail; this only
// explains it ("SPF passed, but for bnc.salesforce.com, which is not example.jp").
#include <libpsl.h>

#include <mutex>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

namespace {

const psl_ctx_t* psl() {
  static const psl_ctx_t* context = [] {
    // The installed list when there is one (newer), else the one built into libpsl.
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return context;
}

}  // namespace

std::string organizational_domain(std::string_view domain) {
  const std::string name(domain);
  const psl_ctx_t* context = psl();
  if (context == nullptr || name.empty()) return name;
  const char* registrable = psl_registrable_domain(context, name.c_str());
  return registrable != nullptr ? std::string(registrable) : name;
}

bool aligned(std::string_view a, std::string_view b, bool strict) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  if (strict) return false;
  return organizational_domain(a) == organizational_domain(b);
}

}  // namespace dmarcq::analysis
