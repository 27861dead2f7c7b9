// Shared by the ingest fuzz targets: a sink that touches everything it is given (so
// that bad pointers and lengths are noticed) and limits small enough to be reached.
#ifndef DMARCQ_TESTS_FUZZ_FUZZ_SINK_H_
#define DMARCQ_TESTS_FUZZ_FUZZ_SINK_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/ingest.h"

namespace dmarcq::fuzz {

inline ingest::Limits small_limits() {
  ingest::Limits limits;
  limits.max_document_bytes = 1 << 20;
  limits.max_input_bytes = 4 << 20;
  limits.max_members = 50;
  limits.max_message_bytes = 1 << 20;
  limits.max_message_depth = 3;
  // Low enough that the seeds of many-headers.eml, many-parts.eml and the like cross
  // them, so that both sides of each cap are explored.
  limits.max_mime_headers = 200;
  limits.max_mime_parts = 50;
  limits.max_mime_parameters = 200;
  limits.max_mime_depth = 8;
  return limits;
}

class CountingSink final : public ingest::Sink {
 public:
  void on_document(ingest::Document document) override { touch(document.bytes, document.origin); }
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view raw) override {
    touch(raw, origin);
    checksum_ += error.to_string().size();
  }
  void on_skip(const ingest::Origin& origin, const std::string& what) override {
    touch(what, origin);
  }
  bool on_message_start(const ingest::Origin& origin, std::string_view raw) override {
    touch(raw, origin);
    return true;
  }
  void on_message_end(const ingest::Origin& origin, const std::string& no_report) override {
    touch(no_report, origin);
  }

 private:
  void touch(std::string_view bytes, const ingest::Origin& origin) {
    for (char c : bytes) checksum_ += static_cast<unsigned char>(c);
    checksum_ += origin.to_string().size();
  }
  std::uint64_t checksum_ = 0;
};

// Every unit and message as one line, for comparing two ways of reading the same
// bytes (the raw bytes kept with a reject are left out: a streamed file keeps none).
class RecordingSink final : public ingest::Sink {
 public:
  const std::vector<std::string>& events() const { return events_; }

  void on_document(ingest::Document document) override {
    events_.push_back("document " + document.origin.to_string() + " " +
                      std::to_string(document.bytes.size()));
  }
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view) override {
    events_.push_back("reject " + origin.to_string() + ": " + error.to_string());
  }
  void on_skip(const ingest::Origin& origin, const std::string& what) override {
    events_.push_back("skip " + origin.to_string() + ": " + what);
  }
  bool on_message_start(const ingest::Origin& origin, std::string_view) override {
    events_.push_back("message " + origin.to_string());
    return true;
  }
  void on_message_end(const ingest::Origin& origin, const std::string& no_report) override {
    events_.push_back("end " + origin.to_string() + " " + no_report);
  }

 private:
  std::vector<std::string> events_;
};

}  // namespace dmarcq::fuzz

#endif  // DMARCQ_TESTS_FUZZ_FUZZ_SINK_H_
