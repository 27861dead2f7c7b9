#include "import/pipeline.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "core/hash.h"

namespace dmarcq::import {

namespace {

// In flight between the reader and the writer: enough to keep every worker busy while
// the writer commits a batch, small enough that memory does not grow with the input
// (the writer is the slower side, so a deeper queue would only hold more memory).
constexpr std::size_t kMaxEvents = 256;
constexpr std::uint64_t kMaxBytes = 24ull << 20;
// A document this large is parsed by the reader itself once everything before it is
// written: two of them parsing side by side (each may take 3.5 times its size) while
// the reader unpacks a third would break the memory bound one import keeps.
constexpr std::uint64_t kLargeDocument = 4ull << 20;
// Known files and messages (a re-import) go to the writer in runs of up to this many,
// so that the writer and the reader do not wake each other for every message of a
// mailbox read before (the wake-ups, in the kernel, would cost more than the work).
constexpr std::size_t kKnownRun = 256;

// One Sink call, carried from the reader thread to the writer.
struct Event {
  enum class Type {
    kFile,
    kEntry,
    kFileStart,
    kKnownFile,
    kFileEnd,
    kDocument,
    kReject,
    kSkip,
    kMessageStart,
    kKnownMessage,
    kMessageEnd,
    kProgress
  };
  Type type = Type::kProgress;
  ingest::Origin origin;
  std::string text;          // file path, skip description, file or message hash, no_report kind
  std::uint64_t number = 0;  // file size, bytes read
  std::optional<core::Error> error;
  std::string raw;                            // a reject's bytes
  std::vector<store::KnownMessage> known;     // kKnownMessage: a run of them, in order
  std::vector<store::KnownFile> known_files;  // kKnownFile: a run of them, in order
  PreparedDocument prepared;                  // kDocument: hashed and parsed by a worker
  std::uint64_t bytes = 0;                    // held in memory, for the bound
  bool ready = true;                          // a document is ready once a worker prepared it
};

class Queues {
 public:
  // Reader: waits for room, then appends; a document also goes to the workers. After
  // a stop nothing is applied any more, so events are dropped.
  void push(std::unique_ptr<Event> event) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] {
      const std::size_t held = order_.size() + disposal_.size();
      return stopped_ || held == 0 || (held < kMaxEvents && bytes_ + event->bytes <= kMaxBytes);
    });
    if (stopped_) return;
    bytes_ += event->bytes;
    Event* raw = event.get();
    order_.push_back(std::move(event));
    if (!raw->ready) {
      work_.push_back(raw);
      work_ready_.notify_one();
    } else if (order_.size() == 1) {
      // The writer waits for the front event only. Every wake-up is a futex call and,
      // on a virtual machine, an interrupt to another core: they were a tenth of the
      // import's CPU time when every event woke every thread.
      front_ready_.notify_one();
    }
  }

  // Reader: waits until the writer has applied every event and each has been freed.
  void wait_until_empty() {
    std::unique_lock lock(mutex_);
    room_.wait(lock,
               [&] { return stopped_ || (order_.empty() && disposal_.empty() && bytes_ == 0); });
  }

  void reader_done() {
    std::lock_guard lock(mutex_);
    reader_done_ = true;
    work_ready_.notify_all();
    front_ready_.notify_all();
  }

  // Worker: the next document to prepare, or null when there will be none.
  Event* next_work() {
    std::unique_lock lock(mutex_);
    work_ready_.wait(lock, [&] { return !work_.empty() || reader_done_; });
    if (work_.empty()) return nullptr;
    Event* event = work_.front();
    work_.pop_front();
    return event;
  }

  void work_done(Event* event) {
    std::lock_guard lock(mutex_);
    event->ready = true;
    if (order_.front().get() == event) front_ready_.notify_one();
  }

  // Writer: the next event in reader order once it is ready, or null at the end.
  std::unique_ptr<Event> next_in_order() {
    std::unique_lock lock(mutex_);
    front_ready_.wait(lock, [&] {
      return (!order_.empty() && order_.front()->ready) || (order_.empty() && reader_done_);
    });
    if (order_.empty()) return nullptr;
    std::unique_ptr<Event> event = std::move(order_.front());
    order_.pop_front();
    return event;  // its bytes stay counted until it is freed (dispose)
  }

  // Writer: hands an applied event to the disposer thread, which frees it. A parsed
  // document is thousands of strings allocated by a worker; freeing them took a tenth
  // of the writer's time, and the writer is the stage everything waits for.
  void dispose(std::unique_ptr<Event> event) {
    std::lock_guard lock(mutex_);
    disposal_.push_back(std::move(event));
    if (disposal_.size() == 1) disposal_ready_.notify_one();
  }

  // Disposer: frees events until the writer is done and nothing is left, all those
  // waiting at once.
  void run_disposer() {
    std::unique_lock lock(mutex_);
    std::deque<std::unique_ptr<Event>> freeing;
    while (true) {
      disposal_ready_.wait(lock, [&] { return !disposal_.empty() || writer_done_; });
      if (disposal_.empty()) return;
      freeing.swap(disposal_);
      std::uint64_t bytes = 0;
      for (const std::unique_ptr<Event>& event : freeing) bytes += event->bytes;
      lock.unlock();
      freeing.clear();
      lock.lock();
      bytes_ -= bytes;
      room_.notify_one();
    }
  }

  void writer_done() {
    std::lock_guard lock(mutex_);
    writer_done_ = true;
    disposal_ready_.notify_all();
  }

  // After a store error: the reader stops decoding messages and never blocks again.
  void stop() {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    room_.notify_all();
  }
  bool stopped() {
    std::lock_guard lock(mutex_);
    return stopped_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable room_, work_ready_, front_ready_, disposal_ready_;
  std::deque<std::unique_ptr<Event>> order_;
  std::deque<std::unique_ptr<Event>> disposal_;
  std::deque<Event*> work_;
  std::uint64_t bytes_ = 0;
  bool reader_done_ = false;
  bool writer_done_ = false;
  bool stopped_ = false;
};

// The reader thread's Sink: turns every call into an event.
class QueueingSink final : public ingest::Sink {
 public:
  QueueingSink(Queues& queues, store::Store* lookup, const store::Store& writer,
               const report::ParseLimits& parse_limits)
      : queues_(queues), lookup_(lookup), writer_(writer), parse_limits_(parse_limits) {}

  // Hands over the known files or messages not yet pushed. Called before every other
  // event, so the writer sees them in reader order, and once the reader is done.
  void flush_known() {
    if (known_run_) queues_.push(std::move(known_run_));
  }

  void on_file(const std::string& path, std::uint64_t size) override {
    auto event = make(Event::Type::kFile);
    event->text = path;
    event->number = size;
    push(std::move(event));
  }
  void on_entry(const std::string& path) override {
    auto event = make(Event::Type::kEntry);
    event->text = path;
    push(std::move(event));
  }
  bool on_file_start(const ingest::Origin& origin, const std::string& content_hash) override {
    if (queues_.stopped()) return false;
    // Looked up here, on the reader's thread, like a message (below): a file stored by
    // an earlier import is never unpacked.
    std::string hash = content_hash;
    if (lookup_ != nullptr) {
      auto known = lookup_->find_file(hash);
      if (known && *known) {
        add_known(Event::Type::kKnownFile).known_files.push_back(std::move(**known));
        return false;
      }
    }
    auto event = make(Event::Type::kFileStart);
    event->origin = origin;
    event->text = std::move(hash);
    push(std::move(event));
    return true;
  }
  void on_file_end(const ingest::Origin& origin) override {
    auto event = make(Event::Type::kFileEnd);
    event->origin = origin;
    push(std::move(event));
  }
  void on_document(ingest::Document document) override {
    auto event = make(Event::Type::kDocument);
    // The document and its parsed reports (about twice the XML in memory) are both held
    // until the writer takes them.
    event->bytes = 3 * document.bytes.size();
    if (document.bytes.size() >= kLargeDocument) {
      queues_.wait_until_empty();
      event->prepared = prepare_document(std::move(document), lookup_, writer_, parse_limits_);
    } else {
      event->prepared.document = std::move(document);
      event->ready = false;
    }
    push(std::move(event));
  }
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view raw) override {
    auto event = make(Event::Type::kReject);
    event->origin = origin;
    event->error = error;
    event->raw = raw;
    event->bytes = raw.size();
    push(std::move(event));
  }
  void on_skip(const ingest::Origin& origin, const std::string& what) override {
    auto event = make(Event::Type::kSkip);
    event->origin = origin;
    event->text = what;
    push(std::move(event));
  }
  bool skip_known_message(std::string_view raw) override {
    if (queues_.stopped()) return true;  // nothing is applied any more
    if (lookup_ == nullptr) return false;
    std::string hash = core::sha256_hex(raw);
    auto known = lookup_->find_message(hash);
    if (known && *known && (*known)->rejected == 0) {
      add_known(Event::Type::kKnownMessage).known.push_back(**known);
      return true;
    }
    looked_up_.keep(raw, std::move(hash));
    return false;
  }
  bool on_message_start(const ingest::Origin& origin, std::string_view raw) override {
    if (queues_.stopped()) return false;
    // skip_known_message has looked these bytes up already. (One stored earlier in this
    // import is not visible there; the writer finds it.)
    auto event = make(Event::Type::kMessageStart);
    event->origin = origin;
    event->text = looked_up_.take(raw).first;
    push(std::move(event));
    return true;
  }
  void on_message_end(const ingest::Origin& origin, const std::string& no_report) override {
    auto event = make(Event::Type::kMessageEnd);
    event->origin = origin;
    event->text = no_report;
    push(std::move(event));
  }
  void on_progress(std::uint64_t bytes_done) override {
    auto event = make(Event::Type::kProgress);
    event->number = bytes_done;
    push(std::move(event));
  }

 private:
  static std::unique_ptr<Event> make(Event::Type type) {
    auto event = std::make_unique<Event>();
    event->type = type;
    return event;
  }

  void push(std::unique_ptr<Event> event) {
    flush_known();
    queues_.push(std::move(event));
  }

  // The run that a known file or message of `type` joins, pushed first when full or of
  // the other type.
  Event& add_known(Event::Type type) {
    if (known_run_ && (known_run_->type != type ||
                       known_run_->known.size() + known_run_->known_files.size() >= kKnownRun)) {
      flush_known();
    }
    if (!known_run_) known_run_ = make(type);
    return *known_run_;
  }

  Queues& queues_;
  store::Store* lookup_;
  const store::Store& writer_;
  const report::ParseLimits& parse_limits_;
  std::unique_ptr<Event> known_run_;
  LookedUpMessage looked_up_;
};

// Applies the events in order. A file or message the importer finds stored (earlier in
// this import) is not read again there: its events are dropped up to its end.
class Writer {
 public:
  explicit Writer(Importer& importer) : importer_(importer) {}

  void apply(Event& event) {
    if (skipping_file_) {
      if (event.type == Event::Type::kFileEnd) skipping_file_ = false;
      return;
    }
    if (skipping_ > 0) {
      if (event.type == Event::Type::kMessageStart) ++skipping_;
      if (event.type == Event::Type::kMessageEnd) --skipping_;
      return;
    }
    switch (event.type) {
      case Event::Type::kFile: importer_.on_file(event.text, event.number); break;
      case Event::Type::kEntry: importer_.on_entry(event.text); break;
      case Event::Type::kFileStart:
        if (!importer_.begin_file(event.origin, std::move(event.text))) skipping_file_ = true;
        break;
      case Event::Type::kKnownFile:
        for (const store::KnownFile& file : event.known_files) importer_.known_file(file);
        break;
      case Event::Type::kFileEnd: importer_.on_file_end(event.origin); break;
      case Event::Type::kDocument: importer_.apply_document(event.prepared); break;
      case Event::Type::kReject: importer_.on_reject(event.origin, *event.error, event.raw); break;
      case Event::Type::kSkip: importer_.on_skip(event.origin, event.text); break;
      case Event::Type::kMessageStart:
        if (!importer_.begin_message(event.origin, std::move(event.text))) skipping_ = 1;
        break;
      case Event::Type::kKnownMessage:
        for (const store::KnownMessage& message : event.known) importer_.known_message(message);
        break;
      case Event::Type::kMessageEnd: importer_.on_message_end(event.origin, event.text); break;
      case Event::Type::kProgress: importer_.on_progress(event.number); break;
    }
  }

 private:
  Importer& importer_;
  bool skipping_file_ = false;  // files do not nest
  int skipping_ = 0;
};

}  // namespace

void run_pipeline(const std::vector<std::string>& paths, const ingest::Limits& limits,
                  Importer& importer, const PipelineOptions& options) {
  Queues queues;
  std::mutex failure_mutex;
  std::exception_ptr failure;  // the first exception of any thread, rethrown here
  auto record_failure = [&] {
    std::lock_guard lock(failure_mutex);
    if (!failure) failure = std::current_exception();
  };
  auto open_lookup = [&]() -> std::unique_ptr<store::Store> {
    return options.open_lookup ? options.open_lookup() : nullptr;
  };

  std::thread reader([&] {
    try {
      std::unique_ptr<store::Store> lookup = open_lookup();
      QueueingSink sink(queues, lookup.get(), importer.store(), importer.parse_limits());
      ingest::ingest_paths(paths, limits, sink);
      sink.flush_known();
    } catch (...) {  // rethrown on the calling thread after the join
      record_failure();
      queues.stop();
    }
    queues.reader_done();
  });
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < std::max(1u, options.workers); ++i) {
    workers.emplace_back([&] {
      std::unique_ptr<store::Store> lookup;
      try {
        lookup = open_lookup();
      } catch (...) {  // rethrown on the calling thread after the join
        record_failure();
        queues.stop();
      }
      while (Event* event = queues.next_work()) {
        try {
          if (!queues.stopped()) {
            event->prepared = prepare_document(std::move(event->prepared.document), lookup.get(),
                                               importer.store(), importer.parse_limits());
          }
        } catch (...) {  // rethrown on the calling thread after the join
          record_failure();
          queues.stop();
        }
        queues.work_done(event);
      }
    });
  }

  std::thread disposer([&] { queues.run_disposer(); });

  Writer writer(importer);
  try {
    while (std::unique_ptr<Event> event = queues.next_in_order()) {
      if (!queues.stopped()) writer.apply(*event);
      if (importer.failed()) queues.stop();
      queues.dispose(std::move(event));
    }
  } catch (...) {  // rethrown below after the threads are joined
    record_failure();
    queues.stop();
    while (queues.next_in_order()) {
    }
  }
  queues.writer_done();
  disposer.join();
  reader.join();
  for (std::thread& worker : workers) worker.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace dmarcq::import
