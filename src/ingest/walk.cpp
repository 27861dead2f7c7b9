// walk: turns command-line paths into top-level inputs for ingest_bytes. Files up to
// the input size limit are read whole and unpacked in memory. Mailbox exports can be
// many gigabytes, so an mbox file of any size is read in chunks and split into
// messages as it streams, and an archive or compressed stream (zip, tar, gzip, ...)
// over the limit is unpacked as it is read: memory stays bounded by the largest
// message or document. A file is shown to the sink (with its hash) before it is
// unpacked, so that one already imported is skipped unopened. Directories are walked
// in a stable, byte-wise order so that two runs over the same tree report in the same
// order; a Maildir among them is read as its messages.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "ingest/archive.h"
#include "ingest/ingest.h"
#include "ingest/mailbox.h"

namespace dmarcq::ingest {
namespace {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;

constexpr std::size_t kReadChunkBytes = 64 * 1024;
// mbox files are read in larger chunks: they are the big inputs.
constexpr std::size_t kMboxChunkBytes = 1 << 20;

void reject_io(Sink& sink, const std::string& path, const std::string& reason) {
  sink.on_reject(Origin{{path}}, Error(ErrorCode::kIo, "cannot read: " + reason), {});
}

void reject_too_large(Sink& sink, const std::string& path, const char* what, const Limits& limits) {
  sink.on_reject(Origin{{path}},
                 Error(ErrorCode::kLimit, std::string(what) + " is larger than the limit of " +
                                              std::to_string(limits.max_input_bytes) +
                                              " bytes (--max-input-size)"),
                 {});
}

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Appends everything readable from `fd` to `out`, up to `limit` bytes. Returns 0,
// an errno value, or EFBIG when the data goes past the limit.
int read_all(int fd, std::uint64_t limit, std::string& out) {
  for (;;) {
    const std::size_t old_size = out.size();
    if (old_size > limit) return EFBIG;
    // Never grow by more than one byte past the limit: that byte proves the excess.
    const std::uint64_t room = limit - old_size + 1;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(kReadChunkBytes, room));
    out.resize(old_size + want);
    const ssize_t n = ::read(fd, out.data() + old_size, want);
    if (n < 0) {
      out.resize(old_size);
      if (errno == EINTR) continue;
      return errno;
    }
    out.resize(old_size + static_cast<std::size_t>(n));
    if (n == 0) return 0;
  }
}

// Splits an mbox into messages while reading it; `head` is what was read already.
void stream_mbox(int fd, const std::string& path, std::string head, const Limits& limits,
                 Sink& sink) {
  const Origin origin{{path}};
  MboxSplitter splitter(limits.max_message_bytes, [&](std::uint64_t index, std::string message,
                                                      bool too_large) {
    ingest_message(origin, "message " + std::to_string(index), message, too_large, limits, sink);
  });
  std::uint64_t done = head.size();
  splitter.feed(head);
  head.clear();
  head.shrink_to_fit();
  std::vector<char> chunk(kMboxChunkBytes);
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      // Messages already split stay imported; the rest of the file is lost to a read
      // error, and that is said.
      splitter.finish();
      sink.on_reject(Origin{{path}}.child("after message " + std::to_string(splitter.messages())),
                     Error(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno)),
                     {});
      return;
    }
    if (n == 0) break;
    splitter.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
    done += static_cast<std::uint64_t>(n);
    sink.on_progress(done);
  }
  splitter.finish();
  sink.on_progress(done);
}

// A regular file over the input size limit that is an archive: hashed in one pass (so
// that a file imported before is skipped unopened, as one read whole would be), then
// unpacked in a second as libarchive reads it. `head` is what was read already, from
// the start of the file. A file that changes in between (a download still being
// written) is rejected, so that it is not remembered by a hash of other bytes.
void stream_archive(int fd, const std::string& path, const std::string& head, Kind kind,
                    std::uint64_t size, const Limits& limits, Sink& sink) {
  struct stat before {};
  if (::fstat(fd, &before) != 0) {
    reject_io(sink, path, std::strerror(errno));
    return;
  }
  core::Sha256 hash;
  hash.update(head);
  std::uint64_t hashed = head.size();
  std::vector<char> chunk(kMboxChunkBytes);
  for (;;) {
    const ssize_t n = ::read(fd, chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      reject_io(sink, path, std::strerror(errno));
      return;
    }
    if (n == 0) break;
    hash.update(std::string_view(chunk.data(), static_cast<std::size_t>(n)));
    hashed += static_cast<std::uint64_t>(n);
    sink.on_progress(std::min(hashed, size) / 2);  // the first half: see FileSource
  }
  const Origin origin{{path}};
  auto changed = [&] {
    struct stat after {};
    return hashed != size || ::fstat(fd, &after) != 0 || after.st_size != before.st_size ||
           after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
           after.st_mtim.tv_nsec != before.st_mtim.tv_nsec;
  };
  auto reject_changed = [&] {
    sink.on_reject(origin,
                   Error(ErrorCode::kIo,
                         "the file changed while it was read: import it again "
                         "once it is complete"),
                   {});
  };
  if (changed()) {
    reject_changed();
    return;
  }
  if (::lseek(fd, 0, SEEK_SET) != 0) {
    reject_io(sink, path, std::strerror(errno));
    return;
  }
  if (sink.on_file_start(origin, hash.hex_digest())) {
    ingest_archive_file(origin, fd, size, kind, limits, sink);
    if (changed()) reject_changed();
    sink.on_file_end(origin);
  }
  sink.on_progress(size);
}

// Reads an open file, pipe or standard input and unpacks it. The first chunk says
// what it is: an mbox is streamed from there on whatever its size; anything else is
// read whole, up to the input size limit.
void ingest_fd(int fd, const std::string& path, bool regular, std::uint64_t size,
               const Limits& limits, Sink& sink) {
  if (regular) sink.on_file(path, size);
  std::string bytes;
  int err = read_all(fd, kReadChunkBytes - 1, bytes);
  if ((err == 0 || err == EFBIG) && sniff(bytes) == Kind::kMbox) {
    if (!regular) sink.on_file(path, 0);
    stream_mbox(fd, path, std::move(bytes), limits, sink);
    return;
  }
  // Streamed only from the start of the file: the second pass reads it from there (a
  // regular file on standard input may have been read into before).
  if (const Kind kind = sniff(bytes);
      regular && size > limits.max_input_bytes && (err == 0 || err == EFBIG) &&
      is_container(kind) && ::lseek(fd, 0, SEEK_CUR) == static_cast<off_t>(bytes.size())) {
    stream_archive(fd, path, bytes, kind, size, limits, sink);
    return;
  }
  if ((regular && size > limits.max_input_bytes) || bytes.size() > limits.max_input_bytes) {
    if (!regular) sink.on_file(path, bytes.size());
    if (std::string hint = outlook_hint(bytes); !hint.empty()) {
      sink.on_reject(Origin{{path}}, Error(ErrorCode::kUnsupported, std::move(hint)), {});
      return;
    }
    reject_too_large(sink, path, regular ? "file" : "input", limits);
    return;
  }
  if (err == EFBIG) {
    if (regular) bytes.reserve(static_cast<std::size_t>(size));
    err = read_all(fd, limits.max_input_bytes, bytes);
  }
  if (err == EFBIG) {
    if (!regular) sink.on_file(path, bytes.size());
    reject_too_large(sink, path, regular ? "file" : "input", limits);  // or it grew
    return;
  }
  if (err != 0) {
    if (!regular) sink.on_file(path, bytes.size());
    reject_io(sink, path, std::strerror(err));
    return;
  }
  if (!regular) sink.on_file(path, bytes.size());
  const std::uint64_t read = bytes.size();
  const Origin origin{{path}};
  // A single mail message is remembered as a message (the same bytes): announcing it
  // as a file too would hash it twice.
  if (sniff(bytes) == Kind::kMessage) {
    ingest_bytes(origin, std::move(bytes), limits, sink);
  } else if (sink.on_file_start(origin, core::sha256_hex(bytes))) {
    ingest_bytes(origin, std::move(bytes), limits, sink);
    sink.on_file_end(origin);
  }
  sink.on_progress(read);
}

// A regular file, or a pipe/device named on the command line (process substitution,
// /dev/stdin).
void ingest_file(const std::string& path, const Limits& limits, Sink& sink) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    const int error = errno;
    sink.on_entry(path);
    reject_io(sink, path, std::strerror(error));
    return;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int error = errno;
    sink.on_entry(path);
    reject_io(sink, path, std::strerror(error));
    return;
  }
  const bool regular = S_ISREG(st.st_mode);
  ingest_fd(fd.get(), path, regular, regular ? static_cast<std::uint64_t>(st.st_size) : 0, limits,
            sink);
}

void ingest_stdin(const Limits& limits, Sink& sink) {
  struct stat st {};
  const bool regular = ::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
  ingest_fd(STDIN_FILENO, "<stdin>", regular, regular ? static_cast<std::uint64_t>(st.st_size) : 0,
            limits, sink);
}

std::string join(const std::string& dir, const std::string& name) {
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

void walk(const std::string& path, bool top_level, const Limits& limits, Sink& sink);
void walk_directory(const std::string& path, const Limits& limits, Sink& sink);

// The names in a directory, sorted byte-wise; hidden ones only when asked for.
std::vector<std::string> list_directory(const std::string& path, bool hidden, Sink& sink) {
  std::error_code ec;
  fs::directory_iterator it(path, ec);
  std::vector<std::string> names;
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || (name.front() == '.' && !hidden)) continue;
    names.push_back(std::move(name));
  }
  if (ec) {
    sink.on_entry(path);
    reject_io(sink, path, ec.message());
    return {};
  }
  std::sort(names.begin(), names.end());  // std::string compares bytes as unsigned char
  return names;
}

// A Maildir: the messages in cur/ and new/, then Maildir++ folders (".Sub") and any
// other directory below. tmp/ holds deliveries in progress, and files at the top
// (dovecot-uidlist, dovecot.index*, maildirfolder) are the server's, not messages.
void walk_maildir(const std::string& path, const Limits& limits, Sink& sink) {
  for (const char* part : {"cur", "new"}) {
    const std::string dir = join(path, part);
    for (const std::string& name : list_directory(dir, false, sink)) {
      walk(join(dir, name), false, limits, sink);
    }
  }
  for (const std::string& name : list_directory(path, true, sink)) {
    if (name == "cur" || name == "new" || name == "tmp" || name == "." || name == "..") continue;
    const std::string child = join(path, name);
    std::error_code ec;
    if (!fs::is_directory(child, ec) || fs::is_symlink(fs::symlink_status(child, ec))) continue;
    if (is_maildir(child)) {
      walk_maildir(child, limits, sink);
    } else if (name.front() != '.') {
      walk_directory(child, limits, sink);
    }
  }
}

void walk_directory(const std::string& path, const Limits& limits, Sink& sink) {
  if (is_maildir(path)) {
    walk_maildir(path, limits, sink);
    return;
  }
  for (const std::string& name : list_directory(path, true, sink)) {
    const std::string child = join(path, name);
    if (name.front() == '.') {
      // Hidden entries (.git, .DS_Store, editor files) are not read, but said.
      std::error_code ec;
      sink.on_entry(child);
      sink.on_skip(Origin{{child}},
                   fs::is_directory(child, ec) ? "hidden directory" : "hidden file");
      continue;
    }
    walk(child, false, limits, sink);
  }
}

void walk(const std::string& path, bool top_level, const Limits& limits, Sink& sink) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);  // follows symlinks
  if (ec || !fs::exists(status)) {
    sink.on_entry(path);
    reject_io(sink, path, ec ? ec.message() : std::strerror(ENOENT));
    return;
  }
  if (fs::is_directory(status)) {
    // Inside a walk, symlinked directories are not followed: they can form loops.
    // One named on the command line was asked for explicitly.
    if (!top_level && fs::is_symlink(fs::symlink_status(path, ec))) {
      sink.on_entry(path);
      sink.on_skip(Origin{{path}}, "symbolic link to a directory (not followed)");
      return;
    }
    walk_directory(path, limits, sink);
    return;
  }
  if (!top_level && !fs::is_regular_file(status)) {
    // A FIFO or device met during a walk could block or never end.
    sink.on_entry(path);
    sink.on_skip(Origin{{path}}, "special file");
    return;
  }
  ingest_file(path, limits, sink);
}

}  // namespace

void ingest_paths(const std::vector<std::string>& paths, const Limits& limits, Sink& sink) {
  for (const std::string& path : paths) {
    if (path == "-") {
      ingest_stdin(limits, sink);
    } else {
      walk(path, true, limits, sink);
    }
  }
}

std::uint64_t total_input_bytes(const std::vector<std::string>& paths) {
  std::uint64_t total = 0;
  for (const std::string& path : paths) {
    if (path == "-") continue;
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
      total += fs::file_size(path, ec);
      continue;
    }
    if (!fs::is_directory(path, ec)) continue;
    // Hidden entries hold Maildir++ folders, so they count; the estimate may be a
    // little high for other hidden files, which a progress total can afford.
    for (auto it = fs::recursive_directory_iterator(path, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file(ec)) total += it->file_size(ec);
    }
  }
  return total;
}

}  // namespace dmarcq::ingest
