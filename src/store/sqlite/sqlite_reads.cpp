#include "store/sqlite/sqlite_reads.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

#include "report/report.h"
#include "store/sqlite/parallel_reads.h"
#include "store/sqlite/record_pack.h"

namespace dmarcq::store {

namespace {

using core::Error;
using core::ErrorCode;

// The reports within `filter` (domains, and days when it has dates), with their
// policy domain and reporter as indexes into the name lists.
struct ReportSpan {
  std::uint32_t domain;
  std::uint32_t reporter;
  std::int64_t first_day;
  std::int64_t day_count;
  std::int64_t record_count;  // what its packed records must hold
};
struct ReportsInFilter {
  std::vector<std::string> domains, reporters;
  std::unordered_map<std::int64_t, ReportSpan> reports;
  std::size_t read = 0;  // reports looked at, in the filter or not
  std::vector<std::pair<std::int64_t, std::int64_t>>
      record_counts;  // (id, records) of those, by id
};

core::Result<ReportsInFilter> reports_in(Database& db, const RecordFilter& filter) {
  std::vector<std::string> parameters;
  std::string where;
  for (const std::string& domain : filter.domains) {
    parameters.push_back(domain);
    where += (where.empty() ? " WHERE domain IN (?" : ", ?") + std::to_string(parameters.size());
  }
  if (!where.empty()) where += ")";
  auto statement =
      db.prepare("SELECT id, domain, reporter, date_begin, date_end, record_count FROM report" +
                 where + " ORDER BY id");
  if (!statement) return std::move(statement).error();
  for (std::size_t i = 0; i < parameters.size(); ++i)
    statement->bind(static_cast<int>(i + 1), parameters[i]);
  ReportsInFilter out;
  std::unordered_map<std::string, std::uint32_t> domain_index, reporter_index;
  auto index = [](std::unordered_map<std::string, std::uint32_t>& ids,
                  std::vector<std::string>& names, std::string name) {
    auto [slot, added] = ids.try_emplace(std::move(name), static_cast<std::uint32_t>(names.size()));
    if (added) names.push_back(slot->first);
    return slot->second;
  };
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    ++out.read;
    out.record_counts.emplace_back(statement->column_int(0), statement->column_int(5));
    const report::DaySpan span =
        report::day_span(statement->column_int(3), statement->column_int(4));
    if (filter.from_day && span.first_day + span.count - 1 < *filter.from_day) continue;
    if (filter.to_day && span.first_day > *filter.to_day) continue;
    out.reports.emplace(statement->column_int(0),
                        ReportSpan{index(domain_index, out.domains, statement->column_text(1)),
                                   index(reporter_index, out.reporters, statement->column_text(2)),
                                   span.first_day, span.count, statement->column_int(5)});
  }
}

// Report id ranges [first, last] that cover every id, at most `parts` of them, each
// holding about as many of the records counted in `record_counts` (by id).
std::vector<std::pair<std::int64_t, std::int64_t>> split_by_records(
    const std::vector<std::pair<std::int64_t, std::int64_t>>& record_counts, std::size_t parts) {
  std::int64_t total = 0;
  for (const auto& [id, records] : record_counts) total += std::max<std::int64_t>(records, 0);
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  std::int64_t first = INT64_MIN;
  std::int64_t seen = 0;
  for (const auto& [id, records] : record_counts) {
    // A range ends before the report that would take it past its share.
    const auto share = static_cast<std::int64_t>(static_cast<double>(total) *
                                                 static_cast<double>(ranges.size() + 1) /
                                                 static_cast<double>(parts));
    if (ranges.size() + 1 < parts && seen >= share && id > first) {
      ranges.emplace_back(first, id - 1);
      first = id;
    }
    seen += std::max<std::int64_t>(records, 0);
  }
  ranges.emplace_back(first, INT64_MAX);
  return ranges;
}

// Record counts summed by (policy domain, fact), the groups in the order of their
// first record.
class Grouper {
 public:
  void add(std::uint32_t domain, std::int64_t fact_id, std::int64_t messages,
           std::int64_t first_day, std::int64_t last_day) {
    // Fact ids are dense (the store numbers them from 1), so the lookups are vector
    // indexing: the index of each fact, and the group of its first domain (a fact in
    // further domains, rare, goes through a hash map).
    if (static_cast<std::size_t>(fact_id) >= index_of_fact_.size()) {
      index_of_fact_.resize(
          std::max<std::size_t>(static_cast<std::size_t>(fact_id) + 1, 2 * index_of_fact_.size()),
          kNone);
    }
    std::uint32_t& fact = index_of_fact_[static_cast<std::size_t>(fact_id)];
    if (fact == kNone) {
      fact = static_cast<std::uint32_t>(out_.fact_ids.size());
      out_.fact_ids.push_back(fact_id);
      first_group_.push_back(out_.groups.size());
      out_.groups.push_back(RecordGroup{domain, fact, 0, first_day, last_day});
    }
    std::size_t slot = first_group_[fact];
    if (out_.groups[slot].domain != domain) {
      const std::uint64_t key = (static_cast<std::uint64_t>(domain) << 32) | fact;
      auto [other, added] = other_groups_.try_emplace(key, out_.groups.size());
      if (added) out_.groups.push_back(RecordGroup{domain, fact, 0, first_day, last_day});
      slot = other->second;
    }
    RecordGroup& group = out_.groups[slot];
    group.messages += messages;
    group.first_day = std::min(group.first_day, first_day);
    group.last_day = std::max(group.last_day, last_day);
  }
  // Adds the groups of a later part of the scan, as if its records had come here.
  void add(const RecordGroups& later) {
    for (const RecordGroup& group : later.groups) {
      add(group.domain, later.fact_ids[group.fact], group.messages, group.first_day,
          group.last_day);
    }
  }
  RecordGroups take() { return std::move(out_); }

 private:
  static constexpr std::uint32_t kNone = UINT32_MAX;
  RecordGroups out_;
  std::vector<std::uint32_t> index_of_fact_;
  std::vector<std::size_t> first_group_;                         // by fact index
  std::unordered_map<std::uint64_t, std::size_t> other_groups_;  // (domain, fact index) -> group
};

// Groups the records of one report.
core::Status group_records(const ReportSpan& info, const std::vector<FactCount>& records,
                           const RecordFilter& filter, Grouper& grouper) {
  // The days of the report inside the filter, and each record's count on them by the
  // spreading rule (day i of n gets count / n, plus one while i < count % n).
  std::int64_t first = 0;
  std::int64_t last_of_report = info.day_count - 1;
  if (filter.from_day) first = std::max(first, *filter.from_day - info.first_day);
  if (filter.to_day) last_of_report = std::min(last_of_report, *filter.to_day - info.first_day);
  for (const FactCount& record : records) {
    const std::int64_t count = record.messages;
    std::int64_t last = last_of_report;
    // A count smaller than the report's days lands on its first `count` days only.
    if (count < info.day_count) last = std::min(last, count - 1);
    if (first > last) continue;
    const std::int64_t messages =
        (last - first + 1) * (count / info.day_count) +
        std::max<std::int64_t>(0, std::min(last + 1, count % info.day_count) - first);
    if (messages == 0) continue;
    if (record.fact_id <= 0 || record.fact_id >= kMaxFactId) {
      return Error(ErrorCode::kDb,
                   "a record has no valid fact (the fact table is damaged); run dmarcq rebuild");
    }
    grouper.add(info.domain, record.fact_id, messages, info.first_day + first,
                info.first_day + last);
  }
  return {};
}

// The records of a report within the filter, unpacked (sorted by fact, then
// messages); called on the thread of `part`.
using ReportScan = std::function<core::Status(std::size_t part, const ReportSpan& report,
                                              const std::vector<FactCount>& records)>;

// Runs scan over the reports in `loaded` and their packed records (report_facts), in
// parts (report id ranges) on connections of one snapshot at once when the store
// allows it. A part reads the rows of its range, or with `by_report` seeks each
// report of the filter in its range. A report whose row is missing, unreadable or
// holds another number of records than the report says is damage.
core::Status scan_record_parts(Connections connections, SharedSnapshot& snapshot,
                               const ReportsInFilter& loaded, bool by_report,
                               const ReportScan& scan) {
  std::vector<std::pair<std::int64_t, std::int64_t>>
      counted;  // the reports read: (id, records), by id
  for (const auto& [id, count] : loaded.record_counts) {
    if (!by_report || loaded.reports.count(id) > 0) counted.emplace_back(id, count);
  }
  std::int64_t records = 0;
  for (const auto& [id, count] : counted) records += count;
  std::size_t parts =
      connections.path != nullptr
          ? std::clamp<std::size_t>(
                static_cast<std::size_t>(records /
                                         std::max<std::int64_t>(connections.records_per_thread, 1)),
                1, std::clamp<std::size_t>(connections.threads, 1, kMaxReadParts))
          : 1;
  if (parts > 1) {
    if (auto status = snapshot.start(*connections.path, parts); !status) return status;
    parts = snapshot.size();
  }
  const std::vector<std::pair<std::int64_t, std::int64_t>> ranges =
      split_by_records(counted, parts);
  return snapshot.run([&](std::size_t part, Database& db) -> core::Status {
    if (part >= ranges.size()) return {};
    const auto [first, last] = ranges[part];
    std::size_t expected = 0;  // reports of the filter in the range
    for (const auto& [id, count] : counted) {
      if (id >= first && id <= last && loaded.reports.count(id) > 0) ++expected;
    }
    std::size_t seen = 0;
    std::vector<FactCount> unpacked;
    // Visits the row the statement is on.
    auto visit = [&](Statement& statement) -> core::Status {
      sqlite3_stmt* raw = statement.handle();
      const std::int64_t id = sqlite3_column_int64(raw, 0);
      const auto report = loaded.reports.find(id);
      if (report == loaded.reports.end()) return {};
      ++seen;
      const auto* bytes = static_cast<const char*>(sqlite3_column_blob(raw, 1));
      const std::string_view packed(bytes != nullptr ? bytes : "",
                                    static_cast<std::size_t>(sqlite3_column_bytes(raw, 1)));
      if (!unpack_records(packed, unpacked) ||
          static_cast<std::int64_t>(unpacked.size()) != report->second.record_count) {
        return Error(ErrorCode::kDb, "the packed records of report " + std::to_string(id) +
                                         " are damaged (report_facts); run dmarcq rebuild");
      }
      return scan(part, report->second, unpacked);
    };
    auto statement = db.prepare(
        by_report ? "SELECT report_ref, packed FROM report_facts WHERE report_ref = ?1"
                  : "SELECT report_ref, packed FROM report_facts WHERE report_ref BETWEEN ?1 "
                    "AND ?2 ORDER BY report_ref");
    if (!statement) return std::move(statement).error();
    auto visit_all = [&]() -> core::Status {
      while (true) {
        auto row = statement->step();
        if (!row) return std::move(row).error();
        if (!*row) return {};
        if (auto status = visit(*statement); !status) return status;
      }
    };
    if (!by_report) {
      statement->bind(1, first).bind(2, last);
      if (auto status = visit_all(); !status) return status;
    } else {
      for (const auto& [id, count] : counted) {
        if (id < first || id > last) continue;
        statement->reset();
        statement->bind(1, id);
        if (auto status = visit_all(); !status) return status;
      }
    }
    if (seen != expected) {
      return Error(ErrorCode::kDb,
                   "reports have no packed records (report_facts is damaged); run dmarcq rebuild");
    }
    return {};
  });
}

}  // namespace

core::Result<RecordGroups> read_fact_totals(Database& db, const RecordFilter& filter) {
  // One row per domain and fact (fact_total, kept by import) instead of every record;
  // the same groups as read_record_groups gives without dates.
  auto loaded = reports_in(db, filter);
  if (!loaded) return std::move(loaded).error();
  RecordGroups out;
  out.domains = std::move(loaded->domains);
  if (out.domains.empty()) return out;
  std::unordered_map<std::string_view, std::uint32_t> domain_index;
  for (std::size_t i = 0; i < out.domains.size(); ++i) {
    domain_index.emplace(out.domains[i], static_cast<std::uint32_t>(i));
  }
  std::string where;
  for (std::size_t i = 0; i < filter.domains.size(); ++i) {
    where += (where.empty() ? " WHERE domain IN (?" : ", ?") + std::to_string(i + 1);
  }
  if (!where.empty()) where += ")";
  auto statement =
      db.prepare("SELECT domain, fact_ref, messages, first_day, last_day FROM fact_total" + where);
  if (!statement) return std::move(statement).error();
  for (std::size_t i = 0; i < filter.domains.size(); ++i)
    statement->bind(static_cast<int>(i + 1), filter.domains[i]);
  sqlite3_stmt* raw = statement->handle();
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> index_of_fact;
  std::string_view last_domain;  // rows of one domain often follow each other
  std::uint32_t domain = kNone;
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    const std::string_view name(reinterpret_cast<const char*>(sqlite3_column_text(raw, 0)),
                                static_cast<std::size_t>(sqlite3_column_bytes(raw, 0)));
    if (domain == kNone || name != last_domain) {
      auto known = domain_index.find(name);
      if (known == domain_index.end()) {
        return Error(
            ErrorCode::kDb,
            "fact_total names a domain no report has (the table is damaged); run dmarcq rebuild");
      }
      domain = known->second;
      last_domain = out.domains[domain];
    }
    const std::int64_t fact_id = sqlite3_column_int64(raw, 1);
    if (fact_id < 0 || fact_id >= kMaxFactId) {
      return Error(ErrorCode::kDb,
                   "fact_total has no valid fact (the table is damaged); run dmarcq rebuild");
    }
    if (static_cast<std::size_t>(fact_id) >= index_of_fact.size()) {
      index_of_fact.resize(
          std::max<std::size_t>(static_cast<std::size_t>(fact_id) + 1, 2 * index_of_fact.size()),
          kNone);
    }
    std::uint32_t& fact = index_of_fact[static_cast<std::size_t>(fact_id)];
    if (fact == kNone) {
      fact = static_cast<std::uint32_t>(out.fact_ids.size());
      out.fact_ids.push_back(fact_id);
    }
    out.groups.push_back(RecordGroup{domain, fact, sqlite3_column_int64(raw, 2),
                                     sqlite3_column_int64(raw, 3), sqlite3_column_int64(raw, 4)});
  }
  return out;
}

core::Result<RecordGroups> read_record_groups(Connections connections, const RecordFilter& filter) {
  // Two integers per record (report_facts: fact and messages, a row per report),
  // summed by integer keys; the facts themselves are read by the caller through
  // read_facts. A GROUP BY over the text columns would sort every record.
  SharedSnapshot snapshot(connections.main);
  auto loaded = reports_in(connections.main, filter);
  if (!loaded) return std::move(loaded).error();
  if (loaded->reports.empty()) {
    RecordGroups out;
    out.domains = std::move(loaded->domains);
    return out;
  }

  // A few weeks of a large store (digest) seek their reports' rows one by one;
  // otherwise a scan of the table's ranges beats that.
  // Each part groups its own records; the parts are then added in report order,
  // which gives the groups in the order one scan would have made them.
  const bool by_report = loaded->reports.size() * 8 < loaded->read;
  std::vector<Grouper> parts(kMaxReadParts);
  auto status = scan_record_parts(
      connections, snapshot, *loaded, by_report,
      [&](std::size_t part, const ReportSpan& report, const std::vector<FactCount>& records) {
        return group_records(report, records, filter, parts[part]);
      });
  if (!status) return std::move(status).error();
  Grouper grouper = std::move(parts[0]);
  for (std::size_t part = 1; part < parts.size(); ++part) grouper.add(parts[part].take());
  RecordGroups out = grouper.take();
  out.domains = std::move(loaded->domains);
  return out;
}

core::Status read_record_days(Connections connections, const RecordFilter& filter, bool by_day,
                              const std::function<void(const RecordDay&)>& visit) {
  by_day = by_day || filter.from_day || filter.to_day;
  SharedSnapshot snapshot(connections.main);
  auto loaded = reports_in(connections.main, filter);
  if (!loaded) return std::move(loaded).error();
  return scan_record_parts(connections, snapshot, *loaded, false,
                           [&](std::size_t part, const ReportSpan& info,
                               const std::vector<FactCount>& records) -> core::Status {
                             RecordDay record;
                             record.part = part;
                             record.domain = &loaded->domains[info.domain];
                             record.reporter = &loaded->reporters[info.reporter];
                             // Day i of n gets count / n, plus one while i < count % n.
                             std::int64_t first = 0;
                             std::int64_t last = info.day_count - 1;
                             if (filter.from_day)
                               first = std::max(first, *filter.from_day - info.first_day);
                             if (filter.to_day)
                               last = std::min(last, *filter.to_day - info.first_day);
                             for (const FactCount& packed : records) {
                               record.fact_id = packed.fact_id;
                               const std::int64_t count = packed.messages;
                               if (!by_day) {
                                 record.day = info.first_day;
                                 record.messages = count;
                                 visit(record);
                                 continue;
                               }
                               for (std::int64_t i = first; i <= last; ++i) {
                                 record.day = info.first_day + i;
                                 record.messages =
                                     count / info.day_count + (i < count % info.day_count ? 1 : 0);
                                 visit(record);
                               }
                             }
                             return {};
                           });
}

core::Result<std::vector<PublishedPolicy>> read_published_policies(Database& db,
                                                                   const RecordFilter& filter) {
  // What a domain publishes now: its reports of the newest week (those ending within
  // seven days of the newest report), merged field by field, newest first. One
  // reporter that omits sp= (Yahoo) or np= (every RFC 7489 reporter) must not make
  // the tag look unpublished. One ordered scan of the report table.
  auto statement = db.prepare(
      "SELECT domain, p, sp, np, adkim, aspf, pct, date_begin, date_end, testing FROM report "
      "ORDER BY domain, date_end DESC, id DESC");
  if (!statement) return std::move(statement).error();
  std::vector<PublishedPolicy> policies;
  std::string current;          // the domain being read
  std::int64_t newest_day = 0;  // last day of its newest report within the filter
  bool taken = false;           // a policy was started for `current`
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    std::string domain = statement->column_text(0);
    if (domain != current) {
      current = domain;
      taken = false;
    }
    if (!filter.domains.empty() &&
        std::find(filter.domains.begin(), filter.domains.end(), domain) == filter.domains.end()) {
      continue;
    }
    const report::DaySpan span =
        report::day_span(statement->column_int(7), statement->column_int(8));
    const std::int64_t last_day = span.first_day + span.count - 1;
    if (filter.from_day && last_day < *filter.from_day) continue;
    if (filter.to_day && span.first_day > *filter.to_day) continue;
    if (!taken) {
      PublishedPolicy policy{std::move(domain),
                             statement->column_text(1),
                             statement->column_text(2),
                             statement->column_text(3),
                             statement->column_text(4),
                             statement->column_text(5),
                             std::nullopt,
                             statement->column_text(9)};
      if (sqlite3_column_type(statement->handle(), 6) != SQLITE_NULL)
        policy.pct = statement->column_int(6);
      policies.push_back(std::move(policy));
      newest_day = last_day;
      taken = true;
      continue;
    }
    if (last_day + 6 < newest_day) continue;  // an older week
    PublishedPolicy& policy = policies.back();
    for (auto [field, column] :
         {std::pair{&policy.p, 1}, std::pair{&policy.sp, 2}, std::pair{&policy.np, 3},
          std::pair{&policy.adkim, 4}, std::pair{&policy.aspf, 5}, std::pair{&policy.testing, 9}}) {
      if (field->empty()) *field = statement->column_text(column);
    }
    if (!policy.pct && sqlite3_column_type(statement->handle(), 6) != SQLITE_NULL) {
      policy.pct = statement->column_int(6);
    }
  }
  return policies;
}

}  // namespace dmarcq::store
