// The store's side of `rejects --retry`: listing rejects without their bytes, reading
// one reject's bytes, and replacing the reason of one that failed again.
#include <doctest/doctest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "test_db.h"

using namespace dmarcq;
using store::OpenMode;
using store::Outcome;
using testing::file_scalar;

namespace {

// A blob with a NUL and bytes that are not UTF-8: raw units are bytes, not text.
const std::string kGzipBytes("\x1f\x8b\x08\x00\xff\xfe", 6);

}  // namespace

TEST_CASE("store: reject units list every reject in order, and which ones kept bytes") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());
  const core::Error limit(core::ErrorCode::kLimit, "document exceeds the size limit");
  REQUIRE(db.add_reject("a.xml.gz", limit, "h-kept", kGzipBytes, kGzipBytes.size()).ok());
  // Over the keep limit: recorded with its size but without its bytes.
  REQUIRE(db.add_reject("big.zip › m.xml", limit, "h-big", "", 40 << 20).ok());
  // An unreadable file: nothing was read, so nothing is kept.
  REQUIRE(
      db.add_reject("locked.xml", core::Error(core::ErrorCode::kIo, "cannot read"), "h-io", "", 0)
          .ok());
  REQUIRE(db.commit().ok());

  auto units = db.reject_units();
  REQUIRE(units.ok());
  REQUIRE(units->size() == 3);
  CHECK((*units)[0].content_hash == "h-kept");
  CHECK((*units)[0].origin == "a.xml.gz");
  CHECK((*units)[0].kept);
  CHECK((*units)[1].content_hash == "h-big");
  CHECK_FALSE((*units)[1].kept);
  CHECK((*units)[2].content_hash == "h-io");
  CHECK_FALSE((*units)[2].kept);

  // The listing agrees: an empty unit is not "kept" either.
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  auto table = (*reader)->rejects();
  REQUIRE(table.ok());
  REQUIRE(table->rows.size() == 3);
  CHECK(std::get<std::string>(table->rows[0][4]) == "yes");
  CHECK(std::get<std::string>(table->rows[1][4]) == "no");
  CHECK(std::get<std::string>(table->rows[2][4]) == "no");
  // Reading works on a read-only store too.
  CHECK((*reader)->reject_units().ok());
}

TEST_CASE("store: reject bytes come back exactly as stored, and empty once the reject is gone") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());
  const core::Error corrupt(core::ErrorCode::kCorrupt, "truncated gzip input");
  REQUIRE(db.add_reject("a.gz", corrupt, "h1", kGzipBytes, kGzipBytes.size()).ok());
  auto bytes = db.reject_bytes("h1");
  REQUIRE(bytes.ok());
  CHECK(*bytes == kGzipBytes);

  REQUIRE(db.clear_reject("h1").ok());
  auto gone = db.reject_bytes("h1");
  REQUIRE(gone.ok());
  CHECK(gone->empty());
  REQUIRE(db.commit().ok());
}

TEST_CASE("store: a reject that fails again gets its new reason and kind, nothing else") {
  testing::TempDb temp;
  auto opened = store::open_sqlite(temp.path(), OpenMode::kReadWrite);
  REQUIRE(opened.ok());
  store::Store& db = **opened;
  REQUIRE(db.begin().ok());
  const core::Error limit(core::ErrorCode::kLimit, "document exceeds the size limit");
  REQUIRE(db.add_reject("in.zip › r.xml", limit, "h1", "<feedback>", 10).ok());
  REQUIRE(db.add_reject("other.xml", limit, "h2", "<x/>", 4).ok());

  core::Error invalid(core::ErrorCode::kInvalid, "<report_metadata> has no <date_range>");
  invalid.at("line 4");
  REQUIRE(db.update_reject("h1", invalid).ok());
  REQUIRE(db.commit().ok());

  const std::string reason = "line 4: <report_metadata> has no <date_range>";
  CHECK(file_scalar(temp.path(),
                    "SELECT count(*) FROM reject WHERE content_hash = 'h1' AND reason = '" +
                        reason +
                        "' AND error_kind = 'invalid' AND origin = 'in.zip › r.xml' "
                        "AND raw = CAST('<feedback>' AS BLOB) AND raw_size = 10") == 1);
  // The input row says the same, so an import meeting the bytes again sees the new reason.
  auto known = db.find_input("h1");
  REQUIRE(known.ok());
  REQUIRE(known->has_value());
  CHECK((*known)->outcome == Outcome::kRejected);
  CHECK((*known)->detail == reason);
  // The other reject is untouched.
  CHECK(file_scalar(temp.path(),
                    "SELECT count(*) FROM reject WHERE content_hash = 'h2' AND "
                    "error_kind = 'limit'") == 1);

  // Changing a reject needs a writable store.
  auto reader = store::open_sqlite(temp.path(), OpenMode::kReadOnly);
  REQUIRE(reader.ok());
  CHECK_FALSE((*reader)->update_reject("h2", invalid).ok());
}
