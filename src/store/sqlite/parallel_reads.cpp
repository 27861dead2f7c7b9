#include "store/sqlite/parallel_reads.h"

#include <algorithm>
#include <thread>

#include "store/store.h"

namespace dmarcq::store {

namespace {

// Changes whenever another connection committed since this one last read; reading it
// inside a transaction gives its value at the start of the transaction.
core::Result<std::int64_t> data_version(Database& db) {
  auto statement = db.prepare("PRAGMA data_version");
  if (!statement) return std::move(statement).error();
  auto row = statement->step();
  if (!row) return std::move(row).error();
  return statement->column_int(0);
}

}  // namespace

std::size_t read_threads() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxReadParts);
}

SharedSnapshot::~SharedSnapshot() { end(); }

void SharedSnapshot::end() {
  if (!started_) return;
  // Read transactions: ending them cannot fail in a way that matters to the reader.
  sqlite3_exec(main_.handle(), "COMMIT", nullptr, nullptr, nullptr);
  for (Database& db : extra_) sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr);
  started_ = false;
}

core::Status SharedSnapshot::start(const std::string& path, std::size_t count) {
  for (std::size_t i = 1; i < count; ++i) {
    auto db = Database::open_for_reading(path);
    if (!db) return std::move(db).error();
    extra_.push_back(std::move(*db));
  }
  if (extra_.empty()) return {};
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto before = data_version(main_);
    if (!before) return std::move(before).error();
    started_ = true;
    // The other connections first, the store's last: when its transaction starts on
    // the data it read before them, no commit came in between.
    for (Database& db : extra_) {
      if (auto status = db.exec("BEGIN; SELECT count(*) FROM sqlite_schema"); !status)
        return status;
    }
    if (auto status = main_.exec("BEGIN"); !status) return status;
    auto after = data_version(main_);
    if (!after) return std::move(after).error();
    if (*after == *before) return {};
    end();
  }
  // Imports keep committing: read on the store's connection alone.
  extra_.clear();
  return {};
}

core::Status SharedSnapshot::run(const std::function<core::Status(std::size_t, Database&)>& work) {
  std::vector<core::Status> results(size());
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < size(); ++i) {
    threads.emplace_back([&, i] { results[i] = work(i, connection(i)); });
  }
  results[0] = work(0, main_);
  for (std::thread& thread : threads) thread.join();
  for (core::Status& result : results) {
    if (!result) return result;
  }
  return {};
}

}  // namespace dmarcq::store
