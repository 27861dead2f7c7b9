// digest: the weekly CSV that owners of the domains get by mail. It is the summary
// of one ISO week per (domain, source group) with the attribution of each group and
// the change from the week before, in columns that never move, so that a spreadsheet
// or a script can read any week like the last one.
#include <algorithm>
#include <cstdint>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "analysis/analysis.h"
#include "analysis/fixes.h"
#include "analysis/groups.h"
#include "core/date.h"

namespace dmarcq::analysis {

namespace {

// What was seen with one cause, for its fix text.
struct CauseFacts {
  std::int64_t messages = 0;
  Severity severity = Severity::kInfo;
  SeenValues seen;
};

struct Row {
  const Sender* sender = nullptr;
  std::int64_t messages = 0, pass = 0, spf_pass = 0, dkim_pass = 0, quarantined = 0, rejected = 0;
  Tally ips;
  std::map<Cause, CauseFacts> causes;
};

// A row while the week's record groups are summed, by interned ids.
struct RowIds {
  std::uint32_t domain = 0;
  std::string source;
  Row row;
  bool strict_dkim = false;
  std::unordered_map<std::uint32_t, std::int64_t> ips;
  std::map<Cause, SeenIds> seen;
};

using Key = std::pair<std::string, std::string>;  // domain, source

double rate(std::int64_t pass, std::int64_t total) {
  return total > 0 ? std::round(1000.0 * static_cast<double>(pass) / static_cast<double>(total)) / 10.0 : 0.0;
}


// The rows of one week, keyed by (domain, source).
core::Result<std::map<Key, Row>> week_rows(store::Store& store, std::int64_t monday,
                                           const std::vector<std::string>& domains, const Catalog& catalog,
                                           const Identifier& identifier,
                                           const std::map<std::string, store::PublishedPolicy>& policies) {
  store::RecordFilter filter{domains, monday, monday + 6};
  auto groups = store.record_groups(filter);
  if (!groups) return std::move(groups).error();
  auto loaded = InternedFacts::load(store, *groups, identifier);
  if (!loaded) return std::move(loaded).error();
  InternedFacts& interned = *loaded;
  std::vector<const store::PublishedPolicy*> policy_by_domain;
  for (const std::string& domain : groups->domains) {
    const auto policy = policies.find(domain);
    policy_by_domain.push_back(policy != policies.end() ? &policy->second : nullptr);
  }
  // By (domain, source): the catalog sender, or the IP of an unknown source.
  const std::uint64_t first_ip = catalog.senders().size();
  std::unordered_map<std::uint64_t, RowIds> by_ids;
  for (const store::RecordGroup& group : groups->groups) {
    if (group.messages == 0) continue;
    const InternedFacts::Entry& entry = interned.entry(group.fact);
    const Identity& identity = interned.identity(entry);
    const store::PublishedPolicy* policy = policy_by_domain[group.domain];
    const bool strict_dkim = policy != nullptr && policy->adkim == "s";
    const bool strict_spf = policy != nullptr && policy->aspf == "s";
    const std::uint64_t source = identity.sender != nullptr ? static_cast<std::uint64_t>(identity.sender - catalog.senders().data())
                                                            : first_ip + entry.ip;
    RowIds& ids = by_ids[(static_cast<std::uint64_t>(group.domain) << 40) | source];
    ids.domain = group.domain;
    ids.strict_dkim = strict_dkim;
    Row& row = ids.row;
    row.sender = identity.sender;
    const bool pass = entry.dmarc_pass;
    row.messages += group.messages;
    row.pass += pass ? group.messages : 0;
    row.spf_pass += entry.spf_pass ? group.messages : 0;
    row.dkim_pass += entry.dkim_pass ? group.messages : 0;
    row.quarantined += entry.quarantined ? group.messages : 0;
    row.rejected += entry.rejected ? group.messages : 0;
    ids.ips[entry.ip] += group.messages;
    for (Cause cause : interned.causes(entry, group.domain, groups->domains[group.domain], strict_dkim, strict_spf)) {
      const Severity severity = severity_of(cause, pass);
      auto [slot, inserted] = row.causes.try_emplace(cause);
      CauseFacts& with_cause = slot->second;
      if (inserted || severity < with_cause.severity) with_cause.severity = severity;
      with_cause.messages += group.messages;
      ids.seen[cause].add(entry, group.messages);
    }
  }
  std::map<Key, Row> rows;
  for (auto& [key, ids] : by_ids) {
    for (const auto& [ip, messages] : ids.ips) ids.row.ips[interned.ip(ip)] += messages;
    for (const auto& [cause, seen] : ids.seen) ids.row.causes[cause].seen = seen.values(cause, interned, ids.strict_dkim);
    const std::uint64_t source = key & ((std::uint64_t{1} << 40) - 1);
    std::string name = ids.row.sender != nullptr ? ids.row.sender->id
                                                 : interned.ip(static_cast<std::uint32_t>(source - first_ip));
    rows.emplace(Key{groups->domains[ids.domain], std::move(name)}, std::move(ids.row));
  }
  return rows;
}

int severity_rank(const Row& row) {
  if (row.causes.empty()) return 3;  // ok
  Severity worst = Severity::kInfo;
  for (const auto& [cause, seen] : row.causes) worst = std::min(worst, seen.severity);
  return static_cast<int>(worst);
}

}  // namespace

core::Result<core::Table> digest(store::Store& store, std::int64_t week_monday,
                                 const std::vector<std::string>& domains, const Catalog& catalog, Lang lang) {
  auto policy_list = store.published_policies(store::RecordFilter{domains, week_monday, week_monday + 6});
  if (!policy_list) return std::move(policy_list).error();
  std::map<std::string, store::PublishedPolicy> policies;
  for (store::PublishedPolicy& policy : *policy_list) policies[policy.domain] = std::move(policy);
  const Identifier identifier(catalog);
  auto current = week_rows(store, week_monday, domains, catalog, identifier, policies);
  if (!current) return std::move(current).error();
  auto previous = week_rows(store, week_monday - 7, domains, catalog, identifier, policies);
  if (!previous) return std::move(previous).error();

  const std::string week = core::iso_week(week_monday);
  std::vector<std::pair<Key, const Row*>> ordered;
  for (const auto& [key, row] : *current) ordered.emplace_back(key, &row);
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.first.first != b.first.first) return a.first.first < b.first.first;
    const int ra = severity_rank(*a.second);
    const int rb = severity_rank(*b.second);
    if (ra != rb) return ra < rb;
    if (a.second->messages != b.second->messages) return a.second->messages > b.second->messages;
    return a.first.second < b.first.second;
  });

  core::Table table;
  table.columns = {"week", "domain", "sender", "sender_name", "source_ips", "messages", "dmarc_pass",
                   "dmarc_fail", "pass_rate", "spf_aligned_pass", "dkim_aligned_pass", "quarantined",
                   "rejected", "causes", "severity", "fix", "messages_prev_week", "pass_rate_prev_week",
                   "pass_rate_change"};
  for (const auto& [key, row_pointer] : ordered) {
    const Row& row = *row_pointer;
    std::string ips;
    for (const std::string& ip : top(row.ips, 10)) ips += (ips.empty() ? "" : " ") + ip;
    std::string causes;
    for (const auto& [cause, seen] : row.causes) causes += (causes.empty() ? "" : ";") + std::string(cause_id(cause));
    // The fix of the worst cause (then the one affecting most messages), written from
    // the values seen with that cause.
    std::string fix;
    if (!row.causes.empty()) {
      auto chosen = row.causes.begin();
      for (auto it = row.causes.begin(); it != row.causes.end(); ++it) {
        if (it->second.severity < chosen->second.severity ||
            (it->second.severity == chosen->second.severity && it->second.messages > chosen->second.messages)) {
          chosen = it;
        }
      }
      const auto policy = policies.find(key.first);
      const FixContext context = fix_context(key.first, row.sender, chosen->second.seen,
                                             policy != policies.end() ? &policy->second : nullptr);
      fix = fix_text(chosen->first, lang, context);
    }
    const int rank = severity_rank(row);
    const std::string severity = rank == 3 ? "ok" : severity_name(static_cast<Severity>(rank));
    const double pass_rate = rate(row.pass, row.messages);
    core::Cell previous_messages = std::monostate{};
    core::Cell previous_rate = std::monostate{};
    core::Cell change = std::monostate{};
    if (const auto before = previous->find(key); before != previous->end() && before->second.messages > 0) {
      previous_messages = before->second.messages;
      const double before_rate = rate(before->second.pass, before->second.messages);
      previous_rate = before_rate;
      change = std::round((pass_rate - before_rate) * 10.0) / 10.0;
    }
    const std::string sender_name = row.sender != nullptr ? row.sender->name
                                    : lang == Lang::kJa   ? "不明な送信元"
                                                          : "unknown source";
    table.rows.push_back({week, key.first,
                          row.sender != nullptr ? core::Cell(row.sender->id) : core::Cell(std::string("unknown")),
                          sender_name, ips, row.messages, row.pass, row.messages - row.pass, pass_rate,
                          row.spf_pass, row.dkim_pass, row.quarantined, row.rejected, causes, severity, fix,
                          previous_messages, previous_rate, change});
  }
  return table;
}

}  // namespace dmarcq::analysis
