// Fuzz target: arbitrary bytes as an input file, sniffed and unpacked with libarchive
// twice: from memory, as a file read whole is, and streamed from a file descriptor, as
// an archive over --max-input-size is (libarchive's read, skip and seek callbacks).
// For an archive the two must find the same units in the same order: a difference
// aborts. Small limits, so that every path, limits included, is reached quickly.
#include <sys/mman.h>
#include <unistd.h>

#include <clocale>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_sink.h"
#include "ingest/ingest.h"

namespace {

// One in-memory file for the whole run, rewritten for each input.
int memory_file() {
  static const int fd = memfd_create("fuzz-archive", 0);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::setlocale(LC_CTYPE, "C.UTF-8");  // as dmarcq's main
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const int fd = memory_file();
  if (fd < 0 || ::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();  // the target cannot run without its file
  }
  // A path of its own: opened afresh, at offset 0, like a file named on the command line.
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const dmarcq::ingest::Limits limits = dmarcq::fuzz::small_limits();
  dmarcq::fuzz::RecordingSink whole;
  dmarcq::ingest::ingest_bytes(dmarcq::ingest::Origin{{path}}, std::string(bytes), limits, whole);

  dmarcq::ingest::Limits streaming = limits;
  streaming.max_input_bytes = 64;  // any archive longer than that is streamed
  dmarcq::fuzz::RecordingSink streamed;
  dmarcq::ingest::ingest_paths({path}, streaming, streamed);
  if (dmarcq::ingest::is_container(dmarcq::ingest::sniff(bytes)) &&
      size > streaming.max_input_bytes && size <= limits.max_input_bytes &&
      streamed.events() != whole.events()) {
    for (const std::string& event : whole.events())
      std::fprintf(stderr, "read whole: %s\n", event.c_str());
    for (const std::string& event : streamed.events())
      std::fprintf(stderr, "streamed:   %s\n", event.c_str());
    std::abort();
  }
  return 0;
}
