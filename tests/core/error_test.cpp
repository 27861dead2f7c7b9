#include "core/error.h"

#include <doctest/doctest.h>

using namespace dmarcq::core;

TEST_CASE("error: context chain reads outermost first") {
  Error error(ErrorCode::kInvalid, "<count> 'x' is not a number");
  error.at("line 17").within("report.zip").within("inbox.mbox");
  CHECK(error.to_string() ==
        "inbox.mbox \xE2\x80\xBA report.zip \xE2\x80\xBA line 17: <count> 'x' is not a number");
  CHECK(Error(ErrorCode::kIo, "gone").to_string() == "gone");
  CHECK(std::string(error_code_name(ErrorCode::kLimit)) == "limit");
}

TEST_CASE("error: Result holds a value or an error") {
  Result<int> good = 5;
  REQUIRE(good.ok());
  CHECK(*good == 5);
  Result<int> bad = Error(ErrorCode::kCorrupt, "broken");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kCorrupt);
  Status fine;
  CHECK(fine.ok());
  Status failed = Error(ErrorCode::kDb, "locked");
  CHECK_FALSE(failed.ok());
  CHECK(failed.error().message() == "locked");
}
