// Private to store/: reading a SQLite store with more than one thread. The scans of
// every record (packed per report) and every fact are most of explain and summary
// --by sender on a large store, and the summing a record scan feeds is per record;
// a read-only store lets other connections read the same file beside the store's own.
#ifndef DMARCQ_STORE_SQLITE_PARALLEL_READS_H_
#define DMARCQ_STORE_SQLITE_PARALLEL_READS_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/sqlite/sqlite.h"

namespace dmarcq::store {

// The most parts a split scan (scan_record_days) reads at once: Store::scan_parts().
constexpr std::size_t kMaxReadParts = 4;

// Threads a split read may use: the cores, at most kMaxReadParts.
std::size_t read_threads();

// The store's connection, and whether a read may use more threads: `path` names the
// file for more connections (set only for a read-only store: one open for writing may
// hold a transaction that other connections cannot see). The bounds below which a
// scan stays on one thread are fields so that a test can split a small store.
struct Connections {
  Database& main;
  const std::string* path = nullptr;  // null: this connection and this thread only
  std::size_t threads = read_threads();
  std::int64_t records_per_thread = 250000;  // a scan of fewer records is not split
  std::size_t facts_per_thread = 50000;      // fewer facts are read on the caller's thread
  std::size_t facts_per_chunk = 4096;        // what a reading thread hands over at a time
};

// Connections that all read one snapshot of the database: the store's own and more
// opened to the same file, each in a read transaction. They are started with no
// commit in between (PRAGMA data_version on the store's connection tells; when one
// came, they start again), so that parts of one scan read on different connections
// add up to the scan of one connection. The transactions end with the object.
class SharedSnapshot {
 public:
  explicit SharedSnapshot(Database& main) : main_(main) {}
  ~SharedSnapshot();
  SharedSnapshot(const SharedSnapshot&) = delete;
  SharedSnapshot& operator=(const SharedSnapshot&) = delete;

  // Opens `count` - 1 more connections to `path` and starts the transactions.
  core::Status start(const std::string& path, std::size_t count);

  std::size_t size() const { return 1 + extra_.size(); }
  Database& connection(std::size_t index) { return index == 0 ? main_ : extra_[index - 1]; }

  // Runs work(i, connection(i)) for every connection at once, connection 0 on this
  // thread; the first failure, by connection order.
  core::Status run(const std::function<core::Status(std::size_t index, Database& db)>& work);

 private:
  void end();

  Database& main_;
  std::vector<Database> extra_;
  bool started_ = false;
};

// Batches handed from one thread to another, at most `depth` waiting, in order.
// push blocks while the queue is full and returns false once the consumer stopped;
// pop blocks while it is empty and returns false once the producer finished and
// everything was taken.
template <class Batch>
class BatchQueue {
 public:
  explicit BatchQueue(std::size_t depth) : depth_(depth) {}

  bool push(Batch batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return batches_.size() < depth_ || stopped_; });
    if (stopped_) return false;
    batches_.push_back(std::move(batch));
    changed_.notify_all();
    return true;
  }
  bool pop(Batch& batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return !batches_.empty() || finished_; });
    if (batches_.empty()) return false;
    batch = std::move(batches_.front());
    batches_.pop_front();
    changed_.notify_all();
    return true;
  }
  // The producer has no more batches.
  void finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }
  // The consumer takes no more batches.
  void stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> batches_;
  std::size_t depth_;
  bool finished_ = false;
  bool stopped_ = false;
};

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_PARALLEL_READS_H_
