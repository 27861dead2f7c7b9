#include <doctest/doctest.h>
#include <map>
#include <sqlite3.h>

#include "core/date.h"

#include "store/store.h"
#include "store/summary_sql.h"
#include "test_db.h"

using namespace dmarcq;
using store::GroupKey;
using store::OpenMode;
using testing::make_record;
using testing::make_report;

namespace {

constexpr std::int64_t kNov14 = 1794614400;  // Saturday of 2026-W46

struct OwnedFact {
  std::string source_ip, auth_key, dkim_aligned;
};

// Every fact of the store by id, copied out of scan_facts.
std::map<std::int64_t, OwnedFact> facts_by_id(store::Store& db) {
  std::map<std::int64_t, OwnedFact> facts;
  REQUIRE(db.scan_facts([&](std::int64_t id, const store::Fact& fact) {
              facts[id] = OwnedFact{std::string(fact.source_ip), std::string(fact.auth_key),
                                    std::string(fact.dkim_aligned)};
            }).ok());
  return facts;
}

// Two reports: a four-day one across the W46/W47 boundary (14..17 Nov) and a one-day one.
std::unique_ptr<store::Store> fixture(const std::string& path) {
  {
    auto opened = store::open_sqlite(path, OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    store::Store& db = **opened;
    REQUIRE(db.begin().ok());
    report::Report long_report =
        make_report("Mimecast", "m1", "example.net", kNov14, kNov14 + 4 * 86400 - 1);
    long_report.records.push_back(make_record("192.0.2.1", 10, "pass", "fail"));
    long_report.records.push_back(make_record("203.0.113.77", 3, "fail", "fail", "reject"));
    REQUIRE(db.add_report(long_report, "m.xml.gz", "h1").ok());
    report::Report day_report = make_report("google.com", "g1", "example.com", kNov14, kNov14 + 86399);
    day_report.records.push_back(make_record("192.0.2.1", 4, "fail", "pass", "quarantine"));
    REQUIRE(db.add_report(day_report, "g.zip", "h2").ok());
    REQUIRE(db.commit().ok());
  }
  auto reader = store::open_sqlite(path, OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  return std::move(*reader);
}

std::vector<std::vector<core::Cell>> rows_of(store::Store& db, const store::SummaryQuery& query) {
  auto table = db.summary(query);
  REQUIRE(table.ok());
  return table->rows;
}

using Row = std::vector<core::Cell>;
const core::Cell kNull = std::monostate{};

}  // namespace

TEST_CASE("summary: totals by domain with every column") {
  testing::TempDb temp;
  auto db = fixture(temp.path());
  auto table = db->summary({});
  REQUIRE(table.ok());
  CHECK(table->columns == std::vector<std::string>{"domain", "messages", "dmarc_pass", "dmarc_fail",
                                                   "spf_aligned_pass", "dkim_aligned_pass",
                                                   "quarantined", "rejected", "pass_rate"});
  REQUIRE(table->rows.size() == 2);
  CHECK(table->rows[0] == Row{std::string("example.com"), std::int64_t{4}, std::int64_t{4},
                              std::int64_t{0}, std::int64_t{4}, std::int64_t{0}, std::int64_t{4},
                              std::int64_t{0}, 100.0});
  CHECK(table->rows[1] == Row{std::string("example.net"), std::int64_t{13}, std::int64_t{10},
                              std::int64_t{3}, std::int64_t{0}, std::int64_t{10}, std::int64_t{0},
                              std::int64_t{3}, 76.9});
}

TEST_CASE("summary: a multi-day report is spread evenly over its days, exactly") {
  testing::TempDb temp;
  auto db = fixture(temp.path());
  store::SummaryQuery query;
  query.by = {GroupKey::kDay};
  query.domains = {"example.net"};
  // 10 over 4 days: 3, 3, 2, 2; 3 over 4 days: 1, 1, 1, 0.
  const auto rows = rows_of(*db, query);
  REQUIRE(rows.size() == 4);
  const char* days[] = {"2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17"};
  const std::int64_t messages[] = {4, 4, 3, 2};
  const std::int64_t rejected[] = {1, 1, 1, 0};
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(std::get<std::string>(rows[i][0]) == days[i]);
    CHECK(std::get<std::int64_t>(rows[i][1]) == messages[i]);
    CHECK(std::get<std::int64_t>(rows[i][7]) == rejected[i]);
  }

  query.by = {GroupKey::kDomain, GroupKey::kWeek};
  query.domains = {};
  const auto weeks = rows_of(*db, query);
  REQUIRE(weeks.size() == 3);
  CHECK(weeks[0][1] == core::Cell{std::string("2026-W46")});
  CHECK(weeks[0][2] == core::Cell{std::int64_t{4}});
  CHECK(weeks[1] == Row{std::string("example.net"), std::string("2026-W46"), std::int64_t{8},
                        std::int64_t{6}, std::int64_t{2}, std::int64_t{0}, std::int64_t{6},
                        std::int64_t{0}, std::int64_t{2}, 75.0});
  CHECK(weeks[2][1] == core::Cell{std::string("2026-W47")});
  CHECK(weeks[2][2] == core::Cell{std::int64_t{5}});
}

TEST_CASE("summary: filters by domain and day, grouping by source and reporter") {
  testing::TempDb temp;
  auto db = fixture(temp.path());
  store::SummaryQuery query;
  query.by = {GroupKey::kReporter, GroupKey::kSource};
  query.from_day = 20771;  // 2026-11-14
  query.to_day = 20771;
  const auto rows = rows_of(*db, query);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0][0] == core::Cell{std::string("google.com")});
  CHECK(rows[0][2] == core::Cell{std::int64_t{4}});
  CHECK(rows[1][0] == core::Cell{std::string("mimecast")});
  CHECK(rows[1][1] == core::Cell{std::string("192.0.2.1")});
  CHECK(rows[1][2] == core::Cell{std::int64_t{3}});
  CHECK(rows[2][1] == core::Cell{std::string("203.0.113.77")});
  CHECK(rows[2][2] == core::Cell{std::int64_t{1}});

  store::SummaryQuery none;
  none.domains = {"nothing.example"};
  CHECK(rows_of(*db, none).empty());
  (void)kNull;
}

TEST_CASE("store: record groups sum records with the same facts; policies are the newest") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    store::Store& db = **opened;
    REQUIRE(db.begin().ok());
    for (int day = 0; day < 3; ++day) {
      report::Report r = make_report("google.com", "g" + std::to_string(day), "example.com",
                                     kNov14 + day * 86400, kNov14 + day * 86400 + 86399);
      r.policy.p = day < 2 ? "none" : "quarantine";
      report::Record record = make_record("192.0.2.1", 10, "fail", "fail");
      record.spf_results.push_back({"x.bnc.salesforce.com", "mfrom", "pass", ""});
      r.records.push_back(record);
      r.records.push_back(make_record("192.0.2.2", 1, "pass", "pass"));
      REQUIRE(db.add_report(r, "o", "h" + std::to_string(day)).ok());
    }
    REQUIRE(db.commit().ok());
  }
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  auto groups = (*reader)->record_groups({});
  REQUIRE(groups.ok());
  // Six records, two facts: each stored once.
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM fact") == 2);
  REQUIRE(groups->groups.size() == 2);
  REQUIRE(groups->fact_ids.size() == 2);
  REQUIRE(groups->domains == std::vector<std::string>{"example.com"});
  auto facts = facts_by_id(**reader);
  REQUIRE(facts.size() == 2);
  const store::RecordGroup& sf = facts[groups->fact_id_of(groups->groups[0])].source_ip == "192.0.2.1"
                                     ? groups->groups[0]
                                     : groups->groups[1];
  CHECK(groups->domain_of(sf) == "example.com");
  CHECK(sf.messages == 30);
  CHECK(facts[groups->fact_id_of(sf)].auth_key == "|s:x.bnc.salesforce.com/mfrom/pass|");
  CHECK(facts[groups->fact_id_of(sf)].dkim_aligned == "fail");
  CHECK(core::format_day(sf.first_day) == "2026-11-14");
  CHECK(core::format_day(sf.last_day) == "2026-11-16");
  store::RecordFilter one_day;
  one_day.from_day = sf.first_day + 1;
  one_day.to_day = sf.first_day + 1;
  auto filtered = (*reader)->record_groups(one_day);
  REQUIRE(filtered.ok());
  std::int64_t total = 0;
  for (const auto& group : filtered->groups) total += group.messages;
  CHECK(total == 11);
  auto policies = (*reader)->published_policies({});
  REQUIRE(policies.ok());
  REQUIRE(policies->size() == 1);
  CHECK(policies->at(0).p == "quarantine");
}

TEST_CASE("store: records from before migration 3 get their auth_key when opened") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->begin().ok());
    report::Report r = make_report("google.com", "g", "example.com", kNov14, kNov14 + 86399);
    report::Record record = make_record("192.0.2.1", 10, "pass", "fail");
    record.dkim_results.push_back({"example.com", "s1", "pass", ""});
    record.reasons.push_back({"local_policy", "arc=pass"});
    r.records.push_back(record);
    REQUIRE((*opened)->add_report(r, "o", "h").ok());
    REQUIRE((*opened)->commit().ok());
  }
  sqlite3* raw = nullptr;
  sqlite3_open(temp.path().c_str(), &raw);
  // Back to what a version-2 database looks like.
  REQUIRE(sqlite3_exec(raw, "DROP INDEX record_fact; CREATE INDEX record_report ON record (report_ref); "
                            "ALTER TABLE record DROP COLUMN fact_ref; DROP TABLE fact; "
                            "DROP TABLE day_total; ALTER TABLE record DROP COLUMN auth_key; "
                            "CREATE INDEX record_source ON record (source_ip); PRAGMA user_version = 2", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM record WHERE auth_key = 'd:example.com/s1/pass||r:local_policy/arc=pass'") == 1);
  // Migration 4 runs after the backfill: the fact carries the filled auth_key.
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM record r JOIN fact f ON f.id = r.fact_ref "
                                     "WHERE f.auth_key = 'd:example.com/s1/pass||r:local_policy/arc=pass'") == 1);
}

TEST_CASE("store: records from before migration 4 get their facts; one fact serves two domains") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->begin().ok());
    for (const char* domain : {"example.com", "example.org"}) {
      report::Report r = make_report("google.com", std::string("g-") + domain, domain, kNov14, kNov14 + 86399);
      r.records.push_back(make_record("192.0.2.1", 10, "pass", "fail"));
      r.records.push_back(make_record("192.0.2.1", 5, "pass", "fail"));
      r.records.push_back(make_record("192.0.2.9", 1, "fail", "fail"));
      REQUIRE((*opened)->add_report(r, "o", std::string("h-") + domain).ok());
    }
    REQUIRE((*opened)->commit().ok());
  }
  sqlite3* raw = nullptr;
  sqlite3_open(temp.path().c_str(), &raw);
  // Back to what a version-3 database looks like.
  REQUIRE(sqlite3_exec(raw, "DROP TABLE day_total; DROP INDEX record_fact; CREATE INDEX record_report ON record (report_ref); "
                       "ALTER TABLE record DROP COLUMN fact_ref; DROP TABLE fact; "
                       "CREATE INDEX record_source ON record (source_ip); "
                       "CREATE INDEX record_report_auth ON record (report_ref, source_ip); PRAGMA user_version = 3",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM fact") == 2);
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM record WHERE fact_ref IS NULL") == 0);
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  auto groups = (*reader)->record_groups({});
  REQUIRE(groups.ok());
  CHECK(groups->fact_ids.size() == 2);
  REQUIRE(groups->groups.size() == 4);  // two facts in each of two domains
  auto facts = facts_by_id(**reader);
  std::int64_t shared = 0;
  for (const store::RecordGroup& group : groups->groups) {
    if (facts[groups->fact_id_of(group)].source_ip == "192.0.2.1") shared += group.messages;
  }
  CHECK(shared == 30);
  store::RecordFilter one_domain;
  one_domain.domains = {"example.org"};
  auto filtered = (*reader)->record_groups(one_domain);
  REQUIRE(filtered.ok());
  CHECK(filtered->domains == std::vector<std::string>{"example.org"});
  CHECK(filtered->groups.size() == 2);
}

namespace {

// Runs summary SQL with its parameters; rows as text, for comparison.
std::vector<std::string> run_summary_sql(const std::string& path, const store::SummarySql& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.text.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  for (std::size_t i = 0; i < sql.parameters.size(); ++i) {
    sqlite3_bind_text(statement, static_cast<int>(i + 1), sql.parameters[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  std::vector<std::string> rows;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(statement); ++c) {
      const unsigned char* text = sqlite3_column_text(statement, c);
      row += std::string(sqlite3_column_name(statement, c)) + "=" + (text ? reinterpret_cast<const char*>(text) : "NULL") + ";";
    }
    rows.push_back(row);
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return rows;
}

std::vector<std::string> table_rows(const std::string& path, const std::string& query) {
  return run_summary_sql(path, store::SummarySql{query, {}});
}

}  // namespace

TEST_CASE("store: daily totals give the figures of the records, and rebuild gives the same totals") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    store::Store& db = **opened;
    REQUIRE(db.begin().ok());
    // Four days across a week boundary, a count smaller than the days (zero days), a
    // zero count, two reporters on one domain and day, a report without records.
    report::Report long_report = make_report("Mimecast", "m1", "example.net", kNov14, kNov14 + 4 * 86400 - 1);
    long_report.records.push_back(make_record("192.0.2.1", 10, "pass", "fail"));
    long_report.records.push_back(make_record("203.0.113.77", 3, "fail", "fail", "reject"));
    long_report.records.push_back(make_record("203.0.113.78", 0, "fail", "pass"));
    REQUIRE(db.add_report(long_report, "m.xml.gz", "h1").ok());
    report::Report google = make_report("google.com", "g1", "example.net", kNov14 + 86400, kNov14 + 2 * 86400 - 1);
    google.records.push_back(make_record("192.0.2.1", 4, "fail", "pass", "quarantine"));
    REQUIRE(db.add_report(google, "g.zip", "h2").ok());
    report::Report other = make_report("Yahoo", "y1", "example.com", kNov14 + 3 * 86400, kNov14 + 4 * 86400 - 1);
    other.records.push_back(make_record("198.51.100.1", 7, "pass", "pass"));
    REQUIRE(db.add_report(other, "y.xml", "h3").ok());
    REQUIRE(db.add_report(make_report("Empty", "e1", "example.org", kNov14, kNov14 + 86399), "e.xml", "h4").ok());
    report::Report sparse = make_report("Fastmail", "f1", "example.com", kNov14, kNov14 + 3 * 86400 - 1);
    sparse.records.push_back(make_record("198.51.100.2", 1, "fail", "fail"));
    REQUIRE(db.add_report(sparse, "f.xml", "h5").ok());
    REQUIRE(db.commit().ok());
  }
  const std::int64_t nov14 = core::day_of(kNov14);
  std::vector<store::SummaryQuery> queries;
  for (const std::vector<GroupKey>& by : std::vector<std::vector<GroupKey>>{
           {GroupKey::kDomain}, {GroupKey::kReporter}, {GroupKey::kDay}, {GroupKey::kWeek},
           {GroupKey::kDomain, GroupKey::kDay}, {GroupKey::kWeek, GroupKey::kReporter, GroupKey::kDomain}}) {
    store::SummaryQuery query;
    query.by = by;
    queries.push_back(query);
    query.domains = {"example.net"};
    query.from_day = nov14 + 1;
    query.to_day = nov14 + 2;
    queries.push_back(query);
  }
  for (const store::SummaryQuery& query : queries) {
    const store::SummarySql rollup = store::build_summary_sql(query);
    REQUIRE(rollup.text.find("day_total") != std::string::npos);
    const auto from_rollup = run_summary_sql(temp.path(), rollup);
    CHECK(!from_rollup.empty());
    CHECK(from_rollup == run_summary_sql(temp.path(), store::build_summary_sql(query, store::SummarySource::kRecords)));
  }
  // The days of a three-day report with one message that get none keep their rows,
  // as in the record-level summary.
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM day_total WHERE messages = 0") == 2);
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM day_total") == 9);

  const auto totals = table_rows(temp.path(), "SELECT * FROM day_total ORDER BY domain, day, reporter");
  const auto facts = table_rows(temp.path(), "SELECT r.id, f.source_ip, f.header_from, f.dkim_aligned, f.spf_aligned, "
                                             "f.disposition, f.auth_key FROM record r JOIN fact f ON f.id = r.fact_ref ORDER BY r.id");
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->rebuild().ok());
  }
  CHECK(table_rows(temp.path(), "SELECT * FROM day_total ORDER BY domain, day, reporter") == totals);
  CHECK(table_rows(temp.path(), "SELECT r.id, f.source_ip, f.header_from, f.dkim_aligned, f.spf_aligned, "
                                "f.disposition, f.auth_key FROM record r JOIN fact f ON f.id = r.fact_ref ORDER BY r.id") == facts);
  CHECK(testing::scalar(temp.path(), "SELECT count(*) FROM fact") == 6);
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  CHECK(!(*reader)->rebuild().ok());
}
