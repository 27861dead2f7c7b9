// The progress line: one updating line on stderr, only when stderr is a terminal, so
// that logs and pipes never fill with carriage returns.
#ifndef DMARCQ_CLI_PROGRESS_H_
#define DMARCQ_CLI_PROGRESS_H_

#include <chrono>
#include <string>

namespace dmarcq::cli {

// `text` cut to fit a terminal `columns` wide with one column to spare, at the last
// ", " that fits when there is one.
std::string fit_progress_text(const std::string& text, std::size_t columns);

class ProgressLine {
 public:
  // Enabled only when `wanted` and stderr is a terminal.
  explicit ProgressLine(bool wanted);
  ~ProgressLine();

  bool enabled() const { return enabled_; }
  // Redraws at most ten times a second.
  void update(const std::string& text);
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_PROGRESS_H_
