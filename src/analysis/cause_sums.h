// Private to analysis/: what explain and digest both do once records are attributed:
// set apart failing results that other records contradict, sum causes per finding
// (or digest row), order them, and write their evidence and merged fix.
#ifndef DMARCQ_ANALYSIS_CAUSE_SUMS_H_
#define DMARCQ_ANALYSIS_CAUSE_SUMS_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/groups.h"

namespace dmarcq::analysis {

// A failing result is contradicted when, for the same domain and source IP, the same
// signature (d= and selector) or envelope passed on overlapping days in at least as
// many messages: one receiver's DNS timeout or odd verdict, not the customer's
// configuration. Fed with every record group first, then asked per group.
class Contradictions {
 public:
  void add(const store::RecordGroup& group, const InternedFacts::Entry& entry, const RecordFacts& facts);
  // The causes of the group's attribution with contradicted ones made transient; the
  // other mechanism is then graded as if the contradicted one had passed.
  std::vector<CauseAt> settle(const Attribution& attribution, const store::RecordGroup& group,
                              const InternedFacts::Entry& entry, const RecordFacts& facts,
                              const std::string& from) const;

 private:
  // Every failing result of `cause`'s mechanism in the group is contradicted.
  bool contradicted(Cause cause, const store::RecordGroup& group, const InternedFacts::Entry& entry,
                    const RecordFacts& facts, const std::string& from) const;
  struct Tally {
    std::int64_t pass = 0, fail = 0;
    std::int64_t first_pass = INT64_MAX, last_pass = INT64_MIN;
  };
  static std::string key(const store::RecordGroup& group, const InternedFacts::Entry& entry, const std::string& what);
  void add(const std::string& key, const store::RecordGroup& group, bool pass);
  bool holds(const std::string& key, const store::RecordGroup& group) const;
  std::unordered_map<std::string, Tally> tallies_;
};

// The records of one cause within a finding.
struct CauseSum {
  Severity severity = Severity::kInfo;
  std::int64_t messages = 0;
  bool all_dkim_pass = true;  // every record passes DMARC on the customer's DKIM
  SeenIds seen;

  void add(Severity record_severity, const InternedFacts::Entry& entry, std::int64_t record_messages);
};

// The causes of a finding, most severe first, then most messages, then root causes
// before their consequences.
std::vector<FindingCause> ordered_causes(const std::map<Cause, CauseSum>& causes);

// What a finding's texts are written from, besides its causes.
struct FindingFacts {
  std::string domain;
  const Sender* sender = nullptr;  // the customer's sender; null for forwarders and unknown sources
  const store::PublishedPolicy* policy = nullptr;
  bool strict_spf = false, strict_dkim = false;
  std::int64_t own_domain_messages = 0;    // unknown sources passing for their own domain
  std::vector<std::string> own_domains;
};

struct FindingText {
  std::string evidence;
  std::string fix;  // the fixes of every cause, merged
};

FindingText finding_text(const std::vector<FindingCause>& ordered, const std::map<Cause, CauseSum>& causes,
                         const FindingFacts& facts, const InternedFacts& interned, Lang lang);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_CAUSE_SUMS_H_
