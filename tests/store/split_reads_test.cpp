// The scans that a read-only store splits over threads (sqlite_reads.cpp) give what
// one scan on one connection gives: the same record groups in the same order, the
// same record days, the same facts in the same order.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <tuple>

#include "store/sqlite/parallel_reads.h"
#include "store/sqlite/sqlite.h"
#include "store/sqlite/sqlite_reads.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;
using testing::make_record;
using testing::make_report;

namespace {

constexpr std::int64_t kNov9 = 1794182400;  // Monday of 2026-W46

// Forty reports, one a day, over two domains and three reporters, one to three days
// long, whose records share sources (so facts recur across the reports of every part).
void fill(const std::string& path) {
  auto opened = store::open_sqlite(path, store::OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());
  for (int i = 0; i < 40; ++i) {
    const std::int64_t begin = kNov9 + i * 86400;
    const std::int64_t days = 1 + i % 3;
    report::Report report =
        make_report(i % 3 == 0   ? "Mimecast"
                    : i % 3 == 1 ? "google.com"
                                 : "Yahoo",
                    "r" + std::to_string(i), i % 2 == 0 ? "example.com" : "example.net", begin,
                    begin + days * 86400 - 1);
    for (int j = 0; j <= i % 4; ++j) {
      report.records.push_back(make_record(
          "192.0.2." + std::to_string(1 + (i + j) % 6), 1 + 7 * j + i, j % 2 == 0 ? "pass" : "fail",
          i % 2 == 0 ? "fail" : "pass", j == 3 ? "reject" : "none"));
    }
    REQUIRE(db.add_report(report, "r" + std::to_string(i) + ".xml", "h" + std::to_string(i)).ok());
  }
  REQUIRE(db.commit().ok());
}

store::Database open_db(const std::string& path) {
  auto db = store::Database::open(path, SQLITE_OPEN_READONLY);
  REQUIRE(db.ok());
  return std::move(*db);
}

// Connections that split every scan over three threads, however small, and hand
// facts over two at a time.
store::Connections split(store::Database& db, const std::string& path) {
  store::Connections connections{db, &path};
  connections.threads = 3;
  connections.records_per_thread = 1;
  connections.facts_per_thread = 1;
  connections.facts_per_chunk = 2;
  return connections;
}

using GroupRow = std::tuple<std::string, std::int64_t, std::int64_t, std::int64_t, std::int64_t>;

// The groups in their order: domain, fact id, messages, first and last day.
std::vector<GroupRow> rows_of(const store::RecordGroups& groups) {
  std::vector<GroupRow> rows;
  for (const store::RecordGroup& group : groups.groups) {
    rows.emplace_back(groups.domain_of(group), groups.fact_id_of(group), group.messages,
                      group.first_day, group.last_day);
  }
  return rows;
}

}  // namespace

TEST_CASE("split reads: record groups come in the order of one scan") {
  testing::TempDb temp;
  const std::string path = temp.path();
  fill(path);
  store::Database db = open_db(path);
  // Every record, most days (one scan of the index per part), one domain, and one day
  // (a seek per report: three of forty).
  const std::int64_t day = kNov9 / 86400;
  for (const store::RecordFilter& filter :
       {store::RecordFilter{}, store::RecordFilter{{}, day + 1, day + 30},
        store::RecordFilter{{"example.net"}, std::nullopt, std::nullopt},
        store::RecordFilter{{}, day + 20, day + 20}}) {
    auto one = store::read_record_groups(store::Connections{db}, filter);
    auto parts = store::read_record_groups(split(db, path), filter);
    REQUIRE(one.ok());
    REQUIRE(parts.ok());
    CHECK(!one->groups.empty());
    CHECK(rows_of(*parts) == rows_of(*one));
    CHECK(parts->fact_ids == one->fact_ids);
  }
}

TEST_CASE("split reads: record days add up to those of one scan, read in several parts") {
  testing::TempDb temp;
  const std::string path = temp.path();
  fill(path);
  store::Database db = open_db(path);
  using Key = std::tuple<std::string, std::string, std::int64_t, std::int64_t>;
  auto sums = [&](store::Connections connections, std::set<std::size_t>* parts) {
    std::map<Key, std::int64_t> out;
    std::vector<std::map<Key, std::int64_t>> by_part(store::kMaxReadParts);
    REQUIRE(
        store::read_record_days(connections, {}, true, [&](const store::RecordDay& record) {
          by_part[record.part][{*record.domain, *record.reporter, record.day, record.fact_id}] +=
              record.messages;
        }).ok());
    for (std::size_t part = 0; part < by_part.size(); ++part) {
      if (!by_part[part].empty() && parts != nullptr) parts->insert(part);
      for (const auto& [key, messages] : by_part[part]) out[key] += messages;
    }
    return out;
  };
  std::set<std::size_t> parts;
  const auto one = sums(store::Connections{db}, nullptr);
  CHECK(!one.empty());
  CHECK(sums(split(db, path), &parts) == one);
  CHECK(parts.size() == 3);
}

TEST_CASE("split reads: facts read on another thread arrive in id order, as listed") {
  testing::TempDb temp;
  const std::string path = temp.path();
  fill(path);
  store::Database db = open_db(path);
  using FactRow = std::tuple<std::int64_t, std::string, std::string, std::string, std::string>;
  auto facts = [&](store::Connections connections, const std::vector<std::int64_t>* only) {
    std::vector<FactRow> out;
    REQUIRE(store::read_facts(
                connections,
                [&](std::int64_t id, const store::Fact& fact) {
                  out.emplace_back(id, fact.source_ip, fact.dkim_aligned, fact.disposition,
                                   fact.auth_key);
                },
                only)
                .ok());
    return out;
  };
  const auto all = facts(store::Connections{db}, nullptr);
  REQUIRE(all.size() > 6);
  CHECK(facts(split(db, path), nullptr) == all);
  const std::vector<std::int64_t> some = {1, 2, 5, std::get<0>(all.back()),
                                          std::get<0>(all.back()) + 100};
  const auto listed = facts(store::Connections{db}, &some);
  CHECK(listed.size() == 4);
  CHECK(facts(split(db, path), &some) == listed);
}
