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
  void on_reject(const ingest::Origin& origin, const core::Error& error, std::string_view) override {
    others.push_back("rejected " + origin.to_string() + ": " + error.to_string());
  }
  void on_skip(const ingest::Origin& origin, const std::string& what) override {
    others.push_back("skipped " + origin.to_string() + ": " + what);
  }
};

// "sample-reports/a.zip › b.xml" -> "a.zip__b.xml.txt"
std::string golden_name(const ingest::Origin& origin) {
  std::string name;
  for (std::size_t i = 0; i < origin.chain.size(); ++i) {
    std::string part = i == 0 ? fs::path(origin.chain[i]).filename().string() : origin.chain[i];
    for (char& c : part) {
      if (c == '/' || c == '\\') c = '_';
    }
    name += (i == 0 ? "" : "__") + part;
  }
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
  REQUIRE(collector.documents.size() == 25);  // 23 files, a zip holding two, one broken
  CHECK(collector.others == std::vector<std::string>{
                                "skipped " + (source / "sample-reports/README.md").string() + ": text"});

  std::set<std::string> expected_files;
  for (const ingest::Document& document : collector.documents) {
    const std::string name = golden_name(document.origin);
    expected_files.insert(name);
    auto parsed = report::parse_report(document.bytes);
    const std::string actual = parsed ? report::dump(*parsed) : "rejected: " + parsed.error().to_string() + "\n";
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
