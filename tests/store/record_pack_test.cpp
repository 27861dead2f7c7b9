#include "store/sqlite/record_pack.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using dmarcq::store::FactCount;
using dmarcq::store::pack_records;
using dmarcq::store::unpack_records;

TEST_CASE("record pack: pairs come back sorted by fact, then messages, whatever their values") {
  const std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  const std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  std::vector<FactCount> records = {{7, 3},    {2, 10},  {7, 1},       {2, 10}, {kMax, 0},
                                    {1, kMax}, {-5, -1}, {kMin, kMin}, {0, 0}};
  std::string packed;
  pack_records(records, packed);
  std::vector<FactCount> unpacked{{99, 99}};  // replaced, not appended to
  REQUIRE(unpack_records(packed, unpacked).ok());
  CHECK(
      unpacked ==
      std::vector<FactCount>{
          {kMin, kMin}, {-5, -1}, {0, 0}, {1, kMax}, {2, 10}, {2, 10}, {7, 1}, {7, 3}, {kMax, 0}});
}

TEST_CASE("record pack: the bytes of format 1, as schema/0011_report_facts.sql describes them") {
  std::vector<FactCount> records = {{300, 1}, {5, 127}, {5, 128}};
  std::string packed;
  pack_records(records, packed);
  // 1; fact 5 (+5), 127; fact 5 (+0), 128 = 0x80 0x01; fact 300 (+295 = 0xa7 0x02), 1.
  CHECK(packed == std::string("\x01\x05\x7f\x00\x80\x01\xa7\x02\x01", 9));
  records.clear();
  pack_records(records, packed);
  CHECK(packed == std::string("\x01"));
  std::vector<FactCount> unpacked{{1, 1}};
  REQUIRE(unpack_records(packed, unpacked).ok());
  CHECK(unpacked.empty());
}

TEST_CASE("record pack: a value of another format or cut inside a number is refused") {
  std::vector<FactCount> unpacked;
  for (const std::string& damaged :
       {std::string(), std::string("\x02\x01\x01", 3), std::string("\x01\x05", 2),
        std::string("\x01\x05\x80", 3),
        // eleven bytes for one number: no 64-bit value takes more than ten
        std::string("\x01\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 13)}) {
    INFO("value of " << damaged.size() << " bytes");
    auto status = unpack_records(damaged, unpacked);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().to_string().find("packed records") != std::string::npos);
  }
}
