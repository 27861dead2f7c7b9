#include "analysis/weights.h"

#include <algorithm>
#include <iterator>
#include <mutex>
#include <string_view>
#include <unordered_set>

namespace dmarcq::analysis {

namespace {

enum class Outcome : std::uint8_t { kPass, kFail, kTemperror };

Outcome outcome_of(const std::string& result) {
  if (result == "pass") return Outcome::kPass;
  return result == "temperror" ? Outcome::kTemperror : Outcome::kFail;
}

const report::SpfResult* envelope_of(const std::vector<report::SpfResult>& spf) {
  for (const report::SpfResult& result : spf) {
    if (result.scope != "helo" && !result.domain.empty()) return &result;
  }
  return nullptr;
}

// The IP slot of a DKIM result's key: a signature verifies or not whatever server sent
// it (a pass from one of the sender's servers proves the key is published), while SPF
// judges the server itself.
constexpr std::uint32_t kAnyIp = UINT32_MAX;

std::uint64_t domain_entry(std::uint32_t domain, std::uint32_t entry_index) {
  return (static_cast<std::uint64_t>(domain) << 32) | entry_index;
}

struct Candidate {
  std::uint32_t key;
  Outcome outcome;
};

// A failing record-day of a weighed key.
struct Failure {
  std::uint32_t key;
  std::int32_t day;
  std::uint32_t reporter;
  std::uint32_t fact;  // index into the weighed (domain, entry) pairs
  Outcome outcome;
  std::int64_t messages;
};

// A passing record-day on a day that key failed somewhere.
struct Pass {
  std::uint32_t key;
  std::int32_t day;
  std::uint32_t reporter;
};

std::uint64_t key_day(std::uint32_t key, std::int64_t day) {
  return (static_cast<std::uint64_t>(key) << 32) | static_cast<std::uint32_t>(day);
}

// The causes with the settled mechanisms' causes made transient and the other
// mechanism graded as if the settled one had passed (DMARC would have passed).
std::vector<CauseAt> settled(const std::vector<CauseAt>& causes, bool dkim, bool spf) {
  std::vector<CauseAt> out = causes;
  if (!dkim && !spf) return out;
  for (CauseAt& at : out) {
    const bool dkim_cause = at.cause == Cause::kDkimKeyUnpublished;
    const bool spf_cause =
        at.cause == Cause::kSpfIncludeMissing || at.cause == Cause::kSpfPermerror;
    if ((dkim && dkim_cause) || (spf && spf_cause)) {
      at = {Cause::kTransient, Severity::kInfo};
    } else if (at.severity != Severity::kInfo && at.cause != Cause::kTransient) {
      at.severity = at.cause == Cause::kSpfNotAligned && dkim ? Severity::kInfo : Severity::kWarn;
    }
  }
  // Two transient causes are one.
  bool seen = false;
  std::erase_if(out, [&](const CauseAt& at) {
    if (at.cause != Cause::kTransient) return false;
    if (seen) return true;
    seen = true;
    return false;
  });
  return out;
}

// Reporter names to small ids, shared by the scan threads: each thread remembers the
// store's pointers it has seen, so the lock is taken once per reporter and thread.
class ReporterIds {
 public:
  explicit ReporterIds(std::size_t parts) : caches_(parts) {}
  std::uint32_t id(std::size_t part, const std::string* reporter) {
    auto& cache = caches_[part];
    if (auto known = cache.find(reporter); known != cache.end()) return known->second;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto [slot, added] = ids_.try_emplace(*reporter, static_cast<std::uint32_t>(ids_.size()));
    cache.emplace(reporter, slot->second);
    return slot->second;
  }
  // The store's pointers live for one scan only.
  void end_scan() {
    for (auto& cache : caches_) cache.clear();
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<std::unordered_map<const std::string*, std::uint32_t>> caches_;  // one per scan part
};

}  // namespace

const std::vector<std::uint32_t>& ResultWeights::names(std::uint32_t auth) const {
  auto [slot, added] = names_.try_emplace(auth);
  if (added) {
    const report::Record& record = interned_->auth(auth);
    auto name_id = [&](std::string name) {
      return name_ids_.try_emplace(std::move(name), static_cast<std::uint32_t>(name_ids_.size()))
          .first->second;
    };
    for (const report::DkimResult& dkim : record.dkim_results) {
      slot->second.push_back(name_id("d:" + dkim.domain + "/" + dkim.selector));
    }
    const report::SpfResult* spf = envelope_of(record.spf_results);
    slot->second.push_back(spf != nullptr ? name_id("s:" + spf->domain) : UINT32_MAX);
  }
  return slot->second;
}

namespace {

std::uint64_t packed_key(std::uint32_t domain, std::uint32_t ip, std::uint32_t name) {
  return (static_cast<std::uint64_t>(domain) * 0x9E3779B97F4A7C15ull) ^
         (static_cast<std::uint64_t>(ip) << 24) ^
         (static_cast<std::uint64_t>(name) * 0xC2B2AE3D27D4EB4Full);
}

std::uint64_t next_probe(std::uint64_t packed) { return packed * 31 + 7; }

}  // namespace

std::uint32_t ResultWeights::key_of(std::uint32_t domain, std::uint32_t ip,
                                    std::uint32_t name) const {
  const Triple triple{domain, ip, name};
  for (std::uint64_t packed = packed_key(domain, ip, name);; packed = next_probe(packed)) {
    const auto found = key_ids_.find(packed);
    if (found == key_ids_.end()) return UINT32_MAX;
    if (triples_[found->second] == triple) return found->second;
  }
}

std::uint32_t ResultWeights::intern_key(std::uint32_t domain, std::uint32_t ip,
                                        std::uint32_t name) {
  const Triple triple{domain, ip, name};
  for (std::uint64_t packed = packed_key(domain, ip, name);; packed = next_probe(packed)) {
    auto [slot, added] = key_ids_.try_emplace(packed, static_cast<std::uint32_t>(triples_.size()));
    if (added) triples_.push_back(triple);
    if (triples_[slot->second] == triple) return slot->second;
  }
}

core::Result<ResultWeights> ResultWeights::weigh(
    store::Store& store, const store::RecordFilter& filter, const store::RecordGroups& groups,
    const InternedFacts& interned, const std::function<std::uint32_t(std::uint32_t)>& entry_of) {
  ResultWeights weights;
  weights.interned_ = &interned;
  struct Flags {
    bool pass = false, fail = false, temperror = false;
  };
  std::vector<Flags> flags;
  auto intern_key = [&](std::uint32_t domain, std::uint32_t ip, std::uint32_t name) {
    const std::uint32_t key = weights.intern_key(domain, ip, name);
    if (key >= flags.size()) flags.resize(key + 1);
    return key;
  };
  // The keys of each (domain, fact) with their outcomes.
  auto for_each_key = [&](const store::RecordGroup& group, auto&& visit) {
    const std::uint32_t entry_index = entry_of(group.fact);
    const InternedFacts::Entry& entry = interned.entry(entry_index);
    const report::Record& auth = interned.auth(entry.auth);
    const std::vector<std::uint32_t>& names = weights.names(entry.auth);
    for (std::size_t i = 0; i < auth.dkim_results.size(); ++i) {
      // A signature's key is the same whatever server sent it: no IP in its key.
      visit(entry_index, intern_key(group.domain, kAnyIp, names[i]),
            outcome_of(auth.dkim_results[i].result));
    }
    if (names.back() != UINT32_MAX) {
      visit(entry_index, intern_key(group.domain, entry.ip, names.back()),
            outcome_of(envelope_of(auth.spf_results)->result));
    }
  };
  for (const store::RecordGroup& group : groups.groups) {
    for_each_key(group, [&](std::uint32_t, std::uint32_t key, Outcome outcome) {
      Flags& f = flags[key];
      (outcome == Outcome::kPass ? f.pass : f.fail) = true;
      if (outcome == Outcome::kTemperror) f.temperror = true;
    });
  }
  // Only keys that both pass and fail, or fail with temperror, are weighed.
  auto weighed = [&](std::uint32_t key) {
    return (flags[key].pass && flags[key].fail) || flags[key].temperror;
  };
  std::unordered_map<std::uint64_t, std::uint32_t> fact_index;  // (domain, entry) -> index
  std::vector<std::uint64_t> facts;                             // index -> (domain, entry)
  std::vector<std::vector<Candidate>> candidates;               // index -> keys
  std::vector<std::uint32_t> entry_of_fact;                     // store fact id -> entry index
  std::vector<std::uint8_t> entry_kind;  // 1: fails a weighed key, 2: passes one
  for (const store::RecordGroup& group : groups.groups) {
    for_each_key(group, [&](std::uint32_t entry_index, std::uint32_t key, Outcome outcome) {
      if (!weighed(key)) return;
      const std::uint64_t de = domain_entry(group.domain, entry_index);
      auto [slot, added] = fact_index.try_emplace(de, static_cast<std::uint32_t>(facts.size()));
      if (added) {
        facts.push_back(de);
        candidates.emplace_back();
      }
      std::vector<Candidate>& list = candidates[slot->second];
      if (std::none_of(list.begin(), list.end(),
                       [&](const Candidate& c) { return c.key == key; })) {
        list.push_back({key, outcome});
      }
      const std::int64_t fact_id = groups.fact_ids[group.fact];
      if (static_cast<std::size_t>(fact_id) >= entry_of_fact.size()) {
        entry_of_fact.resize(static_cast<std::size_t>(fact_id) + 1, UINT32_MAX);
      }
      entry_of_fact[static_cast<std::size_t>(fact_id)] = entry_index;
      if (entry_index >= entry_kind.size()) entry_kind.resize(entry_index + 1, 0);
      entry_kind[entry_index] |= outcome == Outcome::kPass ? 2 : 1;
    });
  }
  if (facts.empty()) return weights;

  std::unordered_map<std::string_view, std::uint32_t> domain_index;
  for (std::size_t i = 0; i < groups.domains.size(); ++i) {
    domain_index.emplace(groups.domains[i], static_cast<std::uint32_t>(i));
  }
  ReporterIds reporters(store.scan_parts());
  // The weighed (domain, entry) of a record-day whose entry is of `kind`, or nothing.
  struct DomainCache {
    const std::string* name = nullptr;
    std::uint32_t index = UINT32_MAX;
  };
  std::vector<DomainCache> domain_cache(store.scan_parts());
  auto weighed_fact = [&](const store::RecordDay& record,
                          std::uint8_t kind) -> const std::uint32_t* {
    if (record.messages == 0 || record.fact_id < 0 ||
        static_cast<std::size_t>(record.fact_id) >= entry_of_fact.size()) {
      return nullptr;
    }
    const std::uint32_t entry_index = entry_of_fact[static_cast<std::size_t>(record.fact_id)];
    if (entry_index == UINT32_MAX || (entry_kind[entry_index] & kind) == 0) return nullptr;
    DomainCache& cache = domain_cache[record.part];
    if (cache.name != record.domain) {  // records of one report share their domain
      const auto found = domain_index.find(*record.domain);
      cache = {record.domain, found == domain_index.end() ? UINT32_MAX : found->second};
    }
    if (cache.index == UINT32_MAX) return nullptr;
    const auto found = fact_index.find(domain_entry(cache.index, entry_index));
    return found == fact_index.end() ? nullptr : &found->second;
  };

  // Scan 1: the failing days of weighed keys.
  std::vector<std::vector<Failure>> failure_parts(store.scan_parts());
  auto status = store.scan_record_days(filter, true, [&](const store::RecordDay& record) {
    const std::uint32_t* fact = weighed_fact(record, 1);
    if (fact == nullptr) return;
    for (const Candidate& candidate : candidates[*fact]) {
      if (candidate.outcome == Outcome::kPass) continue;
      failure_parts[record.part].push_back({candidate.key, static_cast<std::int32_t>(record.day),
                                            reporters.id(record.part, record.reporter), *fact,
                                            candidate.outcome, record.messages});
    }
  });
  if (!status) return std::move(status).error();
  reporters.end_scan();
  for (DomainCache& cache : domain_cache) cache = {};
  std::vector<Failure> failures;
  for (std::vector<Failure>& part : failure_parts)
    failures.insert(failures.end(), part.begin(), part.end());
  failure_parts.clear();
  std::unordered_set<std::uint64_t> failing_days;
  for (const Failure& failure : failures) failing_days.insert(key_day(failure.key, failure.day));

  // Scan 2: the passes of those keys on those days.
  std::vector<std::vector<Pass>> pass_parts(store.scan_parts());
  status = store.scan_record_days(filter, true, [&](const store::RecordDay& record) {
    const std::uint32_t* fact = weighed_fact(record, 2);
    if (fact == nullptr) return;
    for (const Candidate& candidate : candidates[*fact]) {
      if (candidate.outcome != Outcome::kPass ||
          failing_days.count(key_day(candidate.key, record.day)) == 0)
        continue;
      pass_parts[record.part].push_back({candidate.key, static_cast<std::int32_t>(record.day),
                                         reporters.id(record.part, record.reporter)});
    }
  });
  if (!status) return std::move(status).error();
  std::vector<Pass> passes;
  for (std::vector<Pass>& part : pass_parts) passes.insert(passes.end(), part.begin(), part.end());
  pass_parts.clear();

  auto by_key_day = [](const auto& a, const auto& b) {
    return a.key != b.key ? a.key < b.key : a.day < b.day;
  };
  std::sort(failures.begin(), failures.end(), by_key_day);
  std::sort(passes.begin(), passes.end(), by_key_day);

  // Per (key, day): who passed, who failed. Per key: who saw an uncontradicted
  // temperror, and on how many days.
  struct Persistence {
    std::vector<std::uint32_t> reporters;
    std::int32_t days = 0, last_day = INT32_MIN;
  };
  // Per (domain, result name): a DNS failure is the domain's, whatever the server.
  std::unordered_map<std::uint64_t, Persistence> temperrors;
  auto persistence_key = [&](std::uint32_t key) {
    const Triple& triple = weights.triples_[key];
    return (static_cast<std::uint64_t>(triple.domain) << 32) | triple.name;
  };
  std::vector<std::vector<Weight>> fact_weights(facts.size());
  auto weight_of = [&](std::uint32_t fact, std::uint32_t key) -> Weight& {
    std::vector<Weight>& list = fact_weights[fact];
    for (Weight& w : list) {
      if (w.key == key) return w;
    }
    return list.emplace_back(Weight{key, 0, false});
  };
  std::size_t pass_at = 0;
  std::vector<std::uint32_t> passing, failing;
  for (std::size_t begin = 0; begin < failures.size();) {
    const std::uint32_t key = failures[begin].key;
    const std::int32_t day = failures[begin].day;
    std::size_t end = begin;
    failing.clear();
    while (end < failures.size() && failures[end].key == key && failures[end].day == day) {
      failing.push_back(failures[end++].reporter);
    }
    while (pass_at < passes.size() && by_key_day(passes[pass_at], failures[begin])) ++pass_at;
    passing.clear();
    while (pass_at < passes.size() && passes[pass_at].key == key && passes[pass_at].day == day) {
      passing.push_back(passes[pass_at++].reporter);
    }
    for (std::vector<std::uint32_t>* set : {&passing, &failing}) {
      std::sort(set->begin(), set->end());
      set->erase(std::unique(set->begin(), set->end()), set->end());
    }
    // A reporter that passed and failed the key that day does not vouch for it.
    std::vector<std::uint32_t> only_passing;
    std::set_difference(passing.begin(), passing.end(), failing.begin(), failing.end(),
                        std::back_inserter(only_passing));
    const bool contradicted = !only_passing.empty() && only_passing.size() >= failing.size();
    for (std::size_t i = begin; i < end; ++i) {
      const Failure& failure = failures[i];
      Weight& weight = weight_of(failure.fact, key);
      if (contradicted) {
        weight.contradicted += failure.messages;
      } else if (failure.outcome == Outcome::kTemperror) {
        Persistence& seen = temperrors[persistence_key(key)];
        if (std::find(seen.reporters.begin(), seen.reporters.end(), failure.reporter) ==
            seen.reporters.end()) {
          seen.reporters.push_back(failure.reporter);
        }
        if (seen.last_day != day) {
          seen.last_day = day;
          ++seen.days;
        }
      }
    }
    begin = end;
  }
  for (std::size_t fact = 0; fact < facts.size(); ++fact) {
    for (const Candidate& candidate : candidates[fact]) {
      const auto seen = temperrors.find(persistence_key(candidate.key));
      if (candidate.outcome != Outcome::kTemperror || seen == temperrors.end()) continue;
      if (seen->second.reporters.size() >= 2 && seen->second.days >= 3) {
        weight_of(static_cast<std::uint32_t>(fact), candidate.key).persistent_temperror = true;
      }
    }
    if (!fact_weights[fact].empty())
      weights.weights_.emplace(facts[fact], std::move(fact_weights[fact]));
  }
  return weights;
}

std::vector<ResultWeights::Portion> ResultWeights::settle(
    const Attribution& attribution, const store::RecordGroup& group, std::uint32_t entry_index,
    const InternedFacts::Entry& entry, const RecordFacts& facts, const std::string& from) const {
  const std::int64_t messages = group.messages;
  bool dkim_cause = false, spf_cause = false;
  for (const CauseAt& at : attribution.causes) {
    if (at.cause == Cause::kDkimKeyUnpublished) dkim_cause = true;
    if (at.cause == Cause::kSpfIncludeMissing || at.cause == Cause::kSpfPermerror) spf_cause = true;
  }
  const auto fact = weights_.find(domain_entry(group.domain, entry_index));
  auto weight = [&](std::uint32_t ip, std::uint32_t name) -> const Weight* {
    if (fact == weights_.end() || name == UINT32_MAX) return nullptr;
    const std::uint32_t key = key_of(group.domain, ip, name);
    for (const Weight& w : fact->second) {
      if (w.key == key) return &w;
    }
    return nullptr;
  };
  // Messages contradicted for a failing signature of the From domain (one that would
  // have passed is enough for DMARC), and for the envelope; a temperror nobody
  // contradicts is transient unless persistent.
  std::int64_t dkim_contradicted = 0, spf_contradicted = 0;
  bool dkim_persistent = false, spf_persistent = false;
  if ((dkim_cause || spf_cause) && interned_ != nullptr) {
    const std::vector<std::uint32_t>& names = this->names(entry.auth);
    if (dkim_cause) {
      for (std::size_t i = 0; i < facts.dkim.size() && i + 1 < names.size(); ++i) {
        const report::DkimResult& dkim = facts.dkim[i];
        if (dkim.result == "pass" || !aligned(dkim.domain, from, false)) continue;
        const Weight* w = weight(kAnyIp, names[i]);
        if (w == nullptr) continue;
        dkim_contradicted = std::max(dkim_contradicted, w->contradicted);
        if (w->persistent_temperror) dkim_persistent = true;
      }
    }
    if (spf_cause) {
      if (const Weight* w = weight(entry.ip, names.back())) {
        spf_contradicted = w->contradicted;
        spf_persistent = w->persistent_temperror;
      }
    }
  }
  dkim_contradicted = std::clamp<std::int64_t>(dkim_contradicted, 0, messages);
  spf_contradicted = std::clamp<std::int64_t>(spf_contradicted, 0, messages);
  const bool dkim_temperror_settles = attribution.dkim_temperror_only && !dkim_persistent;
  const bool spf_temperror_settles = attribution.spf_temperror_only && !spf_persistent;

  // Portions: both mechanisms contradicted, DKIM only, SPF only, neither.
  const std::int64_t both = std::min(dkim_contradicted, spf_contradicted);
  const std::int64_t dkim_only = dkim_contradicted - both;
  const std::int64_t spf_only = spf_contradicted - both;
  const std::int64_t neither = messages - both - dkim_only - spf_only;
  std::vector<Portion> out;
  auto add = [&](std::int64_t count, bool dkim, bool spf) {
    if (count > 0) {
      out.push_back({count, settled(attribution.causes, dkim || dkim_temperror_settles,
                                    spf || spf_temperror_settles)});
    }
  };
  add(both, true, true);
  add(dkim_only, true, false);
  add(spf_only, false, true);
  add(neither, false, false);
  if (out.empty()) {
    out.push_back(
        {messages, settled(attribution.causes, dkim_temperror_settles, spf_temperror_settles)});
  }
  return out;
}

}  // namespace dmarcq::analysis
