#include "analysis/weights.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <string_view>

namespace dmarcq::analysis {

namespace {

enum class Outcome : std::uint8_t { kPass, kFail, kTemperror };

Outcome outcome_of(const std::string& result) {
  if (result == "pass") return Outcome::kPass;
  return result == "temperror" ? Outcome::kTemperror : Outcome::kFail;
}

const report::SpfResult* envelope_of(const RecordFacts& facts) {
  for (const report::SpfResult& spf : facts.spf) {
    if (spf.scope != "helo" && !spf.domain.empty()) return &spf;
  }
  return nullptr;
}

std::string dkim_key(std::uint32_t domain, std::uint32_t ip, const report::DkimResult& dkim) {
  return std::to_string(domain) + "|" + std::to_string(ip) + "|d:" + dkim.domain + "/" + dkim.selector;
}

std::string spf_key(std::uint32_t domain, std::uint32_t ip, const report::SpfResult& spf) {
  return std::to_string(domain) + "|" + std::to_string(ip) + "|s:" + spf.domain;
}

std::uint64_t domain_entry(std::uint32_t domain, std::uint32_t entry_index) {
  return (static_cast<std::uint64_t>(domain) << 32) | entry_index;
}

struct Candidate {
  std::uint32_t key;
  Outcome outcome;
};

// One record's day under one key.
struct Observation {
  std::uint32_t key;
  std::int64_t day;
  const std::string* reporter;  // the store's interned reporter: equal names, equal pointers
  std::uint64_t domain_entry;
  Outcome outcome;
  std::int64_t messages;
};

// The causes with the settled mechanisms' causes made transient and the other
// mechanism graded as if the settled one had passed (DMARC would have passed).
std::vector<CauseAt> settled(const std::vector<CauseAt>& causes, bool dkim, bool spf) {
  std::vector<CauseAt> out = causes;
  if (!dkim && !spf) return out;
  for (CauseAt& at : out) {
    const bool dkim_cause = at.cause == Cause::kDkimKeyUnpublished;
    const bool spf_cause = at.cause == Cause::kSpfIncludeMissing || at.cause == Cause::kSpfPermerror;
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

}  // namespace

core::Result<ResultWeights> ResultWeights::weigh(store::Store& store, const store::RecordFilter& filter,
                                                 const store::RecordGroups& groups, const InternedFacts& interned,
                                                 const std::function<std::uint32_t(std::uint32_t)>& entry_of) {
  ResultWeights weights;
  // The keys of every (domain, fact), and which keys both pass and fail somewhere.
  struct Flags {
    bool pass = false, fail = false, temperror = false;
  };
  std::vector<Flags> flags;
  std::unordered_map<std::uint64_t, std::vector<Candidate>> candidates;
  auto id_of = [&](const std::string& key) {
    auto [slot, added] = weights.key_ids_.try_emplace(key, static_cast<std::uint32_t>(flags.size()));
    if (added) flags.emplace_back();
    return slot->second;
  };
  auto note = [&](std::vector<Candidate>& list, std::uint32_t key, Outcome outcome) {
    list.push_back({key, outcome});
    Flags& f = flags[key];
    (outcome == Outcome::kPass ? f.pass : f.fail) = true;
    if (outcome == Outcome::kTemperror) f.temperror = true;
  };
  for (const store::RecordGroup& group : groups.groups) {
    const std::uint32_t entry_index = entry_of(group.fact);
    auto [slot, added] = candidates.try_emplace(domain_entry(group.domain, entry_index));
    if (!added) continue;
    const InternedFacts::Entry& entry = interned.entry(entry_index);
    const RecordFacts& facts = interned.facts(entry);
    for (const report::DkimResult& dkim : facts.dkim) {
      note(slot->second, id_of(dkim_key(group.domain, entry.ip, dkim)), outcome_of(dkim.result));
    }
    if (const report::SpfResult* spf = envelope_of(facts)) {
      note(slot->second, id_of(spf_key(group.domain, entry.ip, *spf)), outcome_of(spf->result));
    }
  }
  // Keep the keys worth weighing, and the facts that have any.
  std::unordered_map<std::int64_t, std::uint32_t> entry_of_fact;
  for (auto it = candidates.begin(); it != candidates.end();) {
    std::erase_if(it->second, [&](const Candidate& c) {
      const Flags& f = flags[c.key];
      return !(f.pass && f.fail) && !f.temperror;
    });
    it = it->second.empty() ? candidates.erase(it) : std::next(it);
  }
  if (candidates.empty()) return weights;
  for (const store::RecordGroup& group : groups.groups) {
    const std::uint32_t entry_index = entry_of(group.fact);
    if (candidates.count(domain_entry(group.domain, entry_index)) != 0) {
      entry_of_fact.emplace(groups.fact_ids[group.fact], entry_index);
    }
  }
  std::unordered_map<std::string_view, std::uint32_t> domain_index;
  for (std::size_t i = 0; i < groups.domains.size(); ++i) domain_index.emplace(groups.domains[i], static_cast<std::uint32_t>(i));

  // Day by day, per reporter: the records of those facts.
  std::vector<std::vector<Observation>> parts(store::Store::kMaxReadParts);
  auto status = store.scan_record_days(filter, true, [&](const store::RecordDay& record) {
    if (record.messages == 0) return;
    const auto fact = entry_of_fact.find(record.fact_id);
    if (fact == entry_of_fact.end()) return;
    const auto domain = domain_index.find(*record.domain);
    if (domain == domain_index.end()) return;
    const std::uint64_t de = domain_entry(domain->second, fact->second);
    const auto list = candidates.find(de);
    if (list == candidates.end()) return;
    for (const Candidate& candidate : list->second) {
      parts[record.part].push_back(
          {candidate.key, record.day, record.reporter, de, candidate.outcome, record.messages});
    }
  });
  if (!status) return std::move(status).error();
  std::vector<Observation> all;
  for (std::vector<Observation>& part : parts) all.insert(all.end(), part.begin(), part.end());
  std::sort(all.begin(), all.end(), [](const Observation& a, const Observation& b) {
    return a.key != b.key ? a.key < b.key : a.day < b.day;
  });

  // Per (key, day): who passed, who failed. Per key: who saw an uncontradicted
  // temperror, and on which days.
  struct Persistence {
    std::set<const std::string*> reporters;
    std::set<std::int64_t> days;
  };
  std::unordered_map<std::uint32_t, Persistence> temperrors;
  for (std::size_t begin = 0; begin < all.size();) {
    std::size_t end = begin;
    std::set<const std::string*> passing, failing;
    while (end < all.size() && all[end].key == all[begin].key && all[end].day == all[begin].day) {
      (all[end].outcome == Outcome::kPass ? passing : failing).insert(all[end].reporter);
      ++end;
    }
    const bool contradicted = !passing.empty() && passing.size() >= failing.size();
    for (std::size_t i = begin; i < end; ++i) {
      const Observation& o = all[i];
      if (o.outcome == Outcome::kPass) continue;
      if (contradicted) {
        weights.weights_[o.domain_entry][o.key].contradicted += o.messages;
      } else if (o.outcome == Outcome::kTemperror) {
        temperrors[o.key].reporters.insert(o.reporter);
        temperrors[o.key].days.insert(o.day);
      }
    }
    begin = end;
  }
  for (const auto& [de, list] : candidates) {
    for (const Candidate& candidate : list) {
      const auto seen = temperrors.find(candidate.key);
      if (candidate.outcome != Outcome::kTemperror || seen == temperrors.end()) continue;
      if (seen->second.reporters.size() >= 2 && seen->second.days.size() >= 3) {
        weights.weights_[de][candidate.key].persistent_temperror = true;
      }
    }
  }
  return weights;
}

const ResultWeights::KeyWeight* ResultWeights::find(std::uint32_t domain, std::uint32_t entry_index,
                                                    const std::string& key) const {
  const auto per_fact = weights_.find(domain_entry(domain, entry_index));
  if (per_fact == weights_.end()) return nullptr;
  const auto id = key_ids_.find(key);
  if (id == key_ids_.end()) return nullptr;
  const auto weight = per_fact->second.find(id->second);
  return weight == per_fact->second.end() ? nullptr : &weight->second;
}

std::vector<ResultWeights::Portion> ResultWeights::settle(const Attribution& attribution,
                                                          const store::RecordGroup& group,
                                                          std::uint32_t entry_index,
                                                          const InternedFacts::Entry& entry,
                                                          const RecordFacts& facts, const std::string& from) const {
  const std::int64_t messages = group.messages;
  bool dkim_cause = false, spf_cause = false;
  for (const CauseAt& at : attribution.causes) {
    if (at.cause == Cause::kDkimKeyUnpublished) dkim_cause = true;
    if (at.cause == Cause::kSpfIncludeMissing || at.cause == Cause::kSpfPermerror) spf_cause = true;
  }
  // Messages contradicted for every failing signature of the From domain, and for
  // the envelope; a temperror nobody contradicts is transient unless persistent.
  std::int64_t dkim_contradicted = 0, spf_contradicted = 0;
  bool persistent = false;
  if (dkim_cause) {
    dkim_contradicted = messages;
    bool any = false;
    for (const report::DkimResult& dkim : facts.dkim) {
      if (dkim.result == "pass" || !aligned(dkim.domain, from, false)) continue;
      any = true;
      const KeyWeight* weight = find(group.domain, entry_index, dkim_key(group.domain, entry.ip, dkim));
      dkim_contradicted = std::min(dkim_contradicted, weight != nullptr ? weight->contradicted : 0);
      if (weight != nullptr && weight->persistent_temperror) persistent = true;
    }
    if (!any) dkim_contradicted = 0;
  }
  if (spf_cause) {
    if (const report::SpfResult* spf = envelope_of(facts)) {
      const KeyWeight* weight = find(group.domain, entry_index, spf_key(group.domain, entry.ip, *spf));
      spf_contradicted = weight != nullptr ? weight->contradicted : 0;
    }
  }
  dkim_contradicted = std::clamp<std::int64_t>(dkim_contradicted, 0, messages);
  spf_contradicted = std::clamp<std::int64_t>(spf_contradicted, 0, messages);
  const bool temperror_settles = attribution.dkim_temperror_only && !persistent;

  // Portions: both mechanisms contradicted, DKIM only, SPF only, neither.
  const std::int64_t both = std::min(dkim_contradicted, spf_contradicted);
  const std::int64_t dkim_only = dkim_contradicted - both;
  const std::int64_t spf_only = spf_contradicted - both;
  const std::int64_t neither = messages - both - dkim_only - spf_only;
  std::vector<Portion> out;
  auto add = [&](std::int64_t count, bool dkim, bool spf) {
    if (count > 0) out.push_back({count, settled(attribution.causes, dkim || temperror_settles, spf)});
  };
  add(both, true, true);
  add(dkim_only, true, false);
  add(spf_only, false, true);
  add(neither, false, false);
  if (out.empty()) out.push_back({messages, settled(attribution.causes, temperror_settles, false)});
  return out;
}

}  // namespace dmarcq::analysis
