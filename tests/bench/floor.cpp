// dmarcq_floor: the least work any importer of DMARC aggregate reports has to do, as
// the baseline that scripts/bench compares `dmarcq import` with. On one thread it
// reads every input, splits mailboxes and decodes their MIME parts (GMime), unpacks
// gzip and zip (libarchive) and parses every XML document (pugixml), counting reports
// and <record> elements and storing nothing.
//
// It shares no code with dmarcq on purpose: a baseline built from dmarcq's own
// modules would inherit their costs and their bugs, and could not cross-check the
// counts of `dmarcq import` (tests/bench/floor_matches_import.sh). For the same
// reason it does only what the libraries make unavoidable: no sniffing beyond the
// magic bytes, no dedup, no validation, no limits. It is a benchmark tool that
// trusts its input; hostile reports are dmarcq's job.
//
//   dmarcq_floor PATH...
// Directories are walked recursively in name order. Files are taken by name: .xml,
// .gz and .zip are report files; .mbox and files named mbox are mailboxes; .eml files
// and the files in a Maildir's cur/ and new/ are single messages. Hidden entries and
// a Maildir's tmp/ (deliveries in progress) are skipped, except Maildir++ folders.
// A document counts as a report when its root element is <feedback>.
// Prints on stdout:  floor: N reports, M records, B bytes of XML
// and on stderr the files and mail messages read. Exit status 1 when an input could
// not be read.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace {

namespace fs = std::filesystem;

// A zip member that is itself a .xml.gz is unpacked once more; deeper nesting is not
// something reporters do.
constexpr int kMaxContainerDepth = 2;
constexpr std::size_t kReadChunkBytes = 256 * 1024;

struct Counts {
  std::uint64_t files = 0;
  std::uint64_t mail_messages = 0;
  std::uint64_t reports = 0;
  std::uint64_t records = 0;
  std::uint64_t xml_bytes = 0;
  std::uint64_t unreadable = 0;
};

std::string_view local_name(std::string_view name) {
  const std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool has_suffix(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_compressed(std::string_view bytes) {
  using namespace std::string_view_literals;
  return bytes.starts_with("\x1f\x8b"sv) || bytes.starts_with("PK\x03\x04"sv);
}

class Floor {
 public:
  const Counts& counts() const { return counts_; }

  void walk(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      directory(path, is_maildir(path));
    } else {
      file(path, false);
    }
  }

 private:
  static bool is_maildir(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "cur", ec) && fs::is_directory(dir / "new", ec);
  }

  // Entries in name order, so that two runs read in the same order; hidden names are
  // left to the caller.
  std::vector<fs::path> sorted_entries(const fs::path& dir) {
    std::vector<fs::path> entries;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) entries.push_back(entry.path());
    if (ec) unreadable(dir, ec.message());
    std::sort(entries.begin(), entries.end());
    return entries;
  }

  void directory(const fs::path& dir, bool maildir) {
    for (const fs::path& entry : sorted_entries(dir)) {
      const std::string name = entry.filename().string();
      std::error_code ec;
      const bool is_dir = fs::is_directory(entry, ec);
      if (maildir && is_dir && name == "tmp") continue;
      if (name.starts_with(".") && !(maildir && is_dir)) continue;
      if (!is_dir) {
        file(entry, false);
      } else if (maildir && (name == "cur" || name == "new")) {
        for (const fs::path& message : sorted_entries(entry)) {
          if (!message.filename().string().starts_with(".")) file(message, true);
        }
      } else {
        directory(entry, is_maildir(entry));
      }
    }
  }

  void file(const fs::path& path, bool in_maildir) {
    const std::string name = path.filename().string();
    if (has_suffix(name, ".mbox") || name == "mbox") {
      ++counts_.files;
      mbox(path);
      return;
    }
    const bool is_message = in_maildir || has_suffix(name, ".eml");
    if (!is_message && !has_suffix(name, ".xml") && !has_suffix(name, ".gz") &&
        !has_suffix(name, ".zip")) {
      return;
    }
    std::string bytes;
    if (!read_file(path, bytes)) return;
    ++counts_.files;
    if (is_message) {
      message(bytes);
    } else {
      document(bytes.data(), bytes.size(), 0);
    }
  }

  bool read_file(const fs::path& path, std::string& bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) {
      unreadable(path, std::strerror(errno));
      return false;
    }
    struct stat info {};
    if (::fstat(fd, &info) == 0) bytes.reserve(static_cast<std::size_t>(info.st_size));
    for (;;) {
      const std::size_t old_size = bytes.size();
      bytes.resize(old_size + kReadChunkBytes);
      const ssize_t got = ::read(fd, bytes.data() + old_size, kReadChunkBytes);
      bytes.resize(old_size + static_cast<std::size_t>(std::max<ssize_t>(got, 0)));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        const int error = got < 0 ? errno : 0;
        ::close(fd);
        if (error != 0) unreadable(path, std::strerror(error));
        return error == 0;
      }
    }
  }

  // An mbox streams through GMime's own mbox mode ("From " lines), one message at a
  // time; a seekable stream lets GMime leave the part contents in the file until they
  // are decoded, so memory stays small whatever the size of the mailbox.
  void mbox(const fs::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) {
      unreadable(path, std::strerror(errno));
      return;
    }
    GMimeStream* stream = g_mime_stream_fs_new(fd);  // owns fd
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
    while (!g_mime_parser_eos(parser)) {
      GMimeMessage* parsed = g_mime_parser_construct_message(parser, nullptr);
      if (parsed == nullptr) break;
      ++counts_.mail_messages;
      object(g_mime_message_get_mime_part(parsed));
      g_object_unref(parsed);
    }
    g_object_unref(parser);
    g_object_unref(stream);
  }

  void message(const std::string& bytes) {
    GMimeStream* stream = g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size());
    GMimeParser* parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    GMimeMessage* parsed = g_mime_parser_construct_message(parser, nullptr);
    if (parsed != nullptr) {
      ++counts_.mail_messages;
      object(g_mime_message_get_mime_part(parsed));
      g_object_unref(parsed);
    }
    g_object_unref(parser);
    g_object_unref(stream);
  }

  // Every leaf part is decoded and judged by its bytes: reporters attach reports
  // under any content type, and people forward report mails as message/rfc822.
  void object(GMimeObject* node) {
    if (node == nullptr) return;
    if (GMIME_IS_MULTIPART(node)) {
      GMimeMultipart* multipart = GMIME_MULTIPART(node);
      const int count = g_mime_multipart_get_count(multipart);
      for (int i = 0; i < count; ++i) object(g_mime_multipart_get_part(multipart, i));
      return;
    }
    if (GMIME_IS_MESSAGE_PART(node)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(node));
      if (inner != nullptr) object(g_mime_message_get_mime_part(inner));
      return;
    }
    if (!GMIME_IS_PART(node)) return;
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(node));
    if (content == nullptr) return;
    GMimeStream* decoded = g_mime_stream_mem_new();
    g_mime_data_wrapper_write_to_stream(content, decoded);
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(decoded));
    if (array != nullptr && array->len > 0) {
      document(reinterpret_cast<char*>(array->data), array->len, 0);
    }
    g_object_unref(decoded);
  }

  // `data` is the caller's to give: pugixml parses it in place, without a copy.
  void document(char* data, std::size_t size, int depth) {
    const std::string_view bytes(data, size);
    if (is_compressed(bytes) && depth < kMaxContainerDepth) {
      unpack(bytes, depth);
    } else {
      xml(data, size);
    }
  }

  // gzip is a filter over the raw format (one member); zip is a format of its own.
  void unpack(std::string_view bytes, int depth) {
    archive* reader = archive_read_new();
    archive_read_support_filter_gzip(reader);
    archive_read_support_format_zip(reader);
    archive_read_support_format_raw(reader);
    if (archive_read_open_memory(reader, bytes.data(), bytes.size()) == ARCHIVE_OK) {
      archive_entry* entry = nullptr;
      while (archive_read_next_header(reader, &entry) == ARCHIVE_OK) {
        std::string member;
        if (archive_entry_size_is_set(entry)) {
          member.reserve(static_cast<std::size_t>(archive_entry_size(entry)));
        }
        la_ssize_t got = 0;
        do {
          const std::size_t old_size = member.size();
          member.resize(old_size + kReadChunkBytes);
          got = archive_read_data(reader, member.data() + old_size, kReadChunkBytes);
          member.resize(old_size + static_cast<std::size_t>(std::max<la_ssize_t>(got, 0)));
        } while (got > 0);
        // A member cut short (a truncated download) is still parsed: pugixml decides.
        document(member.data(), member.size(), depth + 1);
      }
    }
    archive_read_free(reader);
  }

  void xml(char* data, std::size_t size) {
    pugi::xml_document doc;
    if (!doc.load_buffer_inplace(data, size, pugi::parse_default)) return;
    const pugi::xml_node root = doc.document_element();
    if (local_name(root.name()) != "feedback") return;
    ++counts_.reports;
    counts_.xml_bytes += size;
    for (const pugi::xml_node child : root.children()) {
      if (child.type() == pugi::node_element && local_name(child.name()) == "record") {
        ++counts_.records;
      }
    }
  }

  void unreadable(const fs::path& path, const std::string& reason) {
    ++counts_.unreadable;
    std::fprintf(stderr, "dmarcq_floor: cannot read %s: %s\n", path.c_str(), reason.c_str());
  }

  Counts counts_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: dmarcq_floor PATH...\n");
    return 1;
  }
  // glibc's defaults give every document's buffers back to the kernel when they are
  // freed (large ones are unmapped, the heap's top is trimmed) and fault them in again
  // for the next: page faults that are no work an importer has to do, and would take
  // most of the floor's time. Keeping freed memory makes the floor the least work it
  // claims to be; dmarcq itself, whose long-lived threads keep their heaps, is slower
  // with the same settings, so it keeps glibc's.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  g_mime_init();
  Floor floor;
  for (int i = 1; i < argc; ++i) floor.walk(argv[i]);
  const Counts& counts = floor.counts();
  std::fprintf(stderr, "dmarcq_floor: %llu files, %llu mail messages read\n",
               static_cast<unsigned long long>(counts.files),
               static_cast<unsigned long long>(counts.mail_messages));
  std::printf("floor: %llu reports, %llu records, %llu bytes of XML\n",
              static_cast<unsigned long long>(counts.reports),
              static_cast<unsigned long long>(counts.records),
              static_cast<unsigned long long>(counts.xml_bytes));
  g_mime_shutdown();
  return counts.unreadable > 0 ? 1 : 0;
}
