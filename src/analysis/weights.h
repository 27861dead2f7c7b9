// Private to analysis/: weighing failing results across reporters and days, so that
// one receiver's DNS timeout or odd verdict is never taken for the customer's
// configuration (senders.md A14), while a failure every receiver sees is.
//
// A result is keyed by (policy domain, source IP, DKIM signature d= and selector, or
// the SPF envelope domain). A failing result on a day is contradicted when, on the
// same day, reporters passed the same key and they are at least as many as the
// reporters failing it. A DKIM temperror nobody contradicts is persistent when at
// least two reporters saw it on at least three days: then the key's DNS is at fault.
//
// Only keys that both pass and fail, or fail with temperror, are weighed, in two scans
// of the records: the failing days of those keys first, then the passes on exactly
// those days, so that a store whose sources mostly pass costs little memory.
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
  // Weighs the results of `groups` (within `filter`) with day-by-day scans of their
  // records; entry_of gives the interned entry of a group's fact.
  static core::Result<ResultWeights> weigh(
      store::Store& store, const store::RecordFilter& filter, const store::RecordGroups& groups,
      const InternedFacts& interned, const std::function<std::uint32_t(std::uint32_t)>& entry_of);

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
                              std::uint32_t entry_index, const InternedFacts::Entry& entry,
                              const RecordFacts& facts, const std::string& from) const;

 private:
  struct Weight {
    std::uint32_t key = 0;
    std::int64_t contradicted = 0;  // failing messages other reporters contradicted
    bool persistent_temperror = false;
  };
  // The interned result names of an authentication key ("d:<d>/<s>" per signature, in
  // order, then "s:<envelope>"), so that keys are integers.
  const std::vector<std::uint32_t>& names(std::uint32_t auth) const;
  // Per (domain, entry): the weights of its keys that failed.
  std::unordered_map<std::uint64_t, std::vector<Weight>> weights_;
  // Keys are numbered by their (domain, ip, name) triple, hashed into 64 bits; a
  // collision probes on, and triples_ tells it from the same key.
  struct Triple {
    std::uint32_t domain, ip, name;
    bool operator==(const Triple&) const = default;
  };
  std::unordered_map<std::uint64_t, std::uint32_t> key_ids_;
  std::vector<Triple> triples_;
  mutable std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> names_;  // by auth id
  mutable std::unordered_map<std::string, std::uint32_t> name_ids_;
  const InternedFacts* interned_ = nullptr;

  // The key of a triple; UINT32_MAX when it was never seen. intern_key adds it.
  std::uint32_t key_of(std::uint32_t domain, std::uint32_t ip, std::uint32_t name) const;
  std::uint32_t intern_key(std::uint32_t domain, std::uint32_t ip, std::uint32_t name);
};

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_WEIGHTS_H_
