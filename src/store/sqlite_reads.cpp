#include "store/sqlite_reads.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "report/report.h"

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
};
struct ReportsInFilter {
  std::vector<std::string> domains, reporters;
  std::unordered_map<std::int64_t, ReportSpan> reports;
  std::size_t read = 0;  // reports looked at, in the filter or not
};

core::Result<ReportsInFilter> reports_in(Database& db, const RecordFilter& filter) {
  std::vector<std::string> parameters;
  std::string where;
  for (const std::string& domain : filter.domains) {
    parameters.push_back(domain);
    where += (where.empty() ? " WHERE domain IN (?" : ", ?") + std::to_string(parameters.size());
  }
  if (!where.empty()) where += ")";
  auto statement = db.prepare("SELECT id, domain, reporter, date_begin, date_end FROM report" + where);
  if (!statement) return std::move(statement).error();
  for (std::size_t i = 0; i < parameters.size(); ++i) statement->bind(static_cast<int>(i + 1), parameters[i]);
  ReportsInFilter out;
  std::unordered_map<std::string, std::uint32_t> domain_index, reporter_index;
  auto index = [](std::unordered_map<std::string, std::uint32_t>& ids, std::vector<std::string>& names,
                  std::string name) {
    auto [slot, added] = ids.try_emplace(std::move(name), static_cast<std::uint32_t>(names.size()));
    if (added) names.push_back(slot->first);
    return slot->second;
  };
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) return out;
    ++out.read;
    const report::DaySpan span = report::day_span(statement->column_int(3), statement->column_int(4));
    if (filter.from_day && span.first_day + span.count - 1 < *filter.from_day) continue;
    if (filter.to_day && span.first_day > *filter.to_day) continue;
    out.reports.emplace(statement->column_int(0),
                        ReportSpan{index(domain_index, out.domains, statement->column_text(1)),
                                   index(reporter_index, out.reporters, statement->column_text(2)), span.first_day,
                                   span.count});
  }
}

}  // namespace

core::Result<RecordGroups> read_record_groups(Database& db, const RecordFilter& filter) {
  // Three integers per record (the covering index record_fact), summed by integer
  // keys; the facts themselves are read by the caller through read_facts. (GROUP BY
  // over the text columns sorted every record: seconds for a million.)
  auto loaded = reports_in(db, filter);
  if (!loaded) return std::move(loaded).error();
  const std::unordered_map<std::int64_t, ReportSpan>& reports = loaded->reports;
  const std::size_t reports_read = loaded->read;
  RecordGroups out;
  out.domains = std::move(loaded->domains);
  if (reports.empty()) return out;

  // A few weeks of a large store (digest) read their reports' records through the
  // record_fact index; otherwise one scan of the index beats a seek per report.
  const bool by_report = reports.size() * 8 < reports_read;
  auto statement = db.prepare(by_report
                                   ? "SELECT report_ref, fact_ref, message_count FROM record WHERE report_ref = ?1"
                                   : "SELECT report_ref, fact_ref, message_count FROM record");
  if (!statement) return std::move(statement).error();
  sqlite3_stmt* raw = statement->handle();
  std::vector<std::int64_t> report_ids;
  if (by_report) {
    for (const auto& [id, info] : reports) report_ids.push_back(id);
    std::sort(report_ids.begin(), report_ids.end());
  }
  std::size_t next_report = 0;
  if (by_report) statement->bind(1, report_ids[next_report++]);
  // Fact ids are dense (the store numbers them from 1), so the per-record lookups are
  // vector indexing: the index of each fact, and the group of its first domain (a
  // fact in further domains, rare, goes through a hash map).
  constexpr std::uint32_t kNone = UINT32_MAX;
  std::vector<std::uint32_t> index_of_fact;
  std::vector<std::size_t> first_group;  // by fact index
  std::unordered_map<std::uint64_t, std::size_t> other_groups;  // (domain, fact index) -> group
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) {
      if (!by_report || next_report == report_ids.size()) break;
      statement->reset();
      statement->bind(1, report_ids[next_report++]);
      continue;
    }
    auto report = reports.find(sqlite3_column_int64(raw, 0));
    if (report == reports.end()) continue;
    const ReportSpan& info = report->second;
    // The days of the report inside the filter, and the record's count on them by the
    // spreading rule (day i of n gets count / n, plus one while i < count % n).
    std::int64_t first = 0;
    std::int64_t last = info.day_count - 1;
    if (filter.from_day) first = std::max(first, *filter.from_day - info.first_day);
    if (filter.to_day) last = std::min(last, *filter.to_day - info.first_day);
    const std::int64_t count = sqlite3_column_int64(raw, 2);
    // A count smaller than the report's days lands on its first `count` days only.
    if (count < info.day_count) last = std::min(last, count - 1);
    if (first > last) continue;
    const std::int64_t messages = (last - first + 1) * (count / info.day_count) +
                                  std::max<std::int64_t>(0, std::min(last + 1, count % info.day_count) - first);
    if (messages == 0) continue;
    const std::int64_t fact_id = sqlite3_column_int64(raw, 1);
    if (sqlite3_column_type(raw, 1) == SQLITE_NULL || fact_id < 0 || fact_id >= kMaxFactId) {
      return Error(ErrorCode::kDb, "a record has no valid fact (the fact table is damaged); run dmarcq rebuild");
    }
    if (static_cast<std::size_t>(fact_id) >= index_of_fact.size()) {
      index_of_fact.resize(std::max<std::size_t>(static_cast<std::size_t>(fact_id) + 1, 2 * index_of_fact.size()), kNone);
    }
    std::uint32_t& fact = index_of_fact[static_cast<std::size_t>(fact_id)];
    if (fact == kNone) {
      fact = static_cast<std::uint32_t>(out.fact_ids.size());
      out.fact_ids.push_back(fact_id);
      first_group.push_back(out.groups.size());
      out.groups.push_back(RecordGroup{info.domain, fact, 0, info.first_day + first, info.first_day + last});
    }
    std::size_t slot = first_group[fact];
    if (out.groups[slot].domain != info.domain) {
      const std::uint64_t key = (static_cast<std::uint64_t>(info.domain) << 32) | fact;
      auto [other, added] = other_groups.try_emplace(key, out.groups.size());
      if (added) out.groups.push_back(RecordGroup{info.domain, fact, 0, info.first_day + first, info.first_day + last});
      slot = other->second;
    }
    RecordGroup& group = out.groups[slot];
    group.messages += messages;
    group.first_day = std::min(group.first_day, info.first_day + first);
    group.last_day = std::max(group.last_day, info.first_day + last);
  }
  return out;
}

core::Status read_facts(Database& db, const std::function<void(std::int64_t, const Fact&)>& visit,
                      const std::vector<std::int64_t>* only) {
  // Listed facts are read in runs of near ids, one range scan per run: a seek costs
  // about what stepping over a dozen rows does, so ids closer than kGap share a scan
  // and the rows between them are skipped. A week's digest wants a quarter of a large
  // fact table scattered over all of it: 13,000 runs read its 330,000 facts in 0.23 s
  // where a scan of the table took 0.34 s and a seek per fact 0.83 s.
  constexpr std::int64_t kGap = 16;
  auto statement = db.prepare(
      std::string("SELECT id, source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key FROM fact") +
      (only != nullptr ? " WHERE id BETWEEN ?1 AND ?2" : "") + " ORDER BY id");
  if (!statement) return std::move(statement).error();
  sqlite3_stmt* raw = statement->handle();
  auto text = [&](int column) {
    const unsigned char* value = sqlite3_column_text(raw, column);
    return std::string_view(value != nullptr ? reinterpret_cast<const char*>(value) : "",
                            static_cast<std::size_t>(sqlite3_column_bytes(raw, column)));
  };
  auto visit_row = [&] { visit(sqlite3_column_int64(raw, 0), Fact{text(1), text(2), text(3), text(4), text(5), text(6)}); };
  if (only == nullptr) {
    while (true) {
      auto row = statement->step();
      if (!row) return std::move(row).error();
      if (!*row) return {};
      visit_row();
    }
  }
  const std::vector<std::int64_t>& ids = *only;
  for (std::size_t first = 0; first < ids.size();) {
    std::size_t last = first;
    while (last + 1 < ids.size() && ids[last + 1] - ids[last] <= kGap) ++last;
    statement->reset();
    statement->bind(1, ids[first]);
    statement->bind(2, ids[last]);
    std::size_t wanted = first;  // the next listed id of the run
    while (true) {
      auto row = statement->step();
      if (!row) return std::move(row).error();
      if (!*row) break;
      const std::int64_t id = sqlite3_column_int64(raw, 0);
      while (wanted <= last && ids[wanted] < id) ++wanted;
      if (wanted > last || ids[wanted] != id) continue;
      ++wanted;
      visit_row();
    }
    first = last + 1;
  }
  return {};
}

core::Status read_record_days(Database& db, const RecordFilter& filter, bool by_day,
                            const std::function<void(const RecordDay&)>& visit) {
  by_day = by_day || filter.from_day || filter.to_day;
  auto loaded = reports_in(db, filter);
  if (!loaded) return std::move(loaded).error();
  const std::unordered_map<std::int64_t, ReportSpan>& reports = loaded->reports;
  auto statement = db.prepare("SELECT report_ref, fact_ref, message_count FROM record");
  if (!statement) return std::move(statement).error();
  sqlite3_stmt* raw = statement->handle();
  RecordDay record;
  while (true) {
    auto row = statement->step();
    if (!row) return std::move(row).error();
    if (!*row) return {};
    auto report = reports.find(sqlite3_column_int64(raw, 0));
    if (report == reports.end()) continue;
    const ReportSpan& info = report->second;
    record.domain = &loaded->domains[info.domain];
    record.reporter = &loaded->reporters[info.reporter];
    record.fact_id = sqlite3_column_int64(raw, 1);
    const std::int64_t count = sqlite3_column_int64(raw, 2);
    if (!by_day) {
      record.day = info.first_day;
      record.messages = count;
      visit(record);
      continue;
    }
    // Day i of n gets count / n, plus one while i < count % n.
    std::int64_t first = 0;
    std::int64_t last = info.day_count - 1;
    if (filter.from_day) first = std::max(first, *filter.from_day - info.first_day);
    if (filter.to_day) last = std::min(last, *filter.to_day - info.first_day);
    for (std::int64_t i = first; i <= last; ++i) {
      record.day = info.first_day + i;
      record.messages = count / info.day_count + (i < count % info.day_count ? 1 : 0);
      visit(record);
    }
  }
}

core::Result<std::vector<PublishedPolicy>> read_published_policies(Database& db, const RecordFilter& filter) {
  // What a domain publishes now: its reports of the newest week (those ending within
  // seven days of the newest report), merged field by field, newest first. One
  // reporter that omits sp= (Yahoo) or np= (every RFC 7489 reporter) must not make
  // the tag look unpublished. One ordered scan of the report table.
  auto statement = db.prepare(
      "SELECT domain, p, sp, np, adkim, aspf, pct, date_begin, date_end FROM report "
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
    const report::DaySpan span = report::day_span(statement->column_int(7), statement->column_int(8));
    const std::int64_t last_day = span.first_day + span.count - 1;
    if (filter.from_day && last_day < *filter.from_day) continue;
    if (filter.to_day && span.first_day > *filter.to_day) continue;
    if (!taken) {
      PublishedPolicy policy{std::move(domain), statement->column_text(1), statement->column_text(2),
                             statement->column_text(3), statement->column_text(4),
                             statement->column_text(5), std::nullopt};
      if (sqlite3_column_type(statement->handle(), 6) != SQLITE_NULL) policy.pct = statement->column_int(6);
      policies.push_back(std::move(policy));
      newest_day = last_day;
      taken = true;
      continue;
    }
    if (last_day + 6 < newest_day) continue;  // an older week
    PublishedPolicy& policy = policies.back();
    for (auto [field, column] : {std::pair{&policy.p, 1}, std::pair{&policy.sp, 2}, std::pair{&policy.np, 3},
                                 std::pair{&policy.adkim, 4}, std::pair{&policy.aspf, 5}}) {
      if (field->empty()) *field = statement->column_text(column);
    }
    if (!policy.pct && sqlite3_column_type(statement->handle(), 6) != SQLITE_NULL) {
      policy.pct = statement->column_int(6);
    }
  }
  return policies;
}

}  // namespace dmarcq::store
