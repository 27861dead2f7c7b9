// mailbox: the mbox family and Maildir.
//
// mbox is one file of messages, each opened by a "From " line ("From_") and closed
// by a blank line. Its dialects differ in how a body line that starts with "From "
// is kept from looking like a separator: mboxo writes it as ">From " (and leaves an
// existing ">From " alone, so unquoting is lossy), mboxrd adds one '>' to any line
// matching ">*From " (reversible), and mboxcl/mboxcl2 add a Content-Length header,
// mboxcl2 without quoting. Thunderbird writes "From - <date>", Google Takeout
// "From 1234567890@xxx <date>" with CRLF line ends. Content-Length is known to lie
// (messages edited in place, headers added by tools), so it is never trusted.
//
// The split rule, robust across all of them: a separator is a line that starts with
// "From ", carries a time of day like every asctime date, and is followed by a
// header line. An unquoted "From the team..." in a body fails these, so it stays in
// the body instead of cutting the message in two (which is what GMime's own mbox
// mode does, and then stalls). The blank line that should come before a separator is
// not required: a message saved without a final newline and then appended to gets
// only a newline, and its successor must not vanish into its body.
// Quoting is undone one level for lines matching ">+From ", right for mboxrd and
// for the single-level quoting that mboxo writes.
//
// Maildir is a directory of one-message files in cur/ and new/, with tmp/ holding
// deliveries in progress (never read). Maildir++ (Courier, Dovecot) nests folders as
// hidden sibling directories ".Folder.Sub" with their own cur/new/tmp; Dovecot keeps
// index files next to them, which are not messages.
#include "ingest/mailbox.h"

#include <filesystem>

namespace dmarcq::ingest {

namespace {

// A From_ line longer than this is body text.
constexpr std::size_t kMaxFromLine = 1000;
// A line longer than this is passed on in pieces; only its start matters here.
constexpr std::size_t kMaxHeldLine = 64 * 1024;

std::string_view without_eol(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool is_blank(std::string_view line) { return without_eol(line).empty(); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool looks_like_from_line(std::string_view line) {
  line = without_eol(line);
  if (line.size() < 7 || line.size() > kMaxFromLine || line.substr(0, 5) != "From ") return false;
  for (std::size_t i = 5; i + 4 < line.size(); ++i) {
    if (is_digit(line[i]) && is_digit(line[i + 1]) && line[i + 2] == ':' && is_digit(line[i + 3]) &&
        is_digit(line[i + 4])) {
      return true;
    }
  }
  return false;
}

bool looks_like_header(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && line[i] != ':') {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c < 0x21 || c > 0x7e) return false;
    ++i;
  }
  return i > 0 && i < line.size();
}

bool looks_like_message(std::string_view bytes) {
  int headers = 0;
  int continuations = 0;
  std::size_t pos = 0;
  constexpr std::size_t kProbe = 16 * 1024;
  while (pos < bytes.size() && pos < kProbe) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(pos, end - pos);
    pos = end + 1;
    if (is_blank(line)) break;
    if (line[0] == ' ' || line[0] == '\t') {
      if (headers == 0) return false;
      ++continuations;
    } else if (looks_like_header(line)) {
      ++headers;
    } else {
      return false;
    }
    if (headers >= 2 || (headers == 1 && continuations > 0)) return true;
  }
  return false;
}

bool is_maildir(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path dir(path);
  return std::filesystem::is_directory(dir / "cur", ec) &&
         std::filesystem::is_directory(dir / "new", ec);
}

MboxSplitter::MboxSplitter(std::uint64_t max_message_bytes, Emit emit)
    : max_message_bytes_(max_message_bytes), emit_(std::move(emit)) {}

void MboxSplitter::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const std::size_t newline = chunk.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(chunk);
      if (partial_.size() > kMaxHeldLine) {
        // A very long line (base64 without line breaks, a hostile file): its start was
        // seen; the rest is body bytes.
        if (partial_started_) {
          append(partial_);
        } else {
          on_line(partial_);
          partial_started_ = true;
        }
        partial_.clear();
      }
      return;
    }
    const std::string_view piece = chunk.substr(0, newline + 1);
    chunk.remove_prefix(newline + 1);
    if (partial_.empty() && !partial_started_) {
      on_line(piece);
      continue;
    }
    partial_.append(piece);
    flush_partial();
  }
}

void MboxSplitter::flush_partial() {
  if (partial_started_) {
    append(partial_);
  } else {
    on_line(partial_);
  }
  partial_.clear();
  partial_started_ = false;
}

void MboxSplitter::finish() {
  if (!partial_.empty()) flush_partial();
  if (!candidate_.empty()) {
    // A From_ line at the very end has no header after it to confirm it: it is the
    // last line of the body, unless the file holds nothing else (an empty message).
    std::string held;
    held.swap(candidate_);
    if (in_message_) {
      body_line(held);
    } else {
      start_message();
    }
  }
  if (in_message_) end_message();
}

void MboxSplitter::on_line(std::string_view line) {
  if (!candidate_.empty()) {
    const bool at_start = !in_message_;
    if (at_start || looks_like_header(line)) {
      if (in_message_) end_message();
      candidate_.clear();
      start_message();
    } else {
      // Not a separator after all: an unquoted "From " line in a body.
      std::string held;
      held.swap(candidate_);
      body_line(held);
    }
  }
  if (looks_like_from_line(line)) {
    candidate_.assign(line);
    return;
  }
  if (!in_message_) {
    // Bytes before the first separator: an mbox starts with one, so this is only
    // reached for a file that was sniffed wrongly; keep them as a message anyway.
    start_message();
  }
  body_line(line);
}

void MboxSplitter::body_line(std::string_view line) {
  std::size_t quotes = 0;
  while (quotes < line.size() && line[quotes] == '>') ++quotes;
  if (quotes > 0 && line.substr(quotes, 5) == "From ") line.remove_prefix(1);
  append(line);
}

void MboxSplitter::append(std::string_view bytes) {
  if (too_large_) return;
  if (message_.size() + bytes.size() > max_message_bytes_) {
    too_large_ = true;
    message_.clear();
    message_.shrink_to_fit();
    return;
  }
  message_.append(bytes);
}

void MboxSplitter::start_message() {
  in_message_ = true;
  too_large_ = false;
  message_.clear();
}

void MboxSplitter::end_message() {
  // The blank line before the next separator belongs to the mbox, not the message.
  if (message_.size() >= 2 && message_.compare(message_.size() - 2, 2, "\n\n") == 0) {
    message_.pop_back();
  } else if (message_.size() >= 4 && message_.compare(message_.size() - 4, 4, "\r\n\r\n") == 0) {
    message_.resize(message_.size() - 2);
  }
  ++index_;
  std::string bytes;
  bytes.swap(message_);
  in_message_ = false;
  emit_(index_, std::move(bytes), too_large_);
  too_large_ = false;
}

}  // namespace dmarcq::ingest
