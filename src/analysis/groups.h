// Private to analysis/: what explain and digest both do with a store record group:
// decode its facts, identify its source (cached: reports repeat sources), and grade
// a cause.
#ifndef DMARCQ_ANALYSIS_GROUPS_H_
#define DMARCQ_ANALYSIS_GROUPS_H_

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/analysis.h"
#include "analysis/fixes.h"

namespace dmarcq::analysis {

// Strings interned by value, looked up without making a std::string.
struct StringViewHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>()(text);
  }
};
using InternMap = std::unordered_map<std::string, std::uint32_t, StringViewHash, std::equal_to<>>;

// The facts of a store's record groups, interned: every source IP, header From and
// authentication key once, decoded once, and identification and attribution done
// once per distinct input, so that the work per record group is mostly integer work. (A
// million records hold a few thousand IPs and a few hundred distinct results.)
class InternedFacts {
 public:
  struct Entry {
    std::uint32_t ip = 0, from = 0, auth = 0;  // see ip(), from(), auth()
    std::uint32_t shape = 0;                   // (auth, from, verdicts): see facts()
    std::uint32_t identity = 0;                // see identity()
    bool dmarc_pass = false;
    bool dkim_pass = false, spf_pass = false;    // policy_evaluated
    bool quarantined = false, rejected = false;  // disposition
  };

  // Reads the facts with these ids (distinct, in any order) from the store, in one
  // pass over the fact table; entry(i) is then the fact fact_ids[i].
  static core::Result<InternedFacts> load(store::Store& store,
                                          const std::vector<std::int64_t>& fact_ids,
                                          const Identifier& identifier) {
    InternedFacts interned;
    // The store visits facts in id order: the positions of the ids, by id.
    std::vector<std::uint32_t> by_id(fact_ids.size());
    for (std::size_t i = 0; i < by_id.size(); ++i) by_id[i] = static_cast<std::uint32_t>(i);
    std::sort(by_id.begin(), by_id.end(),
              [&](std::uint32_t a, std::uint32_t b) { return fact_ids[a] < fact_ids[b]; });
    std::vector<std::int64_t> wanted(fact_ids.size());
    for (std::size_t i = 0; i < by_id.size(); ++i) wanted[i] = fact_ids[by_id[i]];
    interned.entries_.resize(fact_ids.size());
    std::size_t next = 0;  // the next wanted id, by id
    std::size_t found = 0;
    auto status = store.scan_facts(
        [&](std::int64_t id, const store::Fact& fact) {
          while (next < wanted.size() && wanted[next] < id) ++next;
          if (next == wanted.size() || wanted[next] != id) return;
          interned.entries_[by_id[next++]] = interned.intern(fact, identifier);
          ++found;
        },
        &wanted);
    if (!status) return std::move(status).error();
    if (found != fact_ids.size()) {
      return core::Error(
          core::ErrorCode::kDb,
          "records refer to missing facts (the fact table is damaged); run dmarcq rebuild");
    }
    return interned;
  }

  // The facts `groups` refers to: entry(group.fact).
  static core::Result<InternedFacts> load(store::Store& store, const store::RecordGroups& groups,
                                          const Identifier& identifier) {
    return load(store, groups.fact_ids, identifier);
  }

  const Entry& entry(std::uint32_t fact) const { return entries_[fact]; }
  const std::string& ip(std::uint32_t id) const { return ips_[id]; }
  const std::string& from(std::uint32_t id) const { return froms_[id]; }
  const report::Record& auth(std::uint32_t id) const { return auths_[id]; }
  const Identity& identity(const Entry& entry) const { return identities_[entry.identity]; }
  // What attribution reads of the entry (no source IP, no policy domain).
  const RecordFacts& facts(const Entry& entry) const { return shapes_[entry.shape]; }

  // The attribution of the entry's records in a policy domain (attribute_record),
  // remembered per (shape, identity, strictness); the domain only matters without a
  // header From.
  const Attribution& attribution(const Entry& entry, std::uint32_t domain,
                                 const std::string& domain_name, bool strict_dkim,
                                 bool strict_spf) {
    const RecordFacts& facts = shapes_[entry.shape];
    const std::uint64_t domain_part = facts.header_from.empty() ? domain + 1 : 0;
    const CauseKey key{(static_cast<std::uint64_t>(entry.shape) << 32) | entry.identity,
                       (domain_part << 2) | (strict_dkim ? 2u : 0u) | (strict_spf ? 1u : 0u)};
    auto known = attributions_.find(key);
    if (known == attributions_.end()) {
      const RecordFacts* record = &facts;
      RecordFacts with_domain;
      if (facts.header_from.empty()) {  // the policy domain stands in for it
        with_domain = facts;
        with_domain.policy_domain = domain_name;
        record = &with_domain;
      }
      known = attributions_
                  .emplace(key, attribute_record(*record, identities_[entry.identity], strict_dkim,
                                                 strict_spf))
                  .first;
    }
    return known->second;
  }

 private:
  InternedFacts() = default;

  Entry intern(const store::Fact& fact, const Identifier& identifier) {
    Entry entry;
    entry.ip = intern(ip_ids_, ips_, fact.source_ip);
    entry.from = intern(from_ids_, froms_, fact.header_from);
    entry.auth = intern(auth_ids_, auth_keys_, fact.auth_key);
    if (entry.auth == auths_.size()) {  // first seen: decode it
      auths_.emplace_back();
      report::decode_auth(fact.auth_key, auths_.back());
    }
    entry.dkim_pass = fact.dkim_aligned == "pass";
    entry.spf_pass = fact.spf_aligned == "pass";
    entry.dmarc_pass = entry.dkim_pass || entry.spf_pass;
    entry.quarantined = fact.disposition == "quarantine";
    entry.rejected = fact.disposition == "reject";
    // Attribution only asks whether a verdict is "pass"; pass, fail, empty and any
    // other text are told apart all the same.
    const std::uint64_t verdicts =
        verdict_code(fact.dkim_aligned) * 4 + verdict_code(fact.spf_aligned);
    const std::uint64_t shape_key = (static_cast<std::uint64_t>(entry.auth) << 36) |
                                    (static_cast<std::uint64_t>(entry.from) << 4) | verdicts;
    auto [shape, new_shape] =
        shape_ids_.try_emplace(shape_key, static_cast<std::uint32_t>(shapes_.size()));
    if (new_shape) {
      RecordFacts facts;
      facts.header_from = fact.header_from;
      facts.dkim_aligned = fact.dkim_aligned;
      facts.spf_aligned = fact.spf_aligned;
      const report::Record& auth = auths_[entry.auth];
      facts.dkim = auth.dkim_results;
      facts.spf = auth.spf_results;
      facts.reasons = auth.reasons;
      shapes_.push_back(std::move(facts));
    }
    entry.shape = shape->second;
    if (entry.ip == range_of_ip_.size()) {
      const std::vector<const Sender*>& senders = identifier.range_senders(ips_[entry.ip]);
      auto [range, added] =
          range_ids_.try_emplace(senders, static_cast<std::uint32_t>(range_ids_.size()));
      range_of_ip_.push_back(range->second);
      if (added) range_senders_.push_back(senders);
    }
    const std::uint32_t range = range_of_ip_[entry.ip];
    const std::uint64_t identity_key = (static_cast<std::uint64_t>(range) << 32) | entry.auth;
    auto [identity, new_identity] =
        identity_ids_.try_emplace(identity_key, static_cast<std::uint32_t>(identities_.size()));
    if (new_identity)
      identities_.push_back(identifier.identify(shapes_[entry.shape], range_senders_[range]));
    entry.identity = identity->second;
    return entry;
  }

  struct CauseKey {
    std::uint64_t fact_part, context_part;
    bool operator==(const CauseKey& other) const {
      return fact_part == other.fact_part && context_part == other.context_part;
    }
  };
  struct CauseKeyHash {
    std::size_t operator()(const CauseKey& key) const {
      return std::hash<std::uint64_t>()(key.fact_part * 0x9e3779b97f4a7c15ull ^ key.context_part);
    }
  };

  static std::uint32_t intern(InternMap& ids, std::vector<std::string>& values,
                              std::string_view value) {
    if (auto known = ids.find(value); known != ids.end()) return known->second;
    const auto id = static_cast<std::uint32_t>(values.size());
    values.emplace_back(value);
    ids.emplace(values.back(), id);
    return id;
  }
  static std::uint64_t verdict_code(std::string_view verdict) {
    return verdict == "pass" ? 1 : verdict == "fail" ? 2 : verdict.empty() ? 0 : 3;
  }

  std::vector<Entry> entries_;
  InternMap ip_ids_, from_ids_, auth_ids_;
  std::unordered_map<std::uint64_t, std::uint32_t> shape_ids_;     // (auth, from, verdicts)
  std::map<std::vector<const Sender*>, std::uint32_t> range_ids_;  // range senders
  std::vector<std::uint32_t> range_of_ip_;                         // by ip id
  std::unordered_map<std::uint64_t, std::uint32_t> identity_ids_;  // (range senders, auth)
  std::vector<std::string> ips_, froms_, auth_keys_;
  std::vector<report::Record> auths_;  // decoded, by auth id
  std::vector<RecordFacts> shapes_;
  std::vector<std::vector<const Sender*>> range_senders_;
  std::vector<Identity> identities_;
  std::unordered_map<CauseKey, Attribution, CauseKeyHash> attributions_;
};

// Messages per value (IPs, domains, selectors), to name the most frequent first.
using Tally = std::map<std::string, std::int64_t>;

// The non-empty values of `tally` with the most messages, at most `limit`.
inline std::vector<std::string> top(const Tally& tally, std::size_t limit) {
  std::vector<std::pair<std::string, std::int64_t>> items(tally.begin(), tally.end());
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (std::size_t i = 0; i < items.size() && out.size() < limit; ++i) {
    if (!items[i].first.empty()) out.push_back(items[i].first);
  }
  return out;
}

// The authentication values seen with one cause, which its fix text quotes.
struct SeenValues {
  Tally header_froms, spf_domains, spf_results, dkim_domains, dkim_selectors, dkim_results, ips,
      reasons;

  // Counts messages with one header From and authentication results under `cause`:
  // their SPF domains, and for DKIM the failing signatures of the domain (for an
  // unpublished key) or the other signers.
  void add_auth(Cause cause, const std::string& header_from, const report::Record& auth,
                std::int64_t messages, bool strict_dkim) {
    header_froms[header_from] += messages;
    for (const report::SpfResult& spf : auth.spf_results) {
      if (spf.scope == "helo") continue;  // the HELO name is no envelope domain
      spf_domains[spf.domain] += messages;
      spf_results[spf.result] += messages;
    }
    for (const report::DkimResult& dkim : auth.dkim_results) {
      const bool customer = aligned(dkim.domain, header_from, strict_dkim);
      const bool failing_own = cause == Cause::kDkimKeyUnpublished || cause == Cause::kTransient;
      if (failing_own ? (customer && dkim.result != "pass") : !customer) {
        dkim_domains[dkim.domain] += messages;
        dkim_selectors[dkim.selector] += messages;
        dkim_results[dkim.result] += messages;
      }
    }
    for (const report::PolicyReason& reason : auth.reasons) {
      reasons[reason.type + (reason.comment.empty() ? "" : " (" + reason.comment + ")")] +=
          messages;
    }
  }
};

// SeenValues by interned ids while record groups are summed; turned into values once.
// Lists rather than maps: adding is most of the work (once per record group and
// cause, a million times in a large explain) and a list only appends, folding a value
// into the last one when they are the same (the groups of an unknown source all
// share its IP); values() sorts and folds the rest.
struct SeenIds {
  std::vector<std::pair<std::uint32_t, std::int64_t>> ips;
  std::vector<std::pair<std::uint64_t, std::int64_t>> auth_froms;  // (auth << 32 | from)

  void add(const InternedFacts::Entry& entry, std::int64_t messages) {
    add_to(ips, entry.ip, messages);
    add_to(auth_froms, (static_cast<std::uint64_t>(entry.auth) << 32) | entry.from, messages);
  }

  SeenValues values(Cause cause, const InternedFacts& facts, bool strict_dkim) const {
    SeenValues seen;
    for (const auto& [ip, messages] : folded(ips)) seen.ips[facts.ip(ip)] += messages;
    for (const auto& [key, messages] : folded(auth_froms)) {
      seen.add_auth(cause, facts.from(static_cast<std::uint32_t>(key & 0xffffffffu)),
                    facts.auth(static_cast<std::uint32_t>(key >> 32)), messages, strict_dkim);
    }
    return seen;
  }

 private:
  template <class Id>
  static void add_to(std::vector<std::pair<Id, std::int64_t>>& list, Id id, std::int64_t messages) {
    if (!list.empty() && list.back().first == id) {
      list.back().second += messages;
    } else {
      list.emplace_back(id, messages);
    }
  }
  // The list with one entry per id, messages summed, by id.
  template <class Id>
  static std::vector<std::pair<Id, std::int64_t>> folded(
      std::vector<std::pair<Id, std::int64_t>> list) {
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t kept = 0;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (kept > 0 && list[kept - 1].first == list[i].first) {
        list[kept - 1].second += list[i].second;
      } else {
        list[kept++] = list[i];
      }
    }
    list.resize(kept);
    return list;
  }
};

// What a fix text is written from, for one finding or digest row.
inline FixContext fix_context(const std::string& domain, const Sender* sender,
                              const SeenValues& seen, const store::PublishedPolicy* policy) {
  FixContext context;
  context.domain = domain;
  const std::vector<std::string> froms = top(seen.header_froms, 1);
  context.header_from = froms.empty() ? domain : froms[0];
  context.sender = sender;
  context.spf_domains = top(seen.spf_domains, 3);
  context.spf_results = top(seen.spf_results, 3);
  context.dkim_domains = top(seen.dkim_domains, 3);
  context.dkim_selectors = top(seen.dkim_selectors, 4);
  context.dkim_results = top(seen.dkim_results, 3);
  context.source_ips = top(seen.ips, 5);
  if (policy != nullptr) {
    context.policy = policy->p;
    context.subdomain_policy = policy->sp;
    context.pct = policy->pct.value_or(100);
    context.testing = policy->testing == "y";
  }
  return context;
}

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_GROUPS_H_
