#include <doctest/doctest.h>

#include <string>

#include "report/report.h"

using dmarcq::report::parse_report;

namespace {

std::string report_with_org(const std::string& declaration, const std::string& org) {
  return declaration + "<feedback><report_metadata><org_name>" + org +
         "</org_name><report_id>1</report_id><date_range><begin>1794182400</begin>"
         "<end>1794268799</end></date_range></report_metadata><policy_published><domain>"
         "example.com</domain></policy_published></feedback>";
}

std::string utf16(const std::string& ascii, bool little_endian) {
  std::string out;
  for (char c : ascii) {
    if (little_endian) {
      out += c;
      out += '\0';
    } else {
      out += '\0';
      out += c;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("encoding: BOMs, UTF-16 and declared legacy encodings become UTF-8") {
  auto bom = parse_report("\xEF\xBB\xBF" + report_with_org("<?xml version=\"1.0\"?>", "ACME"));
  REQUIRE(bom.ok());
  CHECK(bom->org_name == "ACME");

  const std::string ascii = report_with_org("<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "Wide");
  auto le = parse_report("\xFF\xFE" + utf16(ascii, true));
  REQUIRE(le.ok());
  CHECK(le->org_name == "Wide");
  auto be = parse_report("\xFE\xFF" + utf16(ascii, false));
  REQUIRE(be.ok());
  CHECK(be->org_name == "Wide");
  auto no_bom = parse_report(utf16(ascii, true));
  REQUIRE(no_bom.ok());
  CHECK(no_bom->org_name == "Wide");

  // 0x93/0x94 are curly quotes in windows-1252; pugixml alone would keep raw bytes.
  auto cp1252 = parse_report(report_with_org("<?xml version=\"1.0\" encoding=\"windows-1252\"?>",
                                             "\x93"
                                             "ACME\x94 Caf\xE9"));
  REQUIRE(cp1252.ok());
  CHECK(cp1252->org_name ==
        "\xE2\x80\x9C"
        "ACME\xE2\x80\x9D Caf\xC3\xA9");
  CHECK(cp1252->warnings.at(0) == "converted from windows-1252");

  auto latin1 =
      parse_report(report_with_org("<?xml version='1.0' encoding='ISO-8859-1'?>", "M\xFCller"));
  REQUIRE(latin1.ok());
  CHECK(latin1->org_name == "M\xC3\xBCller");

  auto sjis = parse_report(report_with_org("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>",
                                           "\x93\xFA\x96\x7B"));  // 日本
  REQUIRE(sjis.ok());
  CHECK(sjis->org_name == "\xE6\x97\xA5\xE6\x9C\xAC");
}

TEST_CASE("encoding: invalid bytes are replaced, unknown encodings rejected") {
  auto invalid =
      parse_report(report_with_org("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "Bad\x91Quote"));
  REQUIRE(invalid.ok());
  CHECK(invalid->org_name == "Bad\xEF\xBF\xBDQuote");
  CHECK(invalid->warnings.at(0) == "invalid UTF-8 in <org_name> (line 1) replaced with U+FFFD");

  auto unknown =
      parse_report(report_with_org("<?xml version=\"1.0\" encoding=\"x-klingon\"?>", "Qa\xFFpla"));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().to_string() == "unsupported encoding 'x-klingon'");
}
