// zip_directory: the end-of-central-directory record (and its Zip64 form), then each
// central-directory entry's local header offset (APPNOTE.TXT 4.3.12, 4.3.14-16, 4.5.3).
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
constexpr std::uint16_t kNoValue16 = 0xFFFF;
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
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// Where the central directory is, from the end records; nullopt when they cannot be
// found or make no sense.
std::optional<Directory> find_directory(std::uint64_t size, const ReadAt& read_at) {
  if (size < kEndRecordBytes) return std::nullopt;
  const std::uint64_t tail_size = std::min(size, kEndRecordBytes + kMaxCommentBytes);
  const std::string tail = read_at(size - tail_size, tail_size);
  if (tail.size() != tail_size) return std::nullopt;
  const std::size_t end = tail.rfind(std::string_view("PK\x05\x06", 4));
  if (end == std::string::npos || end + kEndRecordBytes > tail.size()) return std::nullopt;
  Directory directory{little(tail, end + 16, 4), little(tail, end + 12, 4)};
  const bool zip64 = little(tail, end + 10, 2) == kNoValue16 || directory.size == kNoValue32 ||
                     directory.offset == kNoValue32;
  if (zip64) {
    // The Zip64 end-of-directory locator sits just before the end record.
    const std::uint64_t end_at = size - tail_size + end;
    if (end_at < 20) return std::nullopt;
    const std::string locator = read_at(end_at - 20, 20);
    if (locator.size() != 20 || locator.compare(0, 4, "PK\x06\x07", 4) != 0) return std::nullopt;
    const std::uint64_t record_at = little(locator, 8, 8);
    const std::string record = record_at < size ? read_at(record_at, 56) : std::string();
    if (record.size() != 56 || record.compare(0, 4, "PK\x06\x06", 4) != 0) return std::nullopt;
    directory = Directory{little(record, 48, 8), little(record, 40, 8)};
  }
  if (directory.offset > size || directory.size > size - directory.offset ||
      directory.size > kMaxDirectoryBytes) {
    return std::nullopt;
  }
  return directory;
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
  const std::optional<Directory> directory = find_directory(size, read_at);
  if (!directory) return std::nullopt;
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
