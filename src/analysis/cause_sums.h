// Private to analysis/: what explain and digest both do once records are attributed
// and weighed (weights.h): sum causes per finding (or digest row), order them, and
// write their evidence and merged fix.
#ifndef DMARCQ_ANALYSIS_CAUSE_SUMS_H_
#define DMARCQ_ANALYSIS_CAUSE_SUMS_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/groups.h"

namespace dmarcq::analysis {

// What a finding's texts are written from, besides its causes.
struct FindingFacts {
  std::string domain;
  const Sender* sender = nullptr;  // the customer's sender; null for forwarders and unknown sources
  const store::PublishedPolicy* policy = nullptr;
};

struct FindingText {
  std::string evidence;
  std::string fix;  // the fixes of every cause, merged
};

// The causes of one finding, summed over its record groups.
class CauseSums {
 public:
  // Adds `messages` of a record group (or a portion of one) under `causes`.
  void add(const std::vector<CauseAt>& causes, const Attribution& attribution,
           const InternedFacts::Entry& entry, std::int64_t messages);
  bool empty() const { return sums_.empty(); }
  // Each cause once, most severe first, then most messages, then root causes before
  // their consequences.
  std::vector<FindingCause> ordered() const;
  // The evidence of every cause and their fixes merged, causes in ordered() order.
  FindingText text(const FindingFacts& facts, const InternedFacts& interned, Lang lang) const;

 private:
  // A cause as summed: the strict-alignment variant apart, since its fix differs.
  struct Variant {
    Cause cause;
    bool strict;
    bool operator<(const Variant& other) const {
      return std::tie(cause, strict) < std::tie(other.cause, other.strict);
    }
  };
  struct Sum {
    Severity severity = Severity::kInfo;
    std::int64_t messages = 0;
    std::int64_t dmarc_fail = 0;
    bool all_dkim_pass = true;  // every record passes DMARC on the customer's DKIM
    SeenIds seen;
  };
  std::map<Variant, Sum> sums_;
  // Unknown sources: those passing SPF or DKIM for their own domain, apart from other
  // accounts on a catalog sender's platform (a free Gmail account is no service to set up).
  std::int64_t own_domain_messages_ = 0;
  SeenIds own_domain_seen_;
  std::int64_t platform_messages_ = 0;
  std::set<std::string> platforms_;
};

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_CAUSE_SUMS_H_
