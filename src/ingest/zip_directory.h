// Private to ingest/: a check of a zip's central directory that libarchive does not
// make. Its zip reader keys members by the offset of their local header, so a second
// central-directory entry pointing at a header already listed is dropped without a
// word, and whatever else the file holds at other offsets is never read: a report
// could be hidden in plain sight. Such a zip is rejected instead.
#ifndef DMARCQ_INGEST_ZIP_DIRECTORY_H_
#define DMARCQ_INGEST_ZIP_DIRECTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace dmarcq::ingest {

// Reads up to `length` bytes at `offset` of the zip (fewer at its end).
using ReadAt = std::function<std::string(std::uint64_t offset, std::uint64_t length)>;

// What is wrong with the central directory of the zip of `size` bytes, or nullopt
// when nothing is (or there is no directory to check: libarchive then says what it
// finds).
std::optional<std::string> zip_directory_problem(std::uint64_t size, const ReadAt& read_at);

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_ZIP_DIRECTORY_H_
