#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "core/date.h"
#include "store/sql/summary_sql.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
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
    report::Report day_report =
        make_report("google.com", "g1", "example.com", kNov14, kNov14 + 86399);
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
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 2);
  REQUIRE(groups->groups.size() == 2);
  REQUIRE(groups->fact_ids.size() == 2);
  REQUIRE(groups->domains == std::vector<std::string>{"example.com"});
  auto facts = facts_by_id(**reader);
  REQUIRE(facts.size() == 2);
  const store::RecordGroup& sf =
      facts[groups->fact_id_of(groups->groups[0])].source_ip == "192.0.2.1" ? groups->groups[0]
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

namespace {

// Runs summary SQL with its parameters; rows as text, for comparison.
std::vector<std::string> run_summary_sql(const std::string& path, const store::SummarySql& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.text.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  for (std::size_t i = 0; i < sql.parameters.size(); ++i) {
    sqlite3_bind_text(statement, static_cast<int>(i + 1), sql.parameters[i].c_str(), -1,
                      SQLITE_TRANSIENT);
  }
  std::vector<std::string> rows;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    std::string row;
    for (int c = 0; c < sqlite3_column_count(statement); ++c) {
      const unsigned char* text = sqlite3_column_text(statement, c);
      row += std::string(sqlite3_column_name(statement, c)) + "=" +
             (text ? reinterpret_cast<const char*>(text) : "NULL") + ";";
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

namespace {

// A database as dmarcq left it at schema `version`: the real migrations 1..version
// applied in order, no data.
void make_store_at_version(const std::string& path, int version) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  for (const store::Migration& migration : store::migrations()) {
    if (migration.version > version) break;
    REQUIRE(sqlite3_exec(raw, std::string(migration.sql).c_str(), nullptr, nullptr, nullptr) ==
            SQLITE_OK);
  }
  const std::string mark =
      "PRAGMA user_version = " + std::to_string(version) + "; PRAGMA application_id = 1145918033";
  REQUIRE(sqlite3_exec(raw, mark.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(raw);
}

void exec(const std::string& path, const std::string& sql) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  char* message = nullptr;
  const int status = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, &message);
  INFO(sql << ": " << (message != nullptr ? message : ""));
  sqlite3_free(message);
  sqlite3_close(raw);
  REQUIRE(status == SQLITE_OK);
}

// A one-day report of Google's for `domain` on 2026-11-14, id `id`, as migration 1
// stores it.
std::string old_report_sql(int id, const std::string& domain) {
  return "INSERT INTO report VALUES (" + std::to_string(id) +
         ", 'google.com', 'google.com', '', '', 'g-" + domain +
         "', 1794614400, 1794700799, '', '', '', '" + domain +
         "', 'r', 'r', 'none', '', '', NULL, '', '', '', 1, 3, 16, 0, 'o', 'h-" + domain +
         "', 0); INSERT INTO report_day VALUES (" + std::to_string(id) +
         ", 0, '2026-11-14', '2026-W46');";
}

}  // namespace

TEST_CASE("store: a version-2 database gets its facts, with every result detail, when opened") {
  testing::TempDb temp;
  make_store_at_version(temp.path(), 2);
  // Two records with the same results but for a human_result, and one whose selector
  // holds a character the auth key replaces: three facts.
  exec(temp.path(),
       old_report_sql(1, "example.com") +
           "INSERT INTO record VALUES (1, 1, 1, '192.0.2.1', 10, 'none', 'pass', 'fail', "
           "'example.com', '', '');"
           "INSERT INTO record VALUES (2, 1, 2, '192.0.2.1', 5, 'none', 'pass', 'fail', "
           "'example.com', '', '');"
           "INSERT INTO record VALUES (3, 1, 3, '192.0.2.1', 1, 'none', 'pass', 'fail', "
           "'example.com', '', '');"
           "INSERT INTO dkim_result VALUES (1, 1, 'example.com', 's1', 'pass', '');"
           "INSERT INTO dkim_result VALUES (2, 1, 'example.com', 's1', 'pass', 'good signature');"
           "INSERT INTO dkim_result VALUES (3, 1, 'example.com', 's1/x', 'pass', '');"
           "INSERT INTO spf_result VALUES (1, 1, 'example.com', 'mfrom', 'fail', '');"
           "INSERT INTO spf_result VALUES (2, 1, 'example.com', 'mfrom', 'fail', '');"
           "INSERT INTO spf_result VALUES (3, 1, 'example.com', 'mfrom', 'fail', '');"
           "INSERT INTO policy_reason VALUES (1, 1, 'local_policy', 'arc=pass');"
           "INSERT INTO policy_reason VALUES (2, 1, 'local_policy', 'arc=pass');");
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(testing::file_scalar(temp.path(), "PRAGMA user_version") ==
        static_cast<std::int64_t>(store::migrations().back().version));
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 3);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM record WHERE fact_ref IS NULL") ==
        0);
  CHECK(testing::file_scalar(
            temp.path(),
            "SELECT count(*) FROM record r JOIN fact f ON f.id = r.fact_ref "
            "WHERE f.auth_key = "
            "'d:example.com/s1/pass|s:example.com/mfrom/fail|r:local_policy/arc=pass' "
            "AND f.dkim_results = '[[\"example.com\",\"s1\",\"pass\",\"\"]]' "
            "AND f.policy_reasons = '[[\"local_policy\",\"arc=pass\"]]'") == 1);
  // The child tables are views now, and give back exactly what was stored.
  CHECK(table_rows(temp.path(), "SELECT * FROM dkim_result ORDER BY record_ref, seq") ==
        std::vector<std::string>{
            "record_ref=1;seq=1;domain=example.com;selector=s1;result=pass;human_result=;",
            "record_ref=2;seq=1;domain=example.com;selector=s1;result=pass;human_result=good "
            "signature;",
            "record_ref=3;seq=1;domain=example.com;selector=s1/x;result=pass;human_result=;"});
  CHECK(table_rows(temp.path(), "SELECT * FROM policy_reason ORDER BY record_ref, seq") ==
        std::vector<std::string>{"record_ref=1;seq=1;type=local_policy;comment=arc=pass;",
                                 "record_ref=2;seq=1;type=local_policy;comment=arc=pass;"});
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM spf_result") == 3);
  CHECK(testing::file_scalar(temp.path(),
                             "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                             "name IN ('dkim_result', 'spf_result', 'policy_reason')") == 0);
  CHECK(testing::file_scalar(temp.path(), "SELECT messages FROM day_total") == 16);
  CHECK(testing::file_scalar(temp.path(), "SELECT sum(messages) FROM fact_total") == 16);
  CHECK(testing::file_scalar(
            temp.path(),
            "SELECT count(*) FROM fact_total WHERE first_day = 20771 AND last_day = 20771") == 3);
}

TEST_CASE(
    "store: a version-6 database gets one fact per distinct record; one fact serves two domains") {
  testing::TempDb temp;
  make_store_at_version(temp.path(), 6);
  std::string sql;
  int record = 0;
  for (int report : {1, 2}) {
    const std::string domain = report == 1 ? "example.com" : "example.org";
    sql += old_report_sql(report, domain);
    for (auto [ip, count, dkim] : {std::tuple{"192.0.2.1", 10, "pass"},
                                   {"192.0.2.1", 5, "pass"},
                                   {"192.0.2.9", 1, "fail"}}) {
      ++record;
      // fact_ref NULL: migration 7 refills every fact, whatever was there.
      sql += "INSERT INTO record VALUES (" + std::to_string(record) + ", " +
             std::to_string(report) + ", " + std::to_string(record) + ", '" + ip + "', " +
             std::to_string(count) + ", 'none', '" + dkim +
             "', 'fail', 'example.com', '', '', '|s:example.com/mfrom/fail|', NULL);";
      sql += "INSERT INTO spf_result VALUES (" + std::to_string(record) +
             ", 1, 'example.com', 'mfrom', 'fail', '');";
    }
  }
  exec(temp.path(), sql);
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 2);
  CHECK(testing::file_scalar(temp.path(),
                             "SELECT count(*) FROM fact WHERE spf_results = "
                             "'[[\"example.com\",\"mfrom\",\"fail\",\"\"]]'") == 2);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM spf_result") == 6);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM record WHERE fact_ref IS NULL") ==
        0);
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

TEST_CASE("store: results are stored once per fact and given back exactly for every record") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->begin().ok());
    report::Report r = make_report("google.com", "g", "example.com", kNov14, kNov14 + 86399);
    report::Record plain = make_record("192.0.2.1", 10, "pass", "fail");
    plain.dkim_results.push_back({"example.com", "s1", "pass", ""});
    plain.spf_results.push_back({"example.com", "mfrom", "fail", ""});
    r.records.push_back(plain);
    r.records.push_back(plain);    // the same fact again
    report::Record human = plain;  // differs only where the auth key does not look
    human.dkim_results[0].human_result = "good";
    r.records.push_back(human);
    report::Record separator = plain;
    separator.reasons.push_back({"other", "a;b|c/d \"q\" \\ \x01"});
    r.records.push_back(separator);
    REQUIRE((*opened)->add_report(r, "o", "h").ok());
    REQUIRE((*opened)->commit().ok());
  }
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 3);
  // JSON keeps what the auth key cannot: a human_result, separators, quotes.
  CHECK(
      table_rows(temp.path(), "SELECT policy_reasons FROM fact WHERE policy_reasons <> '[]'") ==
      std::vector<std::string>{"policy_reasons=[[\"other\",\"a;b|c/d \\\"q\\\" \\\\ \\u0001\"]];"});
  CHECK(table_rows(temp.path(),
                   "SELECT record_ref, human_result FROM dkim_result ORDER BY record_ref") ==
        std::vector<std::string>{"record_ref=1;human_result=;", "record_ref=2;human_result=;",
                                 "record_ref=3;human_result=good;", "record_ref=4;human_result=;"});
  CHECK(table_rows(temp.path(), "SELECT * FROM policy_reason") ==
        std::vector<std::string>{"record_ref=4;seq=1;type=other;comment=a;b|c/d \"q\" \\ \x01;"});
}

TEST_CASE(
    "store: daily totals give the figures of the records, and rebuild gives the same totals") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    store::Store& db = **opened;
    REQUIRE(db.begin().ok());
    // Four days across a week boundary, a count smaller than the days (zero days), a
    // zero count, two reporters on one domain and day, a report without records.
    report::Report long_report =
        make_report("Mimecast", "m1", "example.net", kNov14, kNov14 + 4 * 86400 - 1);
    long_report.records.push_back(make_record("192.0.2.1", 10, "pass", "fail"));
    long_report.records.push_back(make_record("203.0.113.77", 3, "fail", "fail", "reject"));
    long_report.records.push_back(make_record("203.0.113.78", 0, "fail", "pass"));
    REQUIRE(db.add_report(long_report, "m.xml.gz", "h1").ok());
    report::Report google =
        make_report("google.com", "g1", "example.net", kNov14 + 86400, kNov14 + 2 * 86400 - 1);
    google.records.push_back(make_record("192.0.2.1", 4, "fail", "pass", "quarantine"));
    REQUIRE(db.add_report(google, "g.zip", "h2").ok());
    report::Report other =
        make_report("Yahoo", "y1", "example.com", kNov14 + 3 * 86400, kNov14 + 4 * 86400 - 1);
    other.records.push_back(make_record("198.51.100.1", 7, "pass", "pass"));
    REQUIRE(db.add_report(other, "y.xml", "h3").ok());
    REQUIRE(db.add_report(make_report("Empty", "e1", "example.org", kNov14, kNov14 + 86399),
                          "e.xml", "h4")
                .ok());
    report::Report sparse =
        make_report("Fastmail", "f1", "example.com", kNov14, kNov14 + 3 * 86400 - 1);
    sparse.records.push_back(make_record("198.51.100.2", 1, "fail", "fail"));
    REQUIRE(db.add_report(sparse, "f.xml", "h5").ok());
    REQUIRE(db.commit().ok());
  }
  const std::int64_t nov14 = core::day_of(kNov14);
  std::vector<store::SummaryQuery> queries;
  for (const std::vector<GroupKey>& by : std::vector<std::vector<GroupKey>>{
           {GroupKey::kDomain},
           {GroupKey::kReporter},
           {GroupKey::kDay},
           {GroupKey::kWeek},
           {GroupKey::kDomain, GroupKey::kDay},
           {GroupKey::kWeek, GroupKey::kReporter, GroupKey::kDomain}}) {
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
    CHECK(from_rollup == run_summary_sql(temp.path(), store::build_summary_sql(
                                                          query, store::SummarySource::kRecords)));
  }
  // The days of a three-day report with one message that get none keep their rows,
  // as in the record-level summary.
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM day_total WHERE messages = 0") ==
        2);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM day_total") == 9);

  // fact_total gives the groups the records give: every domain and fact with its
  // messages and the first and last day with any (the three-day report's single
  // message lands on its first day only; the zero count has no row).
  {
    auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
    REQUIRE(reader.ok());
    auto group_rows = [&](const store::RecordFilter& filter) {
      auto groups = (*reader)->record_groups(filter);
      REQUIRE(groups.ok());
      std::vector<std::string> rows;
      for (const store::RecordGroup& group : groups->groups) {
        rows.push_back(groups->domain_of(group) + " " + std::to_string(groups->fact_id_of(group)) +
                       " " + std::to_string(group.messages) + " " +
                       std::to_string(group.first_day - nov14) + " " +
                       std::to_string(group.last_day - nov14));
      }
      std::sort(rows.begin(), rows.end());
      return std::make_pair(rows, groups->domains);
    };
    store::RecordFilter all_days;  // the record-level path: a filter with days
    all_days.from_day = nov14 - 100;
    all_days.to_day = nov14 + 100;
    const auto [from_totals, domains] = group_rows({});
    const auto [from_records, record_domains] = group_rows(all_days);
    CHECK(from_totals == from_records);
    CHECK(domains == record_domains);
    CHECK(from_totals.size() == 5);
    CHECK(std::find(from_totals.begin(), from_totals.end(), "example.com 6 1 0 0") !=
          from_totals.end());
    store::RecordFilter one_domain;
    one_domain.domains = {"example.net"};
    all_days.domains = one_domain.domains;
    CHECK(group_rows(one_domain).first == group_rows(all_days).first);
  }

  const auto totals =
      table_rows(temp.path(), "SELECT * FROM day_total ORDER BY domain, day, reporter");
  const auto fact_totals =
      table_rows(temp.path(), "SELECT * FROM fact_total ORDER BY domain, fact_ref");
  const std::string packed_sql =
      "SELECT report_ref, hex(packed) FROM report_facts ORDER BY report_ref";
  const auto packed = table_rows(temp.path(), packed_sql);
  CHECK(packed.size() == 5);  // the report without records too
  const auto facts = table_rows(
      temp.path(),
      "SELECT r.id, f.source_ip, f.header_from, f.dkim_aligned, f.spf_aligned, "
      "f.disposition, f.auth_key FROM record r JOIN fact f ON f.id = r.fact_ref ORDER BY r.id");
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->rebuild().ok());
  }
  CHECK(table_rows(temp.path(), "SELECT * FROM day_total ORDER BY domain, day, reporter") ==
        totals);
  CHECK(table_rows(temp.path(), "SELECT * FROM fact_total ORDER BY domain, fact_ref") ==
        fact_totals);
  CHECK(table_rows(temp.path(), packed_sql) == packed);
  CHECK(table_rows(temp.path(),
                   "SELECT r.id, f.source_ip, f.header_from, f.dkim_aligned, f.spf_aligned, "
                   "f.disposition, f.auth_key FROM record r JOIN fact f ON f.id = r.fact_ref ORDER "
                   "BY r.id") == facts);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 6);
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  CHECK(!(*reader)->rebuild().ok());
}

TEST_CASE(
    "store: a fact is found again after another connection wrote it or a rollback dropped it") {
  // On an empty store facts missing from the cache are inserted without a lookup; that
  // must stop as soon as another connection commits, and a rollback must not leave ids
  // of rows that are gone.
  testing::TempDb temp;
  auto first = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(first.ok());
  auto second = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(second.ok());
  auto report_with = [](const std::string& id, const std::string& ip) {
    report::Report r = make_report("google.com", id, "example.com", kNov14, kNov14 + 86399);
    r.records.push_back(make_record(ip, 1, "pass", "pass"));
    return r;
  };
  REQUIRE((*first)->begin().ok());
  REQUIRE((*first)->add_report(report_with("a", "192.0.2.1"), "a.xml", "ha").ok());
  REQUIRE((*first)->commit().ok());
  // The second connection adds a fact the first has never seen.
  REQUIRE((*second)->begin().ok());
  REQUIRE((*second)->add_report(report_with("b", "192.0.2.2"), "b.xml", "hb").ok());
  REQUIRE((*second)->commit().ok());
  REQUIRE((*first)->begin().ok());
  REQUIRE((*first)->add_report(report_with("c", "192.0.2.2"), "c.xml", "hc").ok());
  REQUIRE((*first)->commit().ok());
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 2);
  CHECK(testing::file_scalar(temp.path(), "SELECT count(DISTINCT fact_ref) FROM record") == 2);

  // A rolled-back fact is inserted again, with a row that exists.
  REQUIRE((*first)->begin().ok());
  REQUIRE((*first)->add_report(report_with("d", "192.0.2.3"), "d.xml", "hd").ok());
  REQUIRE((*first)->rollback().ok());
  REQUIRE((*first)->begin().ok());
  REQUIRE((*first)->add_report(report_with("e", "192.0.2.3"), "e.xml", "he").ok());
  REQUIRE((*first)->commit().ok());
  CHECK(testing::file_scalar(temp.path(), "SELECT count(*) FROM fact") == 3);
  CHECK(testing::file_scalar(
            temp.path(),
            "SELECT count(*) FROM record WHERE fact_ref NOT IN (SELECT id FROM fact)") == 0);
}

TEST_CASE(
    "store: packed records are filled when a version-10 store is opened, and damage to them is "
    "reported") {
  testing::TempDb temp;
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->begin().ok());
    report::Report two_days =
        make_report("Mimecast", "m1", "example.net", kNov14, kNov14 + 2 * 86400 - 1);
    two_days.records.push_back(make_record("203.0.113.77", 3, "fail", "fail", "reject"));
    two_days.records.push_back(make_record("192.0.2.1", 10, "pass", "fail"));
    two_days.records.push_back(
        make_record("192.0.2.1", 10, "pass", "fail"));  // the same fact twice
    REQUIRE((*opened)->add_report(two_days, "m.xml", "h1").ok());
    report::Report day = make_report("google.com", "g1", "example.com", kNov14, kNov14 + 86399);
    day.records.push_back(make_record("192.0.2.1", 4, "pass", "fail"));
    REQUIRE((*opened)->add_report(day, "g.xml", "h2").ok());
    REQUIRE((*opened)
                ->add_report(make_report("Empty", "e1", "example.org", kNov14, kNov14 + 86399),
                             "e.xml", "h3")
                .ok());
    REQUIRE((*opened)->commit().ok());
  }
  const std::string packed_sql =
      "SELECT report_ref, hex(packed) FROM report_facts ORDER BY report_ref";
  const auto from_import = table_rows(temp.path(), packed_sql);
  // Format 1, then (fact increase, messages): facts 1 (203.0.113.77, 3) and 2
  // (192.0.2.1, 10 twice) of report 1; fact 2 of report 2; report 3 has none.
  CHECK(from_import == std::vector<std::string>{"report_ref=1;hex(packed)=010103010A000A;",
                                                "report_ref=2;hex(packed)=010204;",
                                                "report_ref=3;hex(packed)=01;"});

  const std::int64_t nov14 = core::day_of(kNov14);
  store::RecordFilter with_days;  // the record-level path
  with_days.from_day = nov14;
  with_days.to_day = nov14 + 1;
  auto group_messages = [&]() -> core::Result<std::vector<std::string>> {
    auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
    REQUIRE(reader.ok());
    auto groups = (*reader)->record_groups(with_days);
    if (!groups) return std::move(groups).error();
    std::vector<std::string> rows;
    for (const store::RecordGroup& group : groups->groups) {
      rows.push_back(groups->domain_of(group) + " " + std::to_string(groups->fact_id_of(group)) +
                     " " + std::to_string(group.messages));
    }
    return rows;
  };
  const std::vector<std::string> expected = {"example.net 1 3", "example.net 2 20",
                                             "example.com 2 4"};
  REQUIRE(group_messages().ok());
  CHECK(*group_messages() == expected);

  // The store as dmarcq 10 left it: migration 11 fills the table from the records.
  exec(temp.path(), "DROP TABLE report_facts; DROP VIEW conflict; PRAGMA user_version = 10");
  REQUIRE(store::open_sqlite(temp.path(), OpenMode::kReadWrite).ok());
  CHECK(table_rows(temp.path(), packed_sql) == from_import);
  CHECK(*group_messages() == expected);

  auto expect_damage = [&](const std::string& sql, const std::string& what) {
    exec(temp.path(), sql);
    auto groups = group_messages();
    REQUIRE_FALSE(groups.ok());
    CHECK(groups.error().to_string().find(what) != std::string::npos);
    CHECK(groups.error().to_string().find("run dmarcq rebuild") != std::string::npos);
    // summary --by sender reads the same rows through scan_record_days.
    auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
    REQUIRE(reader.ok());
    CHECK_FALSE((*reader)->scan_record_days(with_days, true, [](const store::RecordDay&) {}).ok());
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->rebuild().ok());
    CHECK(table_rows(temp.path(), packed_sql) == from_import);
    CHECK(*group_messages() == expected);
  };
  expect_damage("DELETE FROM report_facts WHERE report_ref = 2", "report_facts is damaged");
  expect_damage("UPDATE report_facts SET packed = x'02' WHERE report_ref = 1",
                "packed records of report 1");
  expect_damage("UPDATE report_facts SET packed = x'010101' WHERE report_ref = 1",
                "packed records of report 1");
  // A record whose fact is gone packs as fact 0, which the readers refuse.
  exec(temp.path(), "UPDATE record SET fact_ref = NULL WHERE id = 1");
  {
    auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->rebuild().ok());
  }
  auto groups = group_messages();
  REQUIRE_FALSE(groups.ok());
  CHECK(groups.error().to_string().find("no valid fact") != std::string::npos);
}
