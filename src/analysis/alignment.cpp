// alignment: RFC 7489 identifier alignment, recomputed from the reported domains with
// the Public Suffix List (libpsl, with the list Debian's publicsuffix package keeps
// current). The reporter's policy_evaluated verdict decides pass or fail; this only
// explains it ("SPF passed, but for bnc.salesforce.com, which is not example.jp").
#include <libpsl.h>

#include <mutex>
#include <unordered_map>

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
  // Reports name the same few domains millions of times: remember the answers. The
  // cache is per thread, so no lock; it is bounded so that hostile input cannot grow it.
  thread_local std::unordered_map<std::string, std::string> cache;
  const std::string name(domain);
  if (auto known = cache.find(name); known != cache.end()) return known->second;
  const psl_ctx_t* context = psl();
  std::string result = name;
  if (context != nullptr && !name.empty()) {
    const char* registrable = psl_registrable_domain(context, name.c_str());
    if (registrable != nullptr) result = registrable;
  }
  if (cache.size() > 100000) cache.clear();
  cache.emplace(name, result);
  return result;
}

bool aligned(std::string_view a, std::string_view b, bool strict) {
  if (a.empty() || b.empty()) return false;
  if (a == b) return true;
  if (strict) return false;
  return organizational_domain(a) == organizational_domain(b);
}

}  // namespace dmarcq::analysis
