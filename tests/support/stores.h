// The backends a test of the store interface runs against: SQLite in a temporary
// file (reopened read-only, as the commands read it) and the in-memory store.
#ifndef DMARCQ_TESTS_SUPPORT_STORES_H_
#define DMARCQ_TESTS_SUPPORT_STORES_H_

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "support/memory_store.h"
#include "support/temp_db.h"

namespace dmarcq::testing {

enum class Backend { kSqlite, kMemory };
inline constexpr Backend kBackends[] = {Backend::kSqlite, Backend::kMemory};

// A std::string, so that doctest's CAPTURE prints the name, not the pointer.
inline std::string backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "memory";
}

// A store of `backend` holding `reports`, ready to read; `temp` keeps SQLite's file.
inline std::unique_ptr<store::Store> store_with(Backend backend,
                                                const std::vector<report::Report>& reports,
                                                const TempDb& temp) {
  if (backend == Backend::kMemory) {
    auto memory = std::make_unique<MemoryStore>();
    for (const report::Report& r : reports) REQUIRE(memory->add_report(r, "o", "h").ok());
    return memory;
  }
  {
    auto opened = store::open(temp.path(), store::OpenMode::kReadWrite);
    REQUIRE(opened.ok());
    REQUIRE((*opened)->begin().ok());
    int n = 0;
    for (const report::Report& r : reports)
      REQUIRE((*opened)->add_report(r, "o", "h" + std::to_string(n++)).ok());
    REQUIRE((*opened)->commit().ok());
  }
  auto reader = store::open(temp.path(), store::OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  return std::move(*reader);
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_SUPPORT_STORES_H_
