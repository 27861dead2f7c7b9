// ingest_paths: files, directory walks and standard input, on a scratch directory.
#include <archive.h>
#include <archive_entry.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/hash.h"
#include "ingest/ingest.h"
#include "support/ingest_support.h"

namespace {

namespace fs = std::filesystem;
using dmarcq::ingest::ingest_paths;

const std::string kReport = "<feedback/>";

// A fresh directory under the system temp directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device seed;
    path_ = fs::temp_directory_path() /
            ("dmarcq-walk-test-" + std::to_string(::getpid()) + "-" + std::to_string(seed()));
    fs::create_directories(path_);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string path() const { return path_.string(); }
  std::string write(const std::string& relative, const std::string& bytes) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
    return file.string();
  }

 private:
  fs::path path_;
};

std::string gzip(const std::string& data) { return compress(Filter::kGzip, data); }

}  // namespace

TEST_CASE("walk: directory tree in byte-wise order, hidden entries skipped") {
  TempDir dir;
  const std::string root = dir.path();
  const std::string gz = gzip(kReport);
  dir.write("a.xml", kReport);
  dir.write("Z.xml", kReport);  // 'Z' < 'a' byte-wise
  dir.write("b/c.xml", kReport);
  dir.write("b/a.xml.gz", gz);
  dir.write("b/deeper/d.xml", kReport);
  dir.write(".hidden.xml", kReport);
  dir.write(".git/config.xml", kReport);
  dir.write("empty.xml", "");
  dir.write("notes.txt", "not a report\n");
  fs::create_directory_symlink(fs::path(root) / "b", fs::path(root) / "link-dir");
  fs::create_symlink(fs::path(root) / "a.xml", fs::path(root) / "link-file.xml");

  RecordingSink sink;
  ingest_paths({root}, Limits{}, sink);
  const std::string r = root + "/";
  CHECK(sink.events == Events{
                           "skip " + r + ".git: hidden directory",
                           "skip " + r + ".hidden.xml: hidden file",
                           "file " + r + "Z.xml 11",
                           "document " + r + "Z.xml",
                           "file " + r + "a.xml 11",
                           "document " + r + "a.xml",
                           "file " + r + "b/a.xml.gz " + std::to_string(gz.size()),
                           "document " + r + "b/a.xml.gz",
                           "file " + r + "b/c.xml 11",
                           "document " + r + "b/c.xml",
                           "file " + r + "b/deeper/d.xml 11",
                           "document " + r + "b/deeper/d.xml",
                           "file " + r + "empty.xml 0",
                           "reject " + r + "empty.xml: empty file",
                           "skip " + r + "link-dir: symbolic link to a directory (not followed)",
                           "file " + r + "link-file.xml 11",
                           "document " + r + "link-file.xml",
                           "file " + r + "notes.txt 13",
                           "skip " + r + "notes.txt: text",
                       });
  REQUIRE(sink.documents.size() == 6);
  CHECK(sink.documents[2].bytes == kReport);  // the gzip, unpacked

  // A trailing slash on the given path does not double the separator; a named
  // symlinked directory is followed.
  RecordingSink again;
  ingest_paths({root + "/link-dir/"}, Limits{}, again);
  CHECK(again.events.size() == 6);
  CHECK(again.events.at(1) == "document " + r + "link-dir/a.xml.gz");
}

TEST_CASE("walk: missing path, single file and input size limit") {
  TempDir dir;
  const std::string file = dir.write("r.xml", kReport);
  const std::string missing = dir.path() + "/nope.xml";
  Limits limits;
  limits.max_input_bytes = 5;
  RecordingSink sink;
  ingest_paths({missing, file}, limits, sink);
  CHECK(sink.events ==
        Events{
            "reject " + missing + ": cannot read: No such file or directory",
            "file " + file + " 11",
            "reject " + file + ": file is larger than the limit of 5 bytes (--max-input-size)",
        });

  RecordingSink ok;
  ingest_paths({file}, Limits{}, ok);
  CHECK(ok.events == Events{"file " + file + " 11", "document " + file});
  CHECK(ok.documents.at(0).origin.chain == std::vector<std::string>{file});
}

TEST_CASE("walk: standard input") {
  // Standard input is read from file descriptor 0: point it at a temporary file.
  const std::string path =
      (std::filesystem::temp_directory_path() / ("dmarcq-stdin-" + std::to_string(::getpid())))
          .string();
  {
    std::ofstream out(path, std::ios::binary);
    out << gzip(kReport);
  }
  const int saved = ::dup(STDIN_FILENO);
  const int file = ::open(path.c_str(), O_RDONLY);
  REQUIRE(file >= 0);
  ::dup2(file, STDIN_FILENO);
  ::close(file);
  RecordingSink sink;
  ingest_paths({"-"}, Limits{}, sink);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  std::filesystem::remove(path);
  REQUIRE(sink.events.size() == 2);
  CHECK(sink.events[1] == "document <stdin>");
  CHECK(sink.documents.at(0).bytes == kReport);
}

TEST_CASE("walk: an mbox is streamed past the input size limit; a Maildir is read as messages") {
  TempDir dir;
  std::string mbox;
  for (int i = 1; i <= 40; ++i) {
    mbox += "From x Mon Nov 16 10:00:00 2026\nFrom: a@b\nMessage-ID: <" + std::to_string(i) +
            "@x>\n\n" + kReport + "\n\n";
  }
  const std::string box = dir.write("big.mbox", mbox);
  Limits limits;
  limits.max_input_bytes = 100;  // the mbox is ~2.8 kB; each message is below 100 bytes
  RecordingSink sink;
  ingest_paths({box}, limits, sink);
  REQUIRE(sink.documents.size() == 40);
  CHECK(sink.documents.back().origin.to_string() ==
        box + " \xE2\x80\xBA message 40 <40@x> \xE2\x80\xBA body (text/plain)");

  const std::string message = "From: a@b\nMessage-ID: <m@x>\n\n" + kReport + "\n";
  dir.write("md/cur/1.host:2,S", message);
  dir.write("md/new/2.host", message);
  dir.write("md/tmp/3.host", message);           // being delivered: never read
  dir.write("md/dovecot-uidlist", "3 V1 N4\n");  // the server's index
  dir.write("md/.Sub/cur/4.host:2,", message);   // Maildir++ folder
  dir.write("md/.Sub/new/.hidden", message);
  fs::create_directories(dir.path() + "/md/.Sub/new");
  RecordingSink maildir;
  ingest_paths({dir.path() + "/md"}, Limits{}, maildir);
  std::vector<std::string> files;
  for (const std::string& event : maildir.events) {
    if (event.rfind("file ", 0) == 0) files.push_back(event.substr(event.rfind('/') + 1));
  }
  CHECK(files == std::vector<std::string>{"1.host:2,S 41", "2.host 41", "4.host:2, 41"});
  CHECK(maildir.documents.size() == 3);
}

namespace {

// Also records the files shown before they are unpacked, naming their hash by the
// bytes the test wrote, and refuses those whose bytes it knows.
struct FileSink : RecordingSink {
  std::vector<std::pair<std::string, std::string>> labels;  // bytes, what the test calls them
  std::vector<std::string> known;
  bool on_file_start(const Origin& origin, const std::string& content_hash) override {
    std::string label = "unlabelled bytes";
    for (const auto& [bytes, name] : labels) {
      if (dmarcq::core::sha256_hex(bytes) == content_hash) label = name;
    }
    bool is_known = false;
    for (const std::string& bytes : known)
      is_known |= dmarcq::core::sha256_hex(bytes) == content_hash;
    events.push_back("file-start " + origin.to_string() + " " + label + (is_known ? " known" : ""));
    return !is_known;
  }
  void on_file_end(const Origin& origin) override {
    events.push_back("file-end " + origin.to_string());
  }
};

}  // namespace

TEST_CASE(
    "walk: a file is shown with its hash before it is unpacked; a known one is not unpacked") {
  TempDir dir;
  const std::string r = dir.path() + "/";
  const std::string gz = gzip(kReport);
  const std::string message = "From: a@b\nMessage-ID: <m@x>\n\n" + kReport + "\n";
  dir.write("a.xml.gz", gz);
  dir.write("b.xml", kReport);
  dir.write("c.eml", message);  // one message: shown as that, not as a file
  dir.write("d.mbox", "From x Mon Nov 16 10:00:00 2026\n" + message);  // streamed
  dir.write("e.txt", "notes\n");
  Limits limits;
  limits.max_input_bytes = 45;  // every file but f.xml.gz and h.xml is below it
  const std::string big_gz = gz + std::string(20, ' ');
  dir.write("f.xml.gz", big_gz);  // over the limit: an archive, streamed
  const std::string big_xml = kReport + std::string(40, ' ');
  dir.write("h.xml", big_xml);  // over the limit and no archive: rejected unread
  FileSink sink;
  sink.labels = {{gz, "gz"}, {kReport, "report"}, {"notes\n", "notes"}, {big_gz, "big gz"}};
  ingest_paths({dir.path()}, limits, sink);
  const std::string gz_size = std::to_string(gz.size());
  CHECK(sink.events ==
        Events{
            "file " + r + "a.xml.gz " + gz_size,
            "file-start " + r + "a.xml.gz gz",
            "document " + r + "a.xml.gz",
            "file-end " + r + "a.xml.gz",
            "file " + r + "b.xml 11",
            "file-start " + r + "b.xml report",
            "document " + r + "b.xml",
            "file-end " + r + "b.xml",
            "file " + r + "c.eml " + std::to_string(message.size()),
            "message " + r + "c.eml \xE2\x80\xBA message <m@x>",
            "document " + r + "c.eml \xE2\x80\xBA message <m@x> \xE2\x80\xBA body (text/plain)",
            "end",
            "file " + r + "d.mbox " + std::to_string(message.size() + 32),
            "message " + r + "d.mbox \xE2\x80\xBA message 1 <m@x>",
            "document " + r + "d.mbox \xE2\x80\xBA message 1 <m@x> \xE2\x80\xBA body (text/plain)",
            "end",
            "file " + r + "e.txt 6",
            "file-start " + r + "e.txt notes",
            "skip " + r + "e.txt: text",
            "file-end " + r + "e.txt",
            "file " + r + "f.xml.gz " + std::to_string(big_gz.size()),
            "file-start " + r + "f.xml.gz big gz",
            "document " + r + "f.xml.gz",
            "file-end " + r + "f.xml.gz",
            "file " + r + "h.xml " + std::to_string(big_xml.size()),
            "reject " + r + "h.xml: file is larger than the limit of 45 bytes (--max-input-size)",
        });
  REQUIRE(sink.documents.size() == 5);
  CHECK(sink.documents[4].bytes == kReport);  // f.xml.gz's, unpacked as it was read

  // Known bytes, under any name: shown, then nothing more.
  dir.write("g.xml", kReport);
  FileSink again;
  again.labels = sink.labels;
  again.known = {gz, kReport, big_gz};
  ingest_paths({r + "a.xml.gz", r + "g.xml", r + "e.txt", r + "f.xml.gz"}, limits, again);
  CHECK(again.events == Events{
                            "file " + r + "a.xml.gz " + gz_size,
                            "file-start " + r + "a.xml.gz gz known",
                            "file " + r + "g.xml 11",
                            "file-start " + r + "g.xml report known",
                            "file " + r + "e.txt 6",
                            "file-start " + r + "e.txt notes",
                            "skip " + r + "e.txt: text",
                            "file-end " + r + "e.txt",
                            "file " + r + "f.xml.gz " + std::to_string(big_gz.size()),
                            "file-start " + r + "f.xml.gz big gz known",
                        });
}

TEST_CASE("walk: an archive over the input limit is streamed, with the units of one read whole") {
  TempDir dir;
  const std::string r = dir.path() + "/";
  const std::string padded_report =
      "<feedback><id>big</id>" + std::string(5000, ' ') + "</feedback>";
  const std::string message = "From: a@b\nMessage-ID: <m@x>\n\n" + kReport + "\n";
  const std::string mbox = "From x Mon Nov 16 10:00:00 2026\n" + message;
  const std::vector<Member> members = {
      {"reports/", "", true},
      {"reports/a.xml", kReport},
      {"reports/b.xml.gz", gzip(padded_report)},
      {"reports/inner.zip",
       make_archive(Format::kZip, {}, {{"c.xml.gz", gzip(kReport)}})},  // too deep
      {"README.txt", "notes\n"},
      {"reports/broken.xml.gz", gzip(kReport).substr(0, 15)},
      {"Mail/All mail.mbox", mbox},
  };
  const std::string zip = make_archive(Format::kZip, {}, members);
  const std::string tgz = make_archive(Format::kTar, {Filter::kGzip}, members);
  const std::string mbox_gz = gzip(mbox);
  dir.write("a.zip", zip);
  dir.write("b.tgz", tgz);
  dir.write("c.mbox.gz", mbox_gz);
  dir.write("d.zip", zip.substr(0, zip.size() - 100));  // cut: no central directory
  dir.write("e.tgz", tgz.substr(0, tgz.size() / 2));
  const std::string tar = make_archive(Format::kTar, {}, members);
  dir.write("f.tar", tar.substr(0, tar.size() / 2));     // a member cut: skips must stop at the end
  dir.write("g.tar", tar.substr(0, tar.size() - 1100));  // the last member's padding gone
  dir.write("h.zip", with_second_member_hidden(zip));    // a member hidden from libarchive

  const Limits whole;
  FileSink read_whole;
  read_whole.labels = {{zip, "zip"},
                       {tgz, "tgz"},
                       {mbox_gz, "mbox.gz"},
                       {zip.substr(0, zip.size() - 100), "cut zip"},
                       {tgz.substr(0, tgz.size() / 2), "cut tgz"},
                       {tar.substr(0, tar.size() / 2), "cut tar"},
                       {tar.substr(0, tar.size() - 1100), "tar without padding"}};
  ingest_paths({dir.path()}, whole, read_whole);
  Limits streamed = whole;
  streamed.max_input_bytes = 40;  // below every file
  FileSink read_streamed;
  read_streamed.labels = read_whole.labels;
  ingest_paths({dir.path()}, streamed, read_streamed);

  CHECK(read_streamed.events == read_whole.events);
  CHECK(std::find(read_whole.events.begin(), read_whole.events.end(),
                  "reject " + r +
                      "h.zip: inconsistent zip: two central directory entries point "
                      "at the same local header (offset 0): whatever else the zip holds would not "
                      "be read") != read_whole.events.end());
  REQUIRE(read_streamed.documents.size() == read_whole.documents.size());
  for (std::size_t i = 0; i < read_whole.documents.size(); ++i) {
    CHECK(read_streamed.documents[i].bytes == read_whole.documents[i].bytes);
  }
  // What that is: every file shown with the hash of all its bytes, each member a unit.
  const std::string a = r + "a.zip" + kSep;
  REQUIRE(read_whole.events.size() > 12);
  const Events first(read_whole.events.begin(), read_whole.events.begin() + 12);
  CHECK(first ==
        Events{
            "file " + r + "a.zip " + std::to_string(zip.size()), "file-start " + r + "a.zip zip",
            "document " + a + "reports/a.xml", "document " + a + "reports/b.xml.gz",
            "reject " + a + "reports/inner.zip" + kSep +
                "c.xml.gz: nesting deeper than 2 containers (--max-depth)",
            "skip " + a + "README.txt: text",
            "reject " + a + "reports/broken.xml.gz: cannot open gzip stream: truncated gzip input",
            "message " + a + "Mail/All mail.mbox" + kSep + "message 1 <m@x>",
            "document " + a + "Mail/All mail.mbox" + kSep + "message 1 <m@x>" + kSep +
                "body (text/plain)",
            "end", "file-end " + r + "a.zip", "file " + r + "b.tgz " + std::to_string(tgz.size())});
  const auto cut = std::find(read_whole.events.begin(), read_whole.events.end(),
                             "file-start " + r + "d.zip cut zip");
  CHECK(cut != read_whole.events.end());
  // Rejects of a file read whole keep its bytes; a streamed one has none to keep.
  CHECK(std::all_of(read_streamed.raws.begin(), read_streamed.raws.end(),
                    [](const std::string& raw) { return raw.size() <= 40; }));
}

namespace {

// Appends to the file it is shown, as a download still being written would.
struct GrowingSink : FileSink {
  std::string path;
  bool on_file_start(const Origin& origin, const std::string& content_hash) override {
    std::ofstream(path, std::ios::binary | std::ios::app) << "more bytes";
    return FileSink::on_file_start(origin, content_hash);
  }
};

}  // namespace

TEST_CASE("walk: a streamed archive that changes while it is read is rejected, not remembered") {
  TempDir dir;
  const std::string zip = make_archive(Format::kZip, {}, {{"a.xml", kReport}, {"b.xml", kReport}});
  GrowingSink sink;
  sink.path = dir.write("a.zip", zip);
  sink.labels = {{zip, "zip"}};
  Limits limits;
  limits.max_input_bytes = 40;
  ingest_paths({sink.path}, limits, sink);
  CHECK(sink.events == Events{"file " + sink.path + " " + std::to_string(zip.size()),
                              "file-start " + sink.path + " zip",
                              "document " + sink.path + kSep + "a.xml",
                              "document " + sink.path + kSep + "b.xml",
                              "reject " + sink.path +
                                  ": the file changed while it was read: import "
                                  "it again once it is complete",
                              "file-end " + sink.path});
  CHECK(sink.codes == std::vector<ErrorCode>{ErrorCode::kIo});
}

namespace {

struct ProgressSink : RecordingSink {
  std::vector<std::uint64_t> progress;
  void on_progress(std::uint64_t bytes_done) override { progress.push_back(bytes_done); }
};

}  // namespace

TEST_CASE("walk: a streamed archive's progress climbs through both passes to its size") {
  TempDir dir;
  std::vector<Member> members;
  std::mt19937 random(7);
  for (int i = 0; i < 40; ++i) {  // incompressible, so the zip spans several reads
    std::string noise(64 * 1024, ' ');
    for (char& c : noise) c = static_cast<char>('a' + random() % 26);
    members.push_back({"r" + std::to_string(i) + ".xml", "<feedback>" + noise + "</feedback>"});
  }
  const std::string zip = make_archive(Format::kZip, {}, members);
  const std::string path = dir.write("big.zip", zip);
  Limits limits;
  limits.max_input_bytes = 1024;
  ProgressSink sink;
  ingest_paths({path}, limits, sink);
  CHECK(sink.documents.size() == 40);
  REQUIRE(sink.progress.size() > 4);
  CHECK(std::is_sorted(sink.progress.begin(), sink.progress.end()));
  CHECK(sink.progress.back() == zip.size());
  CHECK(std::count_if(sink.progress.begin(), sink.progress.end(),
                      [&](std::uint64_t done) { return done <= zip.size() / 2; }) >= 1);
}
