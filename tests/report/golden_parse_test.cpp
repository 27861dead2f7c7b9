// Golden files pin the parse of every sample report: each document found in
// sample-reports/ is parsed and dumped (report::dump) and compared with
// tests/golden/parse/<origin>.txt. DMARCQ_UPDATE_GOLDEN=1 rewrites the files
// (scripts/update-golden); review the diff before committing.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ingest/ingest.h"
#include "report/report.h"

namespace {

namespace fs = std::filesystem;
using namespace dmarcq;

struct Collector final : ingest::Sink {
  std::vector<ingest::Document> documents;
  std::vector<std::string> others;
  void on_document(ingest::Document document) override { documents.push_back(std::move(document)); }
  void on_reject(const ingest::Origin& origin, const core::Error& error,
                 std::string_view) override {
    others.push_back("rejected " + origin.to_string() + ": " + error.to_string());
  }
  void on_skip(const ingest::Origin& origin, const std::string& what) override {
    others.push_back("skipped " + origin.to_string() + ": " + what);
  }
};

// "sample-reports/mail/x.mbox › message 3 <id> › r.zip › r.xml" -> "x.mbox__r.xml.txt":
// the file and the document's own name (full chains exceed file name limits);
// characters other than letters, digits and .!@-+, become '_'.
std::string golden_name(const ingest::Origin& origin) {
  std::string name = fs::path(origin.chain.front()).filename().string();
  if (origin.chain.size() > 1) name += "__" + origin.chain.back();
  for (char& c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '!' || c == '@' || c == '-' || c == '+' || c == ',';
    if (!plain) c = '_';
  }
  if (name.size() > 200) name.resize(200);
  return name + ".txt";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

TEST_CASE("golden: the parse of every sample report") {
  const fs::path source = DMARCQ_SOURCE_DIR;
  const fs::path golden_dir = source / "tests/golden/parse";
  const bool update = std::getenv("DMARCQ_UPDATE_GOLDEN") != nullptr &&
                      std::string(std::getenv("DMARCQ_UPDATE_GOLDEN")) == "1";
  Collector collector;
  ingest::ingest_paths({(source / "sample-reports").string()}, ingest::Limits{}, collector);
  // 23 report files (a zip holding two, one broken) and 15 documents in mail/.
  REQUIRE(collector.documents.size() == 40);
  CHECK(collector.others ==
        std::vector<std::string>{"skipped " + (source / "sample-reports/README.md").string() +
                                 ": text"});

  std::set<std::string> expected_files;
  for (const ingest::Document& document : collector.documents) {
    std::string name = golden_name(document.origin);
    while (expected_files.count(name) > 0) name.insert(name.size() - 4, "+");
    expected_files.insert(name);
    auto parsed = report::parse_report(document.bytes);
    const std::string actual =
        parsed ? report::dump(*parsed) : "rejected: " + parsed.error().to_string() + "\n";
    const fs::path path = golden_dir / name;
    if (update) {
      fs::create_directories(golden_dir);
      std::ofstream(path, std::ios::binary) << actual;
      continue;
    }
    CAPTURE(name);
    REQUIRE(fs::exists(path));
    CHECK(read_file(path) == actual);
  }
  // No stale golden files for samples that no longer exist.
  if (!update) {
    for (const auto& entry : fs::directory_iterator(golden_dir)) {
      CAPTURE(entry.path());
      CHECK(expected_files.count(entry.path().filename().string()) == 1);
    }
  }
}
