// Private to ingest/: splitting mbox files into messages, and recognising Maildirs.
#ifndef DMARCQ_INGEST_MAILBOX_H_
#define DMARCQ_INGEST_MAILBOX_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace dmarcq::ingest {

// A push parser for the mbox family: feed() it the file in chunks of any size, then
// finish(). It calls `emit` once per message, in order, with the message's bytes (the
// From_ line removed, one level of >From quoting undone). Memory is bounded by the
// largest message kept: a message over `max_message_bytes` is emitted with
// too_large = true and its bytes dropped as they arrive.
class MboxSplitter {
 public:
  using Emit = std::function<void(std::uint64_t index, std::string message, bool too_large)>;

  MboxSplitter(std::uint64_t max_message_bytes, Emit emit);

  void feed(std::string_view chunk);
  void finish();

  std::uint64_t messages() const { return index_; }

 private:
  void on_line(std::string_view line);
  // Hands the held partial line on: as a line, or as the rest of a long one.
  void flush_partial();
  void body_line(std::string_view line);
  void append(std::string_view bytes);
  void start_message();
  void end_message();

  std::uint64_t max_message_bytes_;
  Emit emit_;
  std::string partial_;           // a line not yet ended by '\n'
  bool partial_started_ = false;  // part of the current line was already processed
  std::string message_;
  bool in_message_ = false;
  bool too_large_ = false;
  std::string candidate_;  // a "From " line waiting for the next line to decide
  std::uint64_t index_ = 0;
};

// True for a line that opens a message in an mbox file: "From " then a sender and an
// asctime-like date, which always has a time of day (hh:mm).
bool looks_like_from_line(std::string_view line);
// True for an RFC 5322 header field line: a field name of printable ASCII other than
// ':' and space, then ':'.
bool looks_like_header(std::string_view line);
// True when `bytes` start with RFC 5322 headers: at least two header lines (or one
// header with continuation lines) before the first blank line.
bool looks_like_message(std::string_view bytes);

// A Maildir: a directory with cur/ and new/ subdirectories (tmp/ is never read).
bool is_maildir(const std::string& path);

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_MAILBOX_H_
