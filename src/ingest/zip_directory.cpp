// zip_directory: the end-of-central-directory record (and its Zip64 form), then each
// central-directory entry's local header offset (APPNOTE.TXT 4.3.12, 4.3.14-16, 4.5.3),
// found the way libarchive's seeking zip reader finds them (archive_read_support_format_zip.c),
// so that the check sees the entries libarchive will read.
#include "ingest/zip_directory.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

namespace dmarcq::ingest {

namespace {

constexpr std::uint64_t kEndRecordBytes = 22;
constexpr std::uint64_t kMaxCommentBytes = 0xFFFF;
constexpr std::uint64_t kEntryBytes = 46;
constexpr std::uint32_t kNoValue32 = 0xFFFFFFFF;  // "see the Zip64 record"
// The directory is read whole; one of 10,000 members with long names is about 1 MiB.
constexpr std::uint64_t kMaxDirectoryBytes = 64ull << 20;

std::uint64_t little(std::string_view bytes, std::size_t at, int width) {
  std::uint64_t value = 0;
  for (int i = width - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}

struct Directory {
  std::uint64_t offset = 0;  // where libarchive reads it: the end record's place minus its size
  std::uint64_t size = 0;
};

// Where the central directory is, as libarchive finds it: from the last end record
// with room for its 22 bytes, the Zip64 end record when the locator is there, and the
// directory just before it (libarchive ignores the directory offset field and shifts
// the local offsets instead). nullopt when there is no directory to check; an error
// text when there is one too large to check.
std::optional<Directory> find_directory(std::uint64_t size, const ReadAt& read_at,
                                        std::optional<std::string>& problem) {
  if (size < kEndRecordBytes) return std::nullopt;
  const std::uint64_t tail_size = std::min(size, kEndRecordBytes + kMaxCommentBytes);
  const std::string tail = read_at(size - tail_size, tail_size);
  if (tail.size() != tail_size) return std::nullopt;
  const std::size_t end =
      tail.rfind(std::string_view("PK\x05\x06", 4), tail.size() - kEndRecordBytes);
  if (end == std::string::npos) return std::nullopt;
  std::uint64_t end_at = size - tail_size + end;  // the record the directory ends at
  std::uint64_t directory_size = little(tail, end + 12, 4);
  // The Zip64 end record, when its locator sits just before the end record.
  if (end_at >= 20) {
    const std::string locator = read_at(end_at - 20, 20);
    if (locator.size() == 20 && locator.compare(0, 4, "PK\x06\x07", 4) == 0) {
      const std::uint64_t record_at = little(locator, 8, 8);
      const std::string record = record_at < size ? read_at(record_at, 56) : std::string();
      if (record.size() == 56 && record.compare(0, 4, "PK\x06\x06", 4) == 0) {
        end_at = record_at;
        directory_size = little(record, 40, 8);
      }
    }
  }
  if (directory_size > end_at) return std::nullopt;
  if (directory_size > kMaxDirectoryBytes) {
    problem = "central directory larger than " + std::to_string(kMaxDirectoryBytes >> 20) +
              " MiB, not checked";
    return std::nullopt;
  }
  return Directory{end_at - directory_size, directory_size};
}

// The local header offset of the entry at `at`, from its Zip64 extra field when the
// 32-bit field says so.
std::optional<std::uint64_t> local_offset(std::string_view entries, std::size_t at) {
  const std::uint64_t offset = little(entries, at + 42, 4);
  if (offset != kNoValue32) return offset;
  const std::size_t name = little(entries, at + 28, 2);
  std::size_t extra = at + kEntryBytes + name;
  const std::size_t extra_end = extra + little(entries, at + 30, 2);
  if (extra_end > entries.size()) return std::nullopt;
  // The Zip64 field holds, in order, only the values whose 32-bit field is all ones.
  std::size_t skipped = 0;
  if (little(entries, at + 24, 4) == kNoValue32) skipped += 8;  // uncompressed size
  if (little(entries, at + 20, 4) == kNoValue32) skipped += 8;  // compressed size
  while (extra + 4 <= extra_end) {
    const std::uint64_t id = little(entries, extra, 2);
    const std::size_t length = little(entries, extra + 2, 2);
    if (extra + 4 + length > extra_end) return std::nullopt;
    if (id == 0x0001 && skipped + 8 <= length) return little(entries, extra + 4 + skipped, 8);
    extra += 4 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> zip_directory_problem(std::uint64_t size, const ReadAt& read_at) {
  std::optional<std::string> problem;
  const std::optional<Directory> directory = find_directory(size, read_at, problem);
  if (!directory) return problem;
  const std::string entries = read_at(directory->offset, directory->size);
  if (entries.size() != directory->size) return std::nullopt;
  std::unordered_set<std::uint64_t> offsets;
  std::size_t at = 0;
  while (at + kEntryBytes <= entries.size() && entries.compare(at, 4, "PK\x01\x02", 4) == 0) {
    const std::optional<std::uint64_t> offset = local_offset(entries, at);
    if (offset && !offsets.insert(*offset).second) {
      return "two central directory entries point at the same local header (offset " +
             std::to_string(*offset) + "): whatever else the zip holds would not be read";
    }
    at += kEntryBytes + little(entries, at + 28, 2) + little(entries, at + 30, 2) +
          little(entries, at + 32, 2);
  }
  return std::nullopt;
}

}  // namespace dmarcq::ingest
