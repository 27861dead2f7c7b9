#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

namespace dmarcq::cli {

namespace {

constexpr std::size_t kBufferBytes = 64 << 10;

core::Error write_error(const std::string& path, int error_number) {
  return core::Error(core::ErrorCode::kIo,
                     path + ": cannot write: " +
                         (error_number != 0 ? std::strerror(error_number) : "write failed"));
}

// Never destroyed: std::cout flushes its buffer when the standard library shuts down,
// after the function-local statics of this program are gone.
FdBuffer& standard_output() {
  static FdBuffer* const buffer = new FdBuffer(STDOUT_FILENO);
  return *buffer;
}

}  // namespace

FdBuffer::FdBuffer(int fd) : fd_(fd), buffer_(kBufferBytes), line_buffered_(::isatty(fd) == 1) {
  setp(buffer_.data(), buffer_.data() + buffer_.size());
}

bool FdBuffer::write_all(const char* data, std::size_t size) {
  while (size > 0 && error_ == 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error_ = n < 0 ? errno : EIO;
      break;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return error_ == 0;
}

bool FdBuffer::drain() {
  const bool written = write_all(pbase(), static_cast<std::size_t>(pptr() - pbase()));
  setp(buffer_.data(), buffer_.data() + buffer_.size());
  return written;
}

FdBuffer::int_type FdBuffer::overflow(int_type c) {
  if (!drain()) return traits_type::eof();
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  *pptr() = traits_type::to_char_type(c);
  pbump(1);
  return c;
}

std::streamsize FdBuffer::xsputn(const char* data, std::streamsize size) {
  if (error_ != 0) return 0;
  const auto room = static_cast<std::streamsize>(epptr() - pptr());
  if (size <= room) {
    std::memcpy(pptr(), data, static_cast<std::size_t>(size));
    pbump(static_cast<int>(size));
    // At a terminal each line shows as it is written (sql streams its rows).
    if (line_buffered_ && std::memchr(data, '\n', static_cast<std::size_t>(size)) != nullptr &&
        !drain()) {
      return 0;
    }
    return size;
  }
  // Larger than the room left: out with what is held, then the rest straight through.
  if (!drain() || !write_all(data, static_cast<std::size_t>(size))) return 0;
  return size;
}

int FdBuffer::sync() { return drain() ? 0 : -1; }

void use_checked_standard_output() { std::cout.rdbuf(&standard_output()); }

core::Status finish_standard_output() {
  std::cout.flush();
  if (std::cout.rdbuf() == &standard_output() && standard_output().error() != 0) {
    return write_error("standard output", standard_output().error());
  }
  if (!std::cout) return write_error("standard output", 0);
  return {};
}

core::Result<std::unique_ptr<OutputFile>> OutputFile::open(const std::string& path) {
  // Through a symbolic link to the file it names: the rename replaces that file, not
  // the link.
  std::string target = path;
  struct stat link {};
  if (::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    char* resolved = ::realpath(path.c_str(), nullptr);
    if (resolved != nullptr) {
      target = resolved;
      std::free(resolved);
    }
  }
  struct stat info {};
  const bool exists = ::stat(target.c_str(), &info) == 0;
  if (exists && !S_ISREG(info.st_mode)) {
    const int fd = ::open(target.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return write_error(path, errno);
    return std::unique_ptr<OutputFile>(new OutputFile(target, target, fd));
  }
  // A fresh temporary file: one left by a killed run, or a link planted in its place,
  // is removed first, never written through.
  std::string written = target + ".partial";
  if (::unlink(written.c_str()) != 0 && errno != ENOENT && errno != EISDIR) {
    return write_error(written, errno);
  }
  const int fd =
      ::open(written.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return write_error(written, errno);
  if (exists) {
    // The new file takes the old one's permissions and owner (the owner as far as
    // this process may give it).
    ::fchmod(fd, info.st_mode & 07777);
    if (::fchown(fd, info.st_uid, info.st_gid) != 0) {
      // Not allowed for another owner: the file stays this user's.
    }
  }
  return std::unique_ptr<OutputFile>(new OutputFile(target, std::move(written), fd));
}

OutputFile::OutputFile(std::string path, std::string written, int fd)
    : path_(std::move(path)),
      written_(std::move(written)),
      fd_(fd),
      buffer_(fd),
      stream_(&buffer_) {}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && written_ != path_) std::remove(written_.c_str());
}

core::Status OutputFile::commit() {
  stream_.flush();
  if (buffer_.error() != 0) return write_error(path_, buffer_.error());
  if (written_ != path_ && ::fsync(fd_) != 0) return write_error(path_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return write_error(path_, errno);
  if (written_ != path_ && std::rename(written_.c_str(), path_.c_str()) != 0) {
    return write_error(path_, errno);
  }
  committed_ = true;
  return {};
}

}  // namespace dmarcq::cli
