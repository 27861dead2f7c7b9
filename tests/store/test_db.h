// Test helpers: a temporary database file and small reports built in code.
#ifndef DMARCQ_TESTS_STORE_TEST_DB_H_
#define DMARCQ_TESTS_STORE_TEST_DB_H_

#include <filesystem>
#include <random>
#include <string>

#include <sqlite3.h>

#include "core/date.h"
#include "report/report.h"

namespace dmarcq::testing {

// A database path in a fresh temporary directory, removed with the object.
class TempDb {
 public:
  TempDb() {
    std::random_device device;
    dir_ = std::filesystem::temp_directory_path() /
           ("dmarcq-test-" + std::to_string(device()) + std::to_string(device()));
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  std::string path() const { return (dir_ / "test.db").string(); }

 private:
  std::filesystem::path dir_;
};

// The first column of the first row of `sql`, read on a separate read-only connection;
// -1 when there is no row.
inline std::int64_t scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  std::int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

inline report::Record make_record(const std::string& ip, std::int64_t count, const std::string& dkim,
                                  const std::string& spf, const std::string& disposition = "none") {
  report::Record record;
  record.source_ip = ip;
  record.count = count;
  record.dkim = dkim;
  record.spf = spf;
  record.disposition = disposition;
  record.header_from = "example.com";
  return record;
}

inline report::Report make_report(const std::string& org, const std::string& id,
                                  const std::string& domain, std::int64_t begin, std::int64_t end) {
  report::Report report;
  report.org_name = org;
  report.report_id = id;
  report.policy.domain = domain;
  report.policy.p = "none";
  report.begin = begin;
  report.end = end;
  return report;
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_STORE_TEST_DB_H_
