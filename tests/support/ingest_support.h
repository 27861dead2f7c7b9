// Shared by the ingest and import tests: archives built in memory with libarchive's writer,
// and a Sink that records every callback as one line.
#ifndef DMARCQ_TESTS_SUPPORT_INGEST_SUPPORT_H_
#define DMARCQ_TESTS_SUPPORT_INGEST_SUPPORT_H_

#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "ingest/ingest.h"

// Shows event lists in failure messages.
namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& lines) {
    std::string out = "\n";
    for (const std::string& line : lines) out += "  " + line + "\n";
    return out.c_str();
  }
};
}  // namespace doctest

namespace {

using dmarcq::core::Error;
using dmarcq::core::ErrorCode;
using dmarcq::ingest::Document;
using dmarcq::ingest::ingest_bytes;
using dmarcq::ingest::Limits;
using dmarcq::ingest::Origin;

const std::string kSep = " \xE2\x80\xBA ";
const std::string kReport1 = "<?xml version=\"1.0\"?><feedback><id>1</id></feedback>\n";
const std::string kReport2 = "<feedback><id>2</id></feedback>";

// Collects every callback as one line, in order, plus the payloads.
struct RecordingSink : dmarcq::ingest::Sink {
  std::vector<std::string> events;
  std::vector<Document> documents;
  std::vector<ErrorCode> codes;
  std::vector<std::string> raws;

  void on_file(const std::string& path, std::uint64_t size) override {
    events.push_back("file " + path + " " + std::to_string(size));
  }
  void on_document(Document document) override {
    events.push_back("document " + document.origin.to_string());
    documents.push_back(std::move(document));
  }
  void on_reject(const Origin& origin, const Error& error, std::string_view raw) override {
    events.push_back("reject " + origin.to_string() + ": " + error.message());
    codes.push_back(error.code());
    raws.emplace_back(raw);
  }
  void on_skip(const Origin& origin, const std::string& what) override {
    events.push_back("skip " + origin.to_string() + ": " + what);
  }
  bool on_message_start(const Origin& origin, std::string_view) override {
    events.push_back("message " + origin.to_string());
    return true;
  }
  void on_message_end(const Origin&, const std::string& no_report) override {
    events.push_back("end" + (no_report.empty() ? std::string() : ": " + no_report));
  }
};

enum class Format { kRaw, kZip, kTar };
enum class Filter { kGzip, kBzip2, kXz };

struct Member {
  std::string name;
  std::string data;
  bool directory = false;
};

struct ArchiveWriteFree {
  void operator()(struct archive* a) const { archive_write_free(a); }
};

la_ssize_t append_output(struct archive*, void* client, const void* buffer, size_t size) {
  static_cast<std::string*>(client)->append(static_cast<const char*>(buffer), size);
  return static_cast<la_ssize_t>(size);
}

// Writes `members` in `format`, compressed by `filters` (the first is applied last,
// i.e. is the outermost).
std::string make_archive(Format format, const std::vector<Filter>& filters,
                         const std::vector<Member>& members) {
  std::unique_ptr<struct archive, ArchiveWriteFree> owner(archive_write_new());
  struct archive* a = owner.get();
  switch (format) {
    case Format::kRaw: REQUIRE(archive_write_set_format_raw(a) == ARCHIVE_OK); break;
    case Format::kZip: REQUIRE(archive_write_set_format_zip(a) == ARCHIVE_OK); break;
    case Format::kTar: REQUIRE(archive_write_set_format_pax_restricted(a) == ARCHIVE_OK); break;
  }
  for (auto it = filters.rbegin(); it != filters.rend(); ++it) {
    switch (*it) {
      case Filter::kGzip: REQUIRE(archive_write_add_filter_gzip(a) == ARCHIVE_OK); break;
      case Filter::kBzip2: REQUIRE(archive_write_add_filter_bzip2(a) == ARCHIVE_OK); break;
      case Filter::kXz: REQUIRE(archive_write_add_filter_xz(a) == ARCHIVE_OK); break;
    }
  }
  REQUIRE(archive_write_set_bytes_in_last_block(a, 1) == ARCHIVE_OK);  // no padding
  std::string out;
  REQUIRE(archive_write_open2(a, &out, nullptr, append_output, nullptr, nullptr) == ARCHIVE_OK);
  for (const Member& member : members) {
    std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(),
                                                                               archive_entry_free);
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    archive_entry_set_filetype(entry.get(), member.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), member.directory ? 0755 : 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.data.size()));
    REQUIRE(archive_write_header(a, entry.get()) == ARCHIVE_OK);
    for (std::size_t at = 0; at < member.data.size(); at += 1 << 20) {
      const std::size_t n = std::min<std::size_t>(1 << 20, member.data.size() - at);
      REQUIRE(archive_write_data(a, member.data.data() + at, n) == static_cast<la_ssize_t>(n));
    }
  }
  REQUIRE(archive_write_close(a) == ARCHIVE_OK);
  return out;
}

[[maybe_unused]] std::string compress(Filter filter, const std::string& data) {
  return make_archive(Format::kRaw, {filter}, {{"data", data}});
}

[[maybe_unused]] RecordingSink run(const std::string& bytes, const Limits& limits = {},
                                   const std::string& name = "in") {
  RecordingSink sink;
  ingest_bytes(Origin{{name}}, bytes, limits, sink);
  return sink;
}

using Events = std::vector<std::string>;

}  // namespace

// Base64 with 76-character lines, as mail writers emit it (test data only).
inline std::string base64_lines(std::string_view data, const char* eol = "\n") {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t line = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const auto b0 = static_cast<unsigned char>(data[i]);
    const auto b1 = i + 1 < data.size() ? static_cast<unsigned char>(data[i + 1]) : 0;
    const auto b2 = i + 2 < data.size() ? static_cast<unsigned char>(data[i + 2]) : 0;
    out += kAlphabet[b0 >> 2];
    out += kAlphabet[((b0 & 3) << 4) | (b1 >> 4)];
    out += i + 1 < data.size() ? kAlphabet[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    out += i + 2 < data.size() ? kAlphabet[b2 & 63] : '=';
    line += 4;
    if (line >= 76) {
      out += eol;
      line = 0;
    }
  }
  if (line > 0) out += eol;
  return out;
}

// `zip` with its second central-directory entry pointed at the first member's local
// header: libarchive then reads the first member once and never the second.
inline std::string with_second_member_hidden(std::string zip) {
  const std::string entry("PK\x01\x02", 4);
  const std::size_t first = zip.find(entry);
  const std::size_t second = first == std::string::npos ? first : zip.find(entry, first + 4);
  if (second == std::string::npos) return zip;
  for (std::size_t i = 0; i < 4; ++i) zip[second + 42 + i] = zip[first + 42 + i];
  return zip;
}

#endif  // DMARCQ_TESTS_SUPPORT_INGEST_SUPPORT_H_
