#include "cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "core/text.h"

namespace dmarcq::cli {

namespace {

// The terminal's width in columns: the kernel's idea of it, else $COLUMNS, else 80.
std::size_t terminal_columns() {
  winsize size{};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns != nullptr) {
    const long value = std::strtol(columns, nullptr, 10);
    if (value > 0 && value < 10000) return static_cast<std::size_t>(value);
  }
  return 80;
}

}  // namespace

std::string fit_progress_text(const std::string& text, std::size_t columns) {
  // One column is left free: a line that fills the last column wraps on some
  // terminals, and every redraw would then leave a stale line behind.
  const std::size_t room = columns > 1 ? columns - 1 : 1;
  std::size_t width = 0;
  std::size_t cut = text.size();
  std::size_t last_comma = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte takes no column
    if (width == room) {
      cut = i;
      break;
    }
    if (text[i] == ',') last_comma = i;
    ++width;
  }
  if (cut == text.size()) return text;
  // Whole items only: "…, 12 reports new" rather than "…, 12 rep".
  return text.substr(0, last_comma != std::string::npos ? last_comma : cut);
}

ProgressLine::ProgressLine(bool wanted) : enabled_(wanted && isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(const std::string& text) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  // \r then erase-to-end-of-line; the text itself is made terminal-safe.
  const std::string line = fit_progress_text(core::terminal_safe(text), terminal_columns());
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
}

void ProgressLine::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace dmarcq::cli
