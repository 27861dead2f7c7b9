// Writing a command's output so that a failure is never silent: a cron job's digest on
// a full disk must fail with a message naming the reason, and a file it replaces must
// stay as it was.
#ifndef DMARCQ_CLI_OUTPUT_FILE_H_
#define DMARCQ_CLI_OUTPUT_FILE_H_

#include <memory>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "core/error.h"

namespace dmarcq::cli {

// A stream buffer over a file descriptor that keeps the errno of the first write that
// failed; iostreams only keep a bit, and errno is long overwritten by the time the
// command ends. Once a write failed, nothing more is written.
class FdBuffer final : public std::streambuf {
 public:
  explicit FdBuffer(int fd);
  // The errno of the first failed write; 0 when none failed.
  int error() const { return error_; }

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int sync() override;

 private:
  bool drain();
  bool write_all(const char* data, std::size_t size);
  int fd_;
  std::vector<char> buffer_;
  bool line_buffered_;  // a terminal: written out at each newline
  int error_ = 0;
};

// Sends std::cout through an FdBuffer on file descriptor 1; main() calls it first.
void use_checked_standard_output();
// Flushes standard output and says whether everything written to it arrived; the error
// names the reason ("No space left on device").
core::Status finish_standard_output();

class OutputFile {
 public:
  // A regular file (or a new one) is written under a fresh temporary name beside
  // `path` ("PATH.partial", created exclusively), given the old file's permissions,
  // synced and renamed over it by commit(); a symbolic link is followed to the file it
  // names. Anything else that exists (/dev/stdout, a FIFO, a terminal) is written in
  // place, since a rename would replace the device instead of writing to it.
  static core::Result<std::unique_ptr<OutputFile>> open(const std::string& path);
  // Removes the temporary file when commit() was not called or failed.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return stream_; }
  core::Status commit();

 private:
  OutputFile(std::string path, std::string written, int fd);
  std::string path_;     // what the caller asked for
  std::string written_;  // the file written: the temporary name, or path_ itself
  int fd_;
  FdBuffer buffer_;
  std::ostream stream_;
  bool committed_ = false;
};

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_OUTPUT_FILE_H_
