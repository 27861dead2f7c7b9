// The weekly digest over a store: the same table from every backend, a domain's rows
// adding up to its summary for the week (reports that straddle the week's edges
// included), the previous week's figures, the order of rows, and the weeks a store
// holds.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "analysis/analysis.h"
#include "core/date.h"
#include "support/reports.h"
#include "support/stores.h"
#include "support/temp_db.h"

using namespace dmarcq;

namespace {

constexpr std::int64_t kNov9 = 1794182400;  // Monday of 2026-W46
constexpr std::int64_t kDay = 86400;

const analysis::Catalog& catalog() {
  static const analysis::Catalog instance = *analysis::Catalog::builtin();
  return instance;
}

report::Record salesforce_record(const std::string& ip, std::int64_t count) {
  report::Record record = testing::make_record(ip, count, "fail", "fail", "quarantine");
  record.spf_results.push_back({"x.na139.bnc.salesforce.com", "mfrom", "pass", ""});
  return record;
}

report::Record passing_record(const std::string& ip, std::int64_t count) {
  report::Record record = testing::make_record(ip, count, "pass", "pass");
  record.dkim_results.push_back({"example.com", "s1", "pass", ""});
  record.spf_results.push_back({"example.com", "mfrom", "pass", ""});
  return record;
}

// The previous week, this week, and a report over Sunday and Monday that both weeks
// share; a second domain in this week only.
std::vector<report::Report> two_weeks() {
  report::Report before = testing::make_report("google.com", "g1", "example.com", kNov9 - 6 * kDay,
                                               kNov9 - 5 * kDay - 1);
  before.records.push_back(salesforce_record("13.110.74.200", 40));
  before.records.push_back(passing_record("192.0.2.10", 60));
  report::Report straddling =
      testing::make_report("Mimecast", "m1", "example.com", kNov9 - kDay, kNov9 + kDay - 1);
  straddling.records.push_back(salesforce_record("13.110.74.200", 5));  // 3 on Sunday, 2 on Monday
  straddling.records.push_back(testing::make_record("203.0.113.9", 3, "fail", "fail", "reject"));
  report::Report during =
      testing::make_report("google.com", "g2", "example.com", kNov9 + kDay, kNov9 + 3 * kDay - 1);
  during.records.push_back(salesforce_record("13.110.74.200", 7));
  during.records.push_back(passing_record("192.0.2.10", 90));
  during.records.push_back(testing::make_record("203.0.113.77", 4, "fail", "fail", "reject"));
  report::Report other = testing::make_report("google.com", "g3", "example.org", kNov9 + 2 * kDay,
                                              kNov9 + 3 * kDay - 1);
  other.records.push_back(testing::make_record("198.51.100.20", 8, "fail", "fail"));
  return {before, straddling, during, other};
}

std::size_t column(const core::Table& table, const std::string& name) {
  const auto at = std::find(table.columns.begin(), table.columns.end(), name);
  REQUIRE(at != table.columns.end());
  return static_cast<std::size_t>(at - table.columns.begin());
}

std::string text(const core::Cell& cell) {
  const auto* value = std::get_if<std::string>(&cell);
  return value != nullptr ? *value : "";
}

std::int64_t integer(const core::Cell& cell) {
  const auto* value = std::get_if<std::int64_t>(&cell);
  REQUIRE(value != nullptr);
  return *value;
}

}  // namespace

TEST_CASE("digest: every backend gives the same table, and a domain's rows add up to its week") {
  const std::int64_t monday = core::day_of(kNov9);
  core::Table first;
  for (testing::Backend backend : testing::kBackends) {
    CAPTURE(testing::backend_name(backend));
    testing::TempDb temp;
    const auto store = testing::store_with(backend, two_weeks(), temp);
    auto digest = analysis::digest(*store, monday, {}, catalog(), analysis::Lang::kEn);
    REQUIRE(digest.ok());
    const core::Table& table = *digest;
    REQUIRE(!table.rows.empty());

    // A domain's rows add up to what summary counts for it in the week.
    store::SummaryQuery query;
    query.from_day = monday;
    query.to_day = monday + 6;
    auto summary = store->summary(query);
    REQUIRE(summary.ok());
    // Each domain opens with its total row ("all"); the other rows add up to it.
    std::map<std::string, std::int64_t> summed, totals;
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
      const auto& row = table.rows[i];
      CHECK(text(row[column(table, "week")]) == "2026-W46");
      const std::string domain = text(row[column(table, "domain")]);
      const bool opens = i == 0 || text(table.rows[i - 1][column(table, "domain")]) != domain;
      CHECK(opens == (text(row[column(table, "sender")]) == "all"));
      (opens ? totals : summed)[domain] += integer(row[column(table, "messages")]);
    }
    CHECK(totals == summed);
    std::map<std::string, std::int64_t> expected;
    for (const auto& row : summary->rows) {
      expected[text(row[column(*summary, "domain")])] = integer(row[column(*summary, "messages")]);
    }
    CHECK(summed == expected);
    CHECK(expected["example.com"] == 2 + 1 + 7 + 90 + 4);  // Monday's share of the straddler: 2 + 1
    CHECK(expected["example.org"] == 8);

    // Salesforce's row: this week's figures beside last week's (40 of 100 failing then,
    // 9 of 9 now, Sunday's 3 from the straddler counted last week).
    const auto salesforce =
        std::find_if(table.rows.begin(), table.rows.end(), [&](const auto& row) {
          return text(row[column(table, "domain")]) == "example.com" &&
                 text(row[column(table, "sender")]) == "salesforce";
        });
    REQUIRE(salesforce != table.rows.end());
    CHECK(integer((*salesforce)[column(table, "messages")]) == 9);
    CHECK(integer((*salesforce)[column(table, "dmarc_fail")]) == 9);
    CHECK(integer((*salesforce)[column(table, "quarantined")]) == 9);
    CHECK(integer((*salesforce)[column(table, "messages_prev_week")]) == 43);
    CHECK(text((*salesforce)[column(table, "severity")]) == "fail");
    CHECK(!text((*salesforce)[column(table, "fix")]).empty());

    // Sorted by domain, then severity (fail, warn, info, ok).
    const std::vector<std::string> ranks = {"fail", "warn", "info", "ok"};
    for (std::size_t i = 1; i < table.rows.size(); ++i) {
      const auto& a = table.rows[i - 1];
      const auto& b = table.rows[i];
      const std::string domain_a = text(a[column(table, "domain")]);
      const std::string domain_b = text(b[column(table, "domain")]);
      CHECK(domain_a <= domain_b);
      if (domain_a != domain_b || text(a[column(table, "sender")]) == "all") continue;
      const auto rank = [&](const auto& row) {
        return std::find(ranks.begin(), ranks.end(), text(row[column(table, "severity")])) -
               ranks.begin();
      };
      CHECK(rank(a) <= rank(b));
    }

    if (backend == testing::kBackends[0]) {
      first = table;
    } else {
      CHECK(table.columns == first.columns);
      CHECK(table.rows == first.rows);
    }
  }
}

TEST_CASE("digest: the weeks a store holds, per domain, on every backend") {
  for (testing::Backend backend : testing::kBackends) {
    CAPTURE(testing::backend_name(backend));
    testing::TempDb temp;
    const auto store = testing::store_with(backend, two_weeks(), temp);
    auto all = store->weeks({});
    REQUIRE(all.ok());
    CHECK(*all == std::vector<std::string>{"2026-W45", "2026-W46"});
    auto org = store->weeks({"example.org"});
    REQUIRE(org.ok());
    CHECK(*org == std::vector<std::string>{"2026-W46"});
    auto none = store->weeks({"example.net"});
    REQUIRE(none.ok());
    CHECK(none->empty());
  }
}
