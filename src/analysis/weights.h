// Private to analysis/: weighing failing results across reporters and days, so that
// one receiver's DNS timeout or odd verdict is never taken for the customer's
// configuration (senders.md A14), while a failure every receiver sees is.
//
// A result is keyed by (policy domain, source IP, DKIM signature d= and selector, or
// the SPF envelope domain). A failing result on a day is contradicted when, on the
// same day, reporters passed the same key and they are at least as many as the
// reporters failing it. A DKIM temperror nobody contradicts is persistent when at
// least two reporters saw it on at least three days: then the key's DNS is at fault.
// Only keys that both pass and fail, or fail with temperror, are weighed, so the
// day-by-day scan stays small on a store whose sources behave.
#ifndef DMARCQ_ANALYSIS_WEIGHTS_H_
#define DMARCQ_ANALYSIS_WEIGHTS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/groups.h"

namespace dmarcq::analysis {

class ResultWeights {
 public:
  // Weighs the results of `groups` (within `filter`) with a day-by-day scan of their
  // records; entry_of gives the interned entry of a group's fact.
  static core::Result<ResultWeights> weigh(store::Store& store, const store::RecordFilter& filter,
                                           const store::RecordGroups& groups, const InternedFacts& interned,
                                           const std::function<std::uint32_t(std::uint32_t)>& entry_of);

  // A share of a record group's messages with the causes to count them under.
  struct Portion {
    std::int64_t messages = 0;
    std::vector<CauseAt> causes;
  };

  // The group's messages split by how its failing results weigh: the part whose
  // failure other reporters contradict (the cause becomes transient and the other
  // mechanism is graded as if it had passed), and the rest. A DKIM temperror is
  // transient unless it is persistent.
  std::vector<Portion> settle(const Attribution& attribution, const store::RecordGroup& group,
                              std::uint32_t entry_index, const InternedFacts::Entry& entry, const RecordFacts& facts,
                              const std::string& from) const;

 private:
  struct KeyWeight {
    std::int64_t contradicted = 0;  // failing messages other reporters contradicted
    bool persistent_temperror = false;
  };
  // (domain, entry) -> key id -> weight
  std::unordered_map<std::uint64_t, std::unordered_map<std::uint32_t, KeyWeight>> weights_;
  std::unordered_map<std::string, std::uint32_t> key_ids_;

  const KeyWeight* find(std::uint32_t domain, std::uint32_t entry_index, const std::string& key) const;
};

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_WEIGHTS_H_
