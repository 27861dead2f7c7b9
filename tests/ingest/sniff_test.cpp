// sniff: kinds are decided by bytes alone.
#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "ingest/ingest.h"

using namespace std::string_view_literals;
using dmarcq::ingest::Kind;
using dmarcq::ingest::kind_name;
using dmarcq::ingest::sniff;

TEST_CASE("sniff: empty") { CHECK(sniff("") == Kind::kEmpty); }

TEST_CASE("sniff: XML with and without BOM and whitespace") {
  CHECK(sniff("<?xml version=\"1.0\"?><feedback/>") == Kind::kXml);
  CHECK(sniff("<feedback/>") == Kind::kXml);
  CHECK(sniff(" \r\n\t<feedback/>") == Kind::kXml);
  CHECK(sniff("\xEF\xBB\xBF<?xml?>") == Kind::kXml);
  CHECK(sniff("\xEF\xBB\xBF\n  <feedback/>") == Kind::kXml);
  CHECK(sniff("\xFF\xFE<\0?\0"sv) == Kind::kXml);       // UTF-16LE BOM
  CHECK(sniff("\xFE\xFF\0<\0?"sv) == Kind::kXml);       // UTF-16BE BOM
  CHECK(sniff("\xFF\xFE\0\0<\0\0\0"sv) == Kind::kXml);  // UTF-32LE BOM
  CHECK(sniff("\0\0\xFE\xFF\0\0\0<"sv) == Kind::kXml);  // UTF-32BE BOM
  CHECK(sniff("\xEF\xBB\xBF") == Kind::kText);          // a BOM alone is not XML
  CHECK(sniff("   ") == Kind::kText);
  CHECK(sniff("x<feedback/>") == Kind::kText);
}

TEST_CASE("sniff: compressors and archives by magic") {
  CHECK(sniff("\x1F\x8B\x08\x00"sv) == Kind::kGzip);
  CHECK(sniff("PK\x03\x04rest"sv) == Kind::kZip);
  CHECK(sniff("PK\x05\x06"sv) == Kind::kZip);
  CHECK(sniff("PK\x01\x02"sv) == Kind::kBinary);
  CHECK(sniff("BZh91AY&SY\x00\x01"sv) == Kind::kBzip2);
  CHECK(sniff("BZh9\x17\x72\x45\x38\x50\x90"sv) == Kind::kBzip2);  // empty bzip2
  CHECK(sniff("BZh is just a word") == Kind::kText);
  CHECK(sniff("\xFD"
              "7zXZ\0\0\x04"sv) == Kind::kXz);
  std::string tar(512, '\0');
  tar.replace(0, 5, "<name");  // a member named like a tag is still a tar
  tar.replace(257, 6, "ustar\0"sv);
  CHECK(sniff(tar) == Kind::kTar);
}

TEST_CASE("sniff: text and binary") {
  CHECK(sniff("This is a README.\r\n\tSee \f next page.\n") == Kind::kText);
  CHECK(sniff("caf\xC3\xA9 \xE2\x80\xBA \xF0\x9F\x93\xA7") == Kind::kText);
  CHECK(sniff("unused") == Kind::kText);
  CHECK(sniff("bell\x07") == Kind::kBinary);
  CHECK(sniff("nul\0"sv) == Kind::kBinary);
  CHECK(sniff("\x89PNG\r\n\x1A\n") == Kind::kBinary);
  CHECK(sniff("overlong \xC0\xAF") == Kind::kBinary);
  CHECK(sniff("surrogate \xED\xA0\x80") == Kind::kBinary);
  CHECK(sniff("cut \xE2\x80") == Kind::kBinary);  // truncated at the real end
  // Only the first 512 bytes count, and a sequence cut by that window is fine.
  std::string long_text(511, 'a');
  long_text += "\xC3\xA9";
  long_text += std::string(100, '\0');
  CHECK(sniff(long_text) == Kind::kText);
}

TEST_CASE("sniff: kind names") {
  CHECK(std::string(kind_name(Kind::kText)) == "text");
  CHECK(std::string(kind_name(Kind::kBinary)) == "binary data");
  CHECK(std::string(kind_name(Kind::kGzip)) == "gzip");
  CHECK(std::string(kind_name(Kind::kXml)) == "XML");
}

TEST_CASE("origin: child and to_string") {
  const dmarcq::ingest::Origin top{{"reports/a.zip"}};
  const auto inner = top.child("b.xml.gz");
  CHECK(top.chain.size() == 1);
  CHECK(inner.to_string() == "reports/a.zip \xE2\x80\xBA b.xml.gz");
  CHECK(dmarcq::ingest::Origin{}.to_string().empty());
}
