// digest: the weekly CSV that owners of the domains get by mail. It is the summary
// of one ISO week per (domain, subject), grouped as explain groups its findings, with
// the attribution of each group and
// the change from the week before, in columns that never move, so that a spreadsheet
// or a script can read any week like the last one.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>

#include "analysis/analysis.h"
#include "analysis/cause_sums.h"
#include "analysis/evidence.h"
#include "analysis/fixes.h"
#include "analysis/groups.h"
#include "analysis/texts.h"
#include "analysis/weights.h"
#include "core/date.h"
#include "core/parallel.h"

namespace dmarcq::analysis {

namespace {

struct Totals {
  std::int64_t messages = 0, pass = 0;
};

// One row of the week, by interned ids: (domain, subject), the subject a catalog
// sender the customer uses, the domain's forwarded mail, or its unknown sources.
struct Row {
  std::uint32_t domain = 0;  // index into the week's RecordGroups::domains
  Subject subject = Subject::kUnknownSources;
  const Sender* sender = nullptr;
  std::int64_t messages = 0, pass = 0, spf_pass = 0, dkim_pass = 0, quarantined = 0, rejected = 0;
  std::unordered_map<std::uint32_t, std::int64_t> ips;  // messages by interned IP
  CauseSums causes;
  int rank = 3;  // severity_rank once summed
};

double rate(std::int64_t pass, std::int64_t total) {
  return total > 0 ? core::percent_one_decimal(pass, total) : 0.0;
}

// The entry of each fact of `groups` among the facts read for both weeks (ascending ids).
std::vector<std::uint32_t> entries_of(const store::RecordGroups& groups,
                                      const std::vector<std::int64_t>& fact_ids) {
  std::vector<std::uint32_t> out;
  out.reserve(groups.fact_ids.size());
  for (std::int64_t id : groups.fact_ids) {
    out.push_back(static_cast<std::uint32_t>(
        std::lower_bound(fact_ids.begin(), fact_ids.end(), id) - fact_ids.begin()));
  }
  return out;
}

bool strict(const store::PublishedPolicy* policy, const std::string store::PublishedPolicy::*tag) {
  return policy != nullptr && policy->*tag == "s";
}

// A row's subject among a week's rows: the catalog sender's index, or past them the
// forwarders and the unknown sources. Keys are (domain << 40 | subject), the domain an
// index of the week.
std::uint64_t subject_of(const Attribution& attribution, const Catalog& catalog) {
  switch (attribution.party) {
    case Party::kSender:
      return static_cast<std::uint64_t>(attribution.sender - catalog.senders().data());
    case Party::kForwarder: return catalog.senders().size();
    case Party::kUnknown: break;
  }
  return catalog.senders().size() + 1;
}

// The rows of the week in `groups`, by (domain, subject).
core::Result<std::unordered_map<std::uint64_t, Row>> week_rows(
    store::Store& store, const store::RecordFilter& filter, const store::RecordGroups& groups,
    const std::vector<std::uint32_t>& entry_of, InternedFacts& interned, const Catalog& catalog,
    const std::vector<const store::PublishedPolicy*>& policy_by_domain) {
  auto weighed = ResultWeights::weigh(store, filter, groups, interned,
                                      [&](std::uint32_t fact) { return entry_of[fact]; });
  if (!weighed) return std::move(weighed).error();
  const ResultWeights& weights = *weighed;
  std::unordered_map<std::uint64_t, Row> rows;
  for (const store::RecordGroup& group : groups.groups) {
    if (group.messages == 0) continue;
    const std::uint32_t entry_index = entry_of[group.fact];
    const InternedFacts::Entry& entry = interned.entry(entry_index);
    const store::PublishedPolicy* policy = policy_by_domain[group.domain];
    const bool strict_dkim = strict(policy, &store::PublishedPolicy::adkim);
    const bool strict_spf = strict(policy, &store::PublishedPolicy::aspf);
    const Attribution& attribution = interned.attribution(
        entry, group.domain, groups.domains[group.domain], strict_dkim, strict_spf);
    const RecordFacts& facts = interned.facts(entry);
    const std::string& from =
        facts.header_from.empty() ? groups.domains[group.domain] : facts.header_from;
    Row& row =
        rows[(static_cast<std::uint64_t>(group.domain) << 40) | subject_of(attribution, catalog)];
    row.domain = group.domain;
    row.subject = attribution.party == Party::kSender      ? Subject::kSender
                  : attribution.party == Party::kForwarder ? Subject::kForwarders
                                                           : Subject::kUnknownSources;
    if (row.subject == Subject::kSender) row.sender = attribution.sender;
    const bool pass = entry.dmarc_pass;
    row.messages += group.messages;
    row.pass += pass ? group.messages : 0;
    row.spf_pass += entry.spf_pass ? group.messages : 0;
    row.dkim_pass += entry.dkim_pass ? group.messages : 0;
    row.quarantined += entry.quarantined ? group.messages : 0;
    row.rejected += entry.rejected ? group.messages : 0;
    row.ips[entry.ip] += group.messages;
    for (const ResultWeights::Portion& portion :
         weights.settle(attribution, group, entry_index, entry, facts, from)) {
      row.causes.add(portion.causes, attribution, entry, portion.messages);
    }
  }
  return rows;
}

// The week before needs only each row's messages and passes; its keys use the domain
// indexes of the current week (`domain_now`, kNoDomain for a domain without mail now).
constexpr std::uint64_t kNoDomain = UINT64_MAX;
std::unordered_map<std::uint64_t, Totals> week_totals(
    const store::RecordGroups& groups, const std::vector<std::uint32_t>& entry_of,
    InternedFacts& interned, const Catalog& catalog, const std::vector<std::uint64_t>& domain_now) {
  std::unordered_map<std::uint64_t, Totals> totals;
  for (const store::RecordGroup& group : groups.groups) {
    if (group.messages == 0 || domain_now[group.domain] == kNoDomain) continue;
    const InternedFacts::Entry& entry = interned.entry(entry_of[group.fact]);
    // The party does not depend on the alignment mode: strictness is left out here.
    const Attribution& attribution =
        interned.attribution(entry, group.domain, groups.domains[group.domain], false, false);
    Totals& total = totals[(domain_now[group.domain] << 40) | subject_of(attribution, catalog)];
    total.messages += group.messages;
    total.pass += entry.dmarc_pass ? group.messages : 0;
  }
  return totals;
}

int severity_rank(const Row& row) {
  if (row.causes.empty()) return 3;  // ok
  return static_cast<int>(row.causes.ordered().front().severity);
}

// The non-empty IPs of a row with the most messages, at most `limit`, ties in text order.
std::vector<std::string> top_ips(const Row& row, const InternedFacts& interned, std::size_t limit) {
  std::vector<std::pair<const std::string*, std::int64_t>> items;
  items.reserve(row.ips.size());
  for (const auto& [ip, messages] : row.ips) {
    if (!interned.ip(ip).empty()) items.emplace_back(&interned.ip(ip), messages);
  }
  auto before = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : *a.first < *b.first;
  };
  const std::size_t kept = std::min(limit, items.size());
  std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(kept), items.end(),
                    before);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < kept; ++i) out.push_back(*items[i].first);
  return out;
}

// What a digest row says in words: its subject, causes, severity and fix.
struct RowTexts {
  std::string source;  // sender id, "forwarders", "unknown" or "all"
  std::string name;
  std::string source_ips;
  std::string causes;
  std::string severity;
  std::string fix;
};

// The cells of a digest row, in the column order: its texts, its counts, the change
// from `last_week` (empty cells when there was no mail then) and the reporters.
std::vector<core::Cell> row_cells(const std::string& week, const std::string& domain,
                                  RowTexts texts, const Row& row, const Totals* last_week,
                                  core::Cell reporters, core::Cell reporters_prev_week) {
  const double pass_rate = rate(row.pass, row.messages);
  core::Cell previous_messages = std::monostate{};
  core::Cell previous_rate = std::monostate{};
  core::Cell change = std::monostate{};
  if (last_week != nullptr && last_week->messages > 0) {
    previous_messages = last_week->messages;
    const double before_rate = rate(last_week->pass, last_week->messages);
    previous_rate = before_rate;
    change = std::round((pass_rate - before_rate) * 10.0) / 10.0;
  }
  return {week,
          domain,
          std::move(texts.source),
          std::move(texts.name),
          std::move(texts.source_ips),
          row.messages,
          row.pass,
          row.messages - row.pass,
          pass_rate,
          row.spf_pass,
          row.dkim_pass,
          row.quarantined,
          row.rejected,
          std::move(texts.causes),
          std::move(texts.severity),
          std::move(texts.fix),
          previous_messages,
          previous_rate,
          change,
          std::move(reporters),
          std::move(reporters_prev_week)};
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

}  // namespace

core::Result<std::map<std::string, std::set<std::string>>> reporters_by_domain(
    store::Store& store, const std::vector<std::string>& domains, std::int64_t from,
    std::int64_t to) {
  store::SummaryQuery query;
  query.by = {store::GroupKey::kDomain, store::GroupKey::kReporter};
  query.domains = domains;
  query.from_day = from;
  query.to_day = to;
  auto table = store.summary(query);
  if (!table) return std::move(table).error();
  std::map<std::string, std::set<std::string>> reporters;
  for (const std::vector<core::Cell>& row : table->rows) {
    const auto* domain = std::get_if<std::string>(&row[0]);
    const auto* reporter = std::get_if<std::string>(&row[1]);
    const auto* messages = std::get_if<std::int64_t>(&row[2]);
    if (domain != nullptr && reporter != nullptr && messages != nullptr && *messages > 0) {
      reporters[*domain].insert(*reporter);
    }
  }
  return reporters;
}

core::Result<core::Table> digest(store::Store& store, std::int64_t week_monday,
                                 const std::vector<std::string>& domains, const Catalog& catalog,
                                 Lang lang, bool localized_columns) {
  auto policy_list =
      store.published_policies(store::RecordFilter{domains, week_monday, week_monday + 6});
  if (!policy_list) return std::move(policy_list).error();
  std::map<std::string, store::PublishedPolicy> policies;
  for (store::PublishedPolicy& policy : *policy_list) policies[policy.domain] = std::move(policy);
  const Identifier identifier(catalog);

  auto current = store.record_groups(store::RecordFilter{domains, week_monday, week_monday + 6});
  if (!current) return std::move(current).error();
  auto previous =
      store.record_groups(store::RecordFilter{domains, week_monday - 7, week_monday - 1});
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
  auto week_result =
      week_rows(store, store::RecordFilter{domains, week_monday, week_monday + 6}, *current,
                entries_of(*current, fact_ids), interned, catalog, policy_by_domain);
  if (!week_result) return std::move(week_result).error();
  std::unordered_map<std::uint64_t, Row>& rows = *week_result;
  const std::unordered_map<std::uint64_t, Totals> before =
      week_totals(*previous, entries_of(*previous, fact_ids), interned, catalog, domain_now);

  const std::string week = core::iso_week(week_monday);
  struct Ordered {
    std::uint64_t key;
    std::string source;  // sender id, or "forwarders" / "unknown"
    Row* row;
  };
  std::vector<Ordered> ordered;
  ordered.reserve(rows.size());
  for (auto& [key, row] : rows) {
    row.rank = severity_rank(row);
    ordered.push_back({key,
                       row.subject == Subject::kSender       ? row.sender->id
                       : row.subject == Subject::kForwarders ? std::string("forwarders")
                                                             : std::string("unknown"),
                       &row});
  }
  // By domain, then severity (fail, warn, info, ok), then messages, then subject: a
  // total order, as no two rows share a domain and a subject.
  std::sort(ordered.begin(), ordered.end(), [&](const Ordered& a, const Ordered& b) {
    const std::string& da = current->domains[a.row->domain];
    const std::string& db = current->domains[b.row->domain];
    if (da != db) return da < db;
    if (a.row->rank != b.row->rank) return a.row->rank < b.row->rank;
    if (a.row->messages != b.row->messages) return a.row->messages > b.row->messages;
    return a.source < b.source;
  });

  core::Table table;
  // Column ids in English for scripts; --lang ja names them for people (texts.h).
  for (const char* column : {"week",
                             "domain",
                             "sender",
                             "sender_name",
                             "source_ips",
                             "messages",
                             "dmarc_pass",
                             "dmarc_fail",
                             "pass_rate",
                             "spf_aligned_pass",
                             "dkim_aligned_pass",
                             "quarantined",
                             "rejected",
                             "causes",
                             "severity",
                             "fix",
                             "messages_prev_week",
                             "pass_rate_prev_week",
                             "pass_rate_change",
                             "reporters",
                             "reporters_prev_week"}) {
    table.columns.push_back(localized_columns ? text(lang, "digest." + std::string(column))
                                              : std::string(column));
  }
  // People get cause labels and severities in their language; JSON (ids as keys) gets
  // the ids, a list of causes, as explain's JSON does. The fix stays in `lang`.
  const bool for_people = localized_columns;
  const std::string cause_separator =
      for_people ? text(lang, "digest.cause_separator") : std::string(" ");
  auto cause_name = [&](Cause cause) {
    return std::string(for_people ? cause_label(cause, lang) : cause_id(cause));
  };
  auto severity_text = [&](const std::string& id) {
    return for_people && lang == Lang::kJa ? text(lang, "severity." + id) : id;
  };
  // Writing 50,000 fix texts is most of a large week's digest; each row is
  // independent, so the cores share them.
  table.rows.resize(ordered.size());
  auto write_row = [&](const Ordered& item) -> std::vector<core::Cell> {
    const Row& row = *item.row;
    const std::string& domain = current->domains[row.domain];
    const std::vector<FindingCause> ordered_list = row.causes.ordered();
    std::string causes;
    for (const FindingCause& cause : ordered_list)
      causes += (causes.empty() ? "" : cause_separator) + cause_name(cause.cause);
    const std::vector<std::string> ips = top_ips(row, interned, 10);
    std::string fix;
    if (!ordered_list.empty()) {
      FindingFacts facts;
      facts.domain = domain;
      facts.sender = row.sender;
      facts.policy = policy_by_domain[row.domain];
      fix = row.causes.text(facts, interned, lang).fix;
    }
    const std::string severity_id =
        row.rank == 3 ? "ok" : severity_name(static_cast<Severity>(row.rank));
    const std::string sender_name = row.subject == Subject::kSender ? row.sender->name
                                    : row.subject == Subject::kForwarders
                                        ? text(lang, "digest.forwarders")
                                        : text(lang, "digest.unknown");
    const auto last_week = before.find(item.key);
    return row_cells(week, domain,
                     {item.source, sender_name, joined(ips, " "), std::move(causes),
                      severity_text(severity_id), std::move(fix)},
                     row, last_week != before.end() ? &last_week->second : nullptr,
                     std::monostate{}, std::monostate{});
  };
  auto write_rows = [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) table.rows[i] = write_row(ordered[i]);
  };
  core::for_each_share(ordered.size(), write_rows);

  // Each domain opens with its total ("all"), carrying what a manager reads first:
  // the week's pass rate against the last, how many reporters sent reports (a week's
  // last days arrive later), and the findings on the domain's own policy, as explain
  // makes them for the same days.
  auto reporters_now = reporters_by_domain(store, domains, week_monday, week_monday + 6);
  if (!reporters_now) return std::move(reporters_now).error();
  auto reporters_before = reporters_by_domain(store, domains, week_monday - 7, week_monday - 1);
  if (!reporters_before) return std::move(reporters_before).error();
  auto findings =
      explain(store, store::RecordFilter{domains, week_monday, week_monday + 6}, catalog, lang);
  if (!findings) return std::move(findings).error();
  std::vector<Row> domain_rows(current->domains.size());
  std::vector<Totals> domain_before(current->domains.size());
  for (const auto& [key, row] : rows) {
    Row& total = domain_rows[row.domain];
    total.messages += row.messages;
    total.pass += row.pass;
    total.spf_pass += row.spf_pass;
    total.dkim_pass += row.dkim_pass;
    total.quarantined += row.quarantined;
    total.rejected += row.rejected;
  }
  std::vector<int> domain_rank(current->domains.size(), 3);
  for (const auto& [key, row] : rows) {
    domain_rank[row.domain] = std::min(domain_rank[row.domain], row.rank);
  }
  for (const auto& [key, totals] : before) {
    domain_before[key >> 40].messages += totals.messages;
    domain_before[key >> 40].pass += totals.pass;
  }
  auto domain_row = [&](std::uint32_t index) -> std::vector<core::Cell> {
    const std::string& domain = current->domains[index];
    const Row& row = domain_rows[index];
    std::string causes, fix;
    int rank = 3;
    for (const Finding& finding : *findings) {
      if (finding.domain != domain || finding.subject != Subject::kDomain) continue;
      causes += (causes.empty() ? "" : cause_separator) + cause_name(finding.cause);
      fix += (fix.empty() ? "" : text(lang, "digest.findings_separator")) + finding.fix;
      rank = std::min(rank, static_cast<int>(finding.severity));
    }
    // The total row's severity is the worst of the domain: a manager who reads only
    // this row must see that a sender fails, not only the policy advice.
    rank = std::min(rank, domain_rank[index]);
    const std::string severity_id = rank == 3 ? "ok" : severity_name(static_cast<Severity>(rank));
    const auto count = [&](const std::map<std::string, std::set<std::string>>& reporters) {
      const auto found = reporters.find(domain);
      return static_cast<std::int64_t>(found != reporters.end() ? found->second.size() : 0);
    };
    const bool had_mail = domain_before[index].messages > 0;
    return row_cells(
        week, domain,
        {"all", text(lang, "digest.all_mail"), std::string(), std::move(causes),
         severity_text(severity_id), std::move(fix)},
        row, &domain_before[index], count(*reporters_now),
        had_mail ? core::Cell(count(*reporters_before)) : core::Cell(std::monostate{}));
  };
  std::vector<std::vector<core::Cell>> with_totals;
  with_totals.reserve(table.rows.size() + current->domains.size());
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const std::uint32_t domain = ordered[i].row->domain;
    if (i == 0 || ordered[i - 1].row->domain != domain) with_totals.push_back(domain_row(domain));
    with_totals.push_back(std::move(table.rows[i]));
  }
  table.rows = std::move(with_totals);
  table.set_kind(table.columns[4], core::ColumnKind::kList);  // source_ips, in any language
  if (!for_people) table.set_kind("causes", core::ColumnKind::kList);
  return table;
}

}  // namespace dmarcq::analysis
