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
#include "core/parallel.h"

namespace dmarcq::analysis {

namespace {

// What was seen with one cause; its values are turned into text only for the cause
// whose fix the row quotes.
struct CauseFacts {
  std::int64_t messages = 0;
  Severity severity = Severity::kInfo;
  SeenIds seen;
};

struct Totals {
  std::int64_t messages = 0, pass = 0;
};

// One row of the week, by interned ids: (domain, sender or the IP of an unknown source).
struct Row {
  std::uint32_t domain = 0;  // index into the week's RecordGroups::domains
  std::uint32_t ip = 0;      // for an unknown source: its interned IP
  const Sender* sender = nullptr;
  bool strict_dkim = false;
  std::int64_t messages = 0, pass = 0, spf_pass = 0, dkim_pass = 0, quarantined = 0, rejected = 0;
  std::unordered_map<std::uint32_t, std::int64_t> ips;  // messages by interned IP
  std::map<Cause, CauseFacts> causes;
  int rank = 3;  // severity_rank once summed
};

double rate(std::int64_t pass, std::int64_t total) {
  return total > 0 ? core::percent_one_decimal(pass, total) : 0.0;
}

// The entry of each fact of `groups` among the facts read for both weeks (ascending ids).
std::vector<std::uint32_t> entries_of(const store::RecordGroups& groups, const std::vector<std::int64_t>& fact_ids) {
  std::vector<std::uint32_t> out;
  out.reserve(groups.fact_ids.size());
  for (std::int64_t id : groups.fact_ids) {
    out.push_back(static_cast<std::uint32_t>(std::lower_bound(fact_ids.begin(), fact_ids.end(), id) - fact_ids.begin()));
  }
  return out;
}

bool strict(const store::PublishedPolicy* policy, const std::string store::PublishedPolicy::*tag) {
  return policy != nullptr && policy->*tag == "s";
}

// A row's source among a week's rows: the catalog sender, or past them the IP of an
// unknown source. Keys are (domain << 40 | source), the domain an index of the week.
std::uint64_t source_of(const Identity& identity, const InternedFacts::Entry& entry, const Catalog& catalog) {
  return identity.sender != nullptr ? static_cast<std::uint64_t>(identity.sender - catalog.senders().data())
                                    : catalog.senders().size() + entry.ip;
}

// The rows of the week in `groups`, by (domain, source).
std::unordered_map<std::uint64_t, Row> week_rows(const store::RecordGroups& groups,
                                                 const std::vector<std::uint32_t>& entry_of,
                                                 InternedFacts& interned, const Catalog& catalog,
                                                 const std::vector<const store::PublishedPolicy*>& policy_by_domain) {
  std::unordered_map<std::uint64_t, Row> rows;
  for (const store::RecordGroup& group : groups.groups) {
    if (group.messages == 0) continue;
    const InternedFacts::Entry& entry = interned.entry(entry_of[group.fact]);
    const Identity& identity = interned.identity(entry);
    const store::PublishedPolicy* policy = policy_by_domain[group.domain];
    const bool strict_dkim = strict(policy, &store::PublishedPolicy::adkim);
    const bool strict_spf = strict(policy, &store::PublishedPolicy::aspf);
    Row& row = rows[(static_cast<std::uint64_t>(group.domain) << 40) | source_of(identity, entry, catalog)];
    row.domain = group.domain;
    row.ip = entry.ip;
    row.strict_dkim = strict_dkim;
    row.sender = identity.sender;
    const bool pass = entry.dmarc_pass;
    row.messages += group.messages;
    row.pass += pass ? group.messages : 0;
    row.spf_pass += entry.spf_pass ? group.messages : 0;
    row.dkim_pass += entry.dkim_pass ? group.messages : 0;
    row.quarantined += entry.quarantined ? group.messages : 0;
    row.rejected += entry.rejected ? group.messages : 0;
    row.ips[entry.ip] += group.messages;
    for (Cause cause : interned.causes(entry, group.domain, groups.domains[group.domain], strict_dkim, strict_spf)) {
      const Severity severity = severity_of(cause, pass);
      auto [slot, inserted] = row.causes.try_emplace(cause);
      CauseFacts& with_cause = slot->second;
      if (inserted || severity < with_cause.severity) with_cause.severity = severity;
      with_cause.messages += group.messages;
      with_cause.seen.add(entry, group.messages);
    }
  }
  return rows;
}

// The week before needs only each row's messages and passes; its keys use the domain
// indexes of the current week (`domain_now`, kNoDomain for a domain without mail now).
constexpr std::uint64_t kNoDomain = UINT64_MAX;
std::unordered_map<std::uint64_t, Totals> week_totals(const store::RecordGroups& groups,
                                                      const std::vector<std::uint32_t>& entry_of,
                                                      const InternedFacts& interned, const Catalog& catalog,
                                                      const std::vector<std::uint64_t>& domain_now) {
  std::unordered_map<std::uint64_t, Totals> totals;
  for (const store::RecordGroup& group : groups.groups) {
    if (group.messages == 0 || domain_now[group.domain] == kNoDomain) continue;
    const InternedFacts::Entry& entry = interned.entry(entry_of[group.fact]);
    Totals& total = totals[(domain_now[group.domain] << 40) | source_of(interned.identity(entry), entry, catalog)];
    total.messages += group.messages;
    total.pass += entry.dmarc_pass ? group.messages : 0;
  }
  return totals;
}

int severity_rank(const Row& row) {
  if (row.causes.empty()) return 3;  // ok
  Severity worst = Severity::kInfo;
  for (const auto& [cause, seen] : row.causes) worst = std::min(worst, seen.severity);
  return static_cast<int>(worst);
}

// The non-empty IPs of a row with the most messages, at most `limit`, ties in text
// order (what top() gives for the same values).
std::string top_ips(const Row& row, const InternedFacts& interned, std::size_t limit) {
  std::vector<std::pair<const std::string*, std::int64_t>> items;
  items.reserve(row.ips.size());
  for (const auto& [ip, messages] : row.ips) {
    if (!interned.ip(ip).empty()) items.emplace_back(&interned.ip(ip), messages);
  }
  auto before = [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : *a.first < *b.first; };
  const std::size_t kept = std::min(limit, items.size());
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(kept), items.end(), before);
  std::string text;
  for (std::size_t i = 0; i < kept; ++i) text += (i == 0 ? "" : " ") + *items[i].first;
  return text;
}

}  // namespace

core::Result<core::Table> digest(store::Store& store, std::int64_t week_monday,
                                 const std::vector<std::string>& domains, const Catalog& catalog, Lang lang) {
  auto policy_list = store.published_policies(store::RecordFilter{domains, week_monday, week_monday + 6});
  if (!policy_list) return std::move(policy_list).error();
  std::map<std::string, store::PublishedPolicy> policies;
  for (store::PublishedPolicy& policy : *policy_list) policies[policy.domain] = std::move(policy);
  const Identifier identifier(catalog);

  auto current = store.record_groups(store::RecordFilter{domains, week_monday, week_monday + 6});
  if (!current) return std::move(current).error();
  auto previous = store.record_groups(store::RecordFilter{domains, week_monday - 7, week_monday - 1});
  if (!previous) return std::move(previous).error();
  // The facts of both weeks, read and interned once: most sources of a week sent the
  // week before too.
  std::vector<std::int64_t> fact_ids = current->fact_ids;
  fact_ids.insert(fact_ids.end(), previous->fact_ids.begin(), previous->fact_ids.end());
  std::sort(fact_ids.begin(), fact_ids.end());
  fact_ids.erase(std::unique(fact_ids.begin(), fact_ids.end()), fact_ids.end());
  auto loaded = InternedFacts::load(store, fact_ids, identifier);
  if (!loaded) return std::move(loaded).error();
  InternedFacts& interned = *loaded;

  std::vector<const store::PublishedPolicy*> policy_by_domain;
  std::unordered_map<std::string_view, std::uint64_t> domain_index;
  for (const std::string& domain : current->domains) {
    const auto policy = policies.find(domain);
    policy_by_domain.push_back(policy != policies.end() ? &policy->second : nullptr);
    domain_index.emplace(domain, domain_index.size());
  }
  std::vector<std::uint64_t> domain_now;
  for (const std::string& domain : previous->domains) {
    const auto index = domain_index.find(domain);
    domain_now.push_back(index != domain_index.end() ? index->second : kNoDomain);
  }
  std::unordered_map<std::uint64_t, Row> rows =
      week_rows(*current, entries_of(*current, fact_ids), interned, catalog, policy_by_domain);
  const std::unordered_map<std::uint64_t, Totals> before =
      week_totals(*previous, entries_of(*previous, fact_ids), interned, catalog, domain_now);

  const std::string week = core::iso_week(week_monday);
  struct Ordered {
    std::uint64_t key;
    const std::string* source;  // sender id, or the IP of an unknown source
    Row* row;
  };
  std::vector<Ordered> ordered;
  ordered.reserve(rows.size());
  for (auto& [key, row] : rows) {
    row.rank = severity_rank(row);
    ordered.push_back({key, row.sender != nullptr ? &row.sender->id : &interned.ip(row.ip), &row});
  }
  // By domain, then severity (fail, warn, info, ok), then messages, then source: a
  // total order, as no two rows share a domain and a source.
  std::sort(ordered.begin(), ordered.end(), [&](const Ordered& a, const Ordered& b) {
    const std::string& da = current->domains[a.row->domain];
    const std::string& db = current->domains[b.row->domain];
    if (da != db) return da < db;
    if (a.row->rank != b.row->rank) return a.row->rank < b.row->rank;
    if (a.row->messages != b.row->messages) return a.row->messages > b.row->messages;
    return *a.source < *b.source;
  });

  core::Table table;
  table.columns = {"week", "domain", "sender", "sender_name", "source_ips", "messages", "dmarc_pass",
                   "dmarc_fail", "pass_rate", "spf_aligned_pass", "dkim_aligned_pass", "quarantined",
                   "rejected", "causes", "severity", "fix", "messages_prev_week", "pass_rate_prev_week",
                   "pass_rate_change"};
  // Writing 50,000 fix texts is most of a large week's digest; each row is
  // independent, so the cores share them.
  table.rows.resize(ordered.size());
  auto write_row = [&](const Ordered& item) -> std::vector<core::Cell> {
    const Row& row = *item.row;
    const std::string& domain = current->domains[row.domain];
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
      const SeenValues seen = chosen->second.seen.values(chosen->first, interned, row.strict_dkim);
      const FixContext context = fix_context(domain, row.sender, seen, policy_by_domain[row.domain]);
      fix = fix_text(chosen->first, lang, context);
    }
    const std::string severity = row.rank == 3 ? "ok" : severity_name(static_cast<Severity>(row.rank));
    const double pass_rate = rate(row.pass, row.messages);
    core::Cell previous_messages = std::monostate{};
    core::Cell previous_rate = std::monostate{};
    core::Cell change = std::monostate{};
    if (const auto last_week = before.find(item.key); last_week != before.end() && last_week->second.messages > 0) {
      previous_messages = last_week->second.messages;
      const double before_rate = rate(last_week->second.pass, last_week->second.messages);
      previous_rate = before_rate;
      change = std::round((pass_rate - before_rate) * 10.0) / 10.0;
    }
    const std::string sender_name = row.sender != nullptr ? row.sender->name
                                    : lang == Lang::kJa   ? "不明な送信元"
                                                          : "unknown source";
    return {week, domain,
                          row.sender != nullptr ? core::Cell(row.sender->id) : core::Cell(std::string("unknown")),
                          sender_name, top_ips(row, interned, 10), row.messages, row.pass, row.messages - row.pass,
                          pass_rate, row.spf_pass, row.dkim_pass, row.quarantined, row.rejected, causes, severity,
                          fix, previous_messages, previous_rate, change};
  };
  auto write_rows = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) table.rows[i] = write_row(ordered[i]);
  };
  core::for_each_share(ordered.size(), write_rows);
  return table;
}

}  // namespace dmarcq::analysis
