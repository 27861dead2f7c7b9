#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "core/text.h"

namespace dmarcq::cli {

ProgressLine::ProgressLine(bool wanted) : enabled_(wanted && isatty(STDERR_FILENO) == 1) {}

ProgressLine::~ProgressLine() { clear(); }

void ProgressLine::update(const std::string& text) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  // \r then erase-to-end-of-line; the text itself is made terminal-safe.
  std::fprintf(stderr, "\r%s\x1b[K", core::terminal_safe(text).c_str());
  std::fflush(stderr);
}

void ProgressLine::clear() {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace dmarcq::cli
