#include <doctest/doctest.h>

#include <string>

#include "report/report.h"

using dmarcq::core::ErrorCode;
using dmarcq::report::parse_report;
using dmarcq::report::Report;

namespace {

// A minimal valid RFC 7489 report; pieces are replaced to build each case.
std::string report_xml(const std::string& metadata_extra = "", const std::string& records = "",
                       const std::string& policy = "<domain>example.com</domain><p>none</p>") {
  return "<?xml version=\"1.0\"?>\n"
         "<feedback>\n"
         "  <report_metadata>\n"
         "    <org_name>google.com</org_name>\n"
         "    <email>noreply-dmarc-support@google.com</email>\n" +
         metadata_extra +
         "  </report_metadata>\n"
         "  <policy_published>" +
         policy + "</policy_published>\n" +
         (records.empty()
              ? std::string(
                    "  <record>\n"
                    "    <row><source_ip>192.0.2.1</source_ip><count>3</count>\n"
                    "      <policy_evaluated><disposition>none</disposition>"
                    "<dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>\n"
                    "    <identifiers><header_from>example.com</header_from></identifiers>\n"
                    "    "
                    "<auth_results><spf><domain>example.com</domain><result>fail</result></spf></"
                    "auth_results>\n"
                    "  </record>\n")
              : records) +
         "</feedback>\n";
}

const std::string kIdentity =
    "    <report_id>123</report_id>\n"
    "    <date_range><begin>1794182400</begin><end>1794268799</end></date_range>\n";

std::string record(const std::string& row,
                   const std::string& identifiers = "<header_from>example.com</header_from>",
                   const std::string& auth = "") {
  return "  <record>\n    <row>" + row + "</row>\n    <identifiers>" + identifiers +
         "</identifiers>\n    <auth_results>" + auth + "</auth_results>\n  </record>\n";
}

std::string error_of(const std::string& xml) {
  auto result = parse_report(xml);
  REQUIRE_FALSE(result.ok());
  return result.error().to_string();
}

}  // namespace

TEST_CASE("parse: a plain RFC 7489 report") {
  auto report = parse_report(report_xml(kIdentity));
  REQUIRE(report.ok());
  CHECK(report->org_name == "google.com");
  CHECK(report->reporter() == "google.com");
  CHECK(report->report_id == "123");
  CHECK(report->begin == 1794182400);
  CHECK(report->end == 1794268799);
  CHECK(report->policy.domain == "example.com");
  CHECK(report->policy.p == "none");
  CHECK(report->policy.sp.empty());  // absent stays absent: no default invented
  CHECK_FALSE(report->policy.pct.has_value());
  REQUIRE(report->records.size() == 1);
  CHECK(report->records[0].source_ip == "192.0.2.1");
  CHECK(report->records[0].count == 3);
  CHECK(report->records[0].dkim == "pass");
  CHECK(report->records[0].spf == "fail");
  REQUIRE(report->records[0].spf_results.size() == 1);
  CHECK(report->records[0].spf_results[0].scope.empty());
  CHECK(report->warnings.empty());
  CHECK(report->message_count() == 3);
}

TEST_CASE("parse: each missing piece of report identity is rejected naming element and line") {
  struct Case {
    std::string xml;
    std::string error;
  };
  const Case cases[] = {
      {"<feedback>\n<policy_published><domain>a.com</domain></policy_published></feedback>",
       "line 1: <feedback> has no <report_metadata>"},
      {report_xml("    <date_range><begin>1</begin><end>2</end></date_range>\n"),
       "line 3: <report_metadata> has no <report_id>"},
      {report_xml("    <report_id>1</report_id>\n"),
       "line 3: <report_metadata> has no <date_range>"},
      {report_xml("    <report_id>1</report_id>\n    <date_range><end>2</end></date_range>\n"),
       "line 7: <date_range> has no <begin>"},
      {report_xml("    <report_id>1</report_id>\n    <date_range><begin>1</begin></date_range>\n"),
       "line 7: <date_range> has no <end>"},
      {report_xml("    <report_id>1</report_id>\n    "
                  "<date_range><begin>soon</begin><end>2</end></date_range>\n"),
       "line 7: <begin> 'soon' is not a timestamp"},
      {report_xml("    <report_id>1</report_id>\n    "
                  "<date_range><begin></begin><end>2</end></date_range>\n"),
       "line 7: <begin> '' is empty"},
      {report_xml("    <report_id>1</report_id>\n    "
                  "<date_range><begin>-5</begin><end>2</end></date_range>\n"),
       "line 7: <begin> '-5' is not a timestamp"},
      {report_xml("    <report_id>1</report_id>\n    "
                  "<date_range><begin>1</begin><end>32503680000</end></date_range>\n"),
       "line 7: <end> '32503680000' is after the year 2100"},
      {report_xml("    <report_id>1</report_id>\n    "
                  "<date_range><begin>1700000000</begin><end>1800000000</end></date_range>\n"),
       "line 7: <date_range> spans 1159 days (more than 366)"},
      {report_xml(kIdentity, "", "<p>none</p>"), "line 9: <policy_published> has no <domain>"},
      {"<feedback>\n<report_metadata><report_id>1</report_id></report_metadata></feedback>",
       "line 2: <report_metadata> has no <org_name>"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.xml);
    CHECK(error_of(c.xml) == c.error);
  }
  std::string no_policy = report_xml(kIdentity);
  no_policy.erase(
      no_policy.find("  <policy_published>"),
      no_policy.find("</policy_published>\n") + 20 - no_policy.find("  <policy_published>"));
  CHECK(error_of(no_policy) == "line 2: <feedback> has no <policy_published>");
}

TEST_CASE("parse: not XML, malformed XML and other roots are rejected") {
  auto empty = parse_report("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code() == ErrorCode::kNotReport);
  CHECK(empty.error().to_string() == "not an XML document (no root element)");
  CHECK(error_of("unused") == "not an XML document (no root element)");
  std::string truncated = report_xml(kIdentity);
  truncated.resize(truncated.size() / 2);
  CHECK(error_of(truncated).find("malformed XML: ") != std::string::npos);
  CHECK(error_of("<feedback>\n<b>\n<email><bad@x></email></b></feedback>") ==
        "line 3: malformed XML: Error parsing start element tag");
  // Broken XML that is not even a broken report: some other kind of document.
  auto html = parse_report("<html>\n<body><p>unclosed</body></html>");
  REQUIRE_FALSE(html.ok());
  CHECK(html.error().code() == ErrorCode::kNotReport);
  CHECK(html.error().to_string() == "not a DMARC aggregate report (root element <html>)");
  auto svg = parse_report("<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  REQUIRE_FALSE(svg.ok());
  CHECK(svg.error().code() == ErrorCode::kNotReport);
  CHECK(error_of("<html><body/></html>") ==
        "not a DMARC aggregate report (root element <html>, expected <feedback>)");
}

TEST_CASE("parse: bad records are dropped with a warning, the rest is kept") {
  const std::string evaluated =
      "<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></"
      "policy_evaluated>";
  const std::string good = record("<source_ip>192.0.2.9</source_ip><count>7</count>" + evaluated);
  const std::string records =
      good + record("<source_ip>X.X.X.X</source_ip><count>1</count>") +
      record("<source_ip></source_ip><count>0</count>") + record("<count>1</count>") +
      record("<source_ip>192.0.2.1</source_ip><count>abc</count>") +
      record("<source_ip>192.0.2.1</source_ip><count>-4</count>") +
      record("<source_ip>192.0.2.1</source_ip><count>99999999999999999999</count>") +
      record("<source_ip>192.0.2.1</source_ip>") +
      record("<source_ip>192.0.2.1</source_ip><count>1</count>" + evaluated, "") +
      "  <record><identifiers><header_from>a.com</header_from></identifiers></record>\n";
  auto report = parse_report(report_xml(kIdentity, records));
  REQUIRE(report.ok());
  REQUIRE(report->records.size() == 1);
  CHECK(report->records[0].count == 7);
  CHECK(report->dropped_records == 9);
  REQUIRE(report->warnings.size() == 9);
  CHECK(report->warnings[0] ==
        "record 2 (line 15): <source_ip> 'X.X.X.X' is not an IP address; record dropped");
  CHECK(report->warnings[1] == "record 3 (line 20): empty <source_ip>; record dropped");
  CHECK(report->warnings[2] == "record 4 (line 25): no <source_ip>; record dropped");
  CHECK(report->warnings[3] ==
        "record 5 (line 30): <count> 'abc' is not a non-negative number; record dropped");
  CHECK(report->warnings[4] ==
        "record 6 (line 35): <count> '-4' is not a non-negative number; record dropped");
  CHECK(report->warnings[5] ==
        "record 7 (line 40): <count> '99999999999999999999' is out of range; record dropped");
  CHECK(report->warnings[6] == "record 8 (line 45): no <count>; record dropped");
  CHECK(report->warnings[7] == "record 9 (line 50): no <header_from>; record dropped");
  CHECK(report->warnings[8] == "record 10 (line 55): no <row>; record dropped");
}

TEST_CASE("parse: large counts are kept exactly, implausible ones dropped") {
  auto report = parse_report(report_xml(
      kIdentity, record("<source_ip>192.0.2.1</source_ip><count>10000000000</count>") +
                     record("<source_ip>192.0.2.2</source_ip><count>0</count>") +
                     record("<source_ip>192.0.2.3</source_ip><count>9223372036854775807</count>")));
  REQUIRE(report.ok());
  REQUIRE(report->records.size() == 2);
  CHECK(report->records[0].count == 10000000000LL);
  CHECK(report->records[1].count == 0);
  CHECK(report->message_count() == 10000000000LL);
  CHECK(report->dropped_records == 1);
  CHECK(report->warnings.back() ==
        "record 3 (line 20): <count> 9223372036854775807 is implausibly large (over "
        "10000000000); record dropped");
}

TEST_CASE("parse: RFC 9990 with namespace, any order, every optional field") {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">\n"
      "  <version>1.0</version>\n"
      "  <report_metadata>\n"
      "    <date_range><begin> 1794182400 </begin><end>1794268799</end></date_range>\n"
      "    <org_name>GMX</org_name><email>noreply-dmarc@sicher.gmx.net</email>\n"
      "    <extra_contact_info lang=\"en\">https://gmx.net</extra_contact_info>\n"
      "    <report_id>&lt;abc@gmx.net&gt;</report_id>\n"
      "    <error>first</error><error>second</error>\n"
      "    <generator>GMX DMARC 2.1</generator>\n"
      "  </report_metadata>\n"
      "  <policy_published><testing>N</testing><domain>Example.NET.</domain><adkim>r</adkim>\n"
      "    <aspf>S</aspf><p>Reject</p><sp>quarantine</sp><np>reject</np><fo>1</fo>\n"
      "    <discovery_method>psl</discovery_method></policy_published>\n"
      "  <extension><x:foo xmlns:x=\"urn:x\">ignored</x:foo></extension>\n"
      "  <record>\n"
      "    <auth_results>\n"
      "      <spf><result>SoftFail</result><domain>bounce.example.net</domain><scope>MFrom</scope>"
      "<human_result>h</human_result></spf>\n"
      "      "
      "<dkim><result>Pass</result><selector>Sel1</selector><domain>example.net</domain></dkim>\n"
      "      <dkim><domain>other.example</domain><selector>s2</selector><result>hardfail</result>"
      "<human_result>bad sig</human_result></dkim>\n"
      "    </auth_results>\n"
      "    "
      "<identifiers><envelope_to>rcpt.example</envelope_to><header_from>EXAMPLE.net</header_from>"
      "<envelope_from>bounce.example.net</envelope_from></identifiers>\n"
      "    <row><policy_evaluated><spf>fail</spf><dkim>pass</dkim><disposition>pass</disposition>"
      "<reason><type>policy_test_mode</type><comment lang=\"en\">t=y</comment></reason>"
      "<reason><type>Local_Policy</type><comment>arc=pass</comment></reason></policy_evaluated>"
      "<count>12</count><source_ip>2001:DB8::0:1</source_ip></row>\n"
      "    <x:ext xmlns:x=\"urn:x\">ignored</x:ext>\n"
      "  </record>\n"
      "</feedback>\n";
  auto report = parse_report(xml);
  REQUIRE(report.ok());
  CHECK(report->xml_namespace == "urn:ietf:params:xml:ns:dmarc-2.0");
  CHECK(report->version == "1.0");
  CHECK(report->report_id == "<abc@gmx.net>");
  CHECK(report->begin == 1794182400);
  CHECK(report->errors == std::vector<std::string>{"first", "second"});
  CHECK(report->generator == "GMX DMARC 2.1");
  CHECK(report->extra_contact_info == "https://gmx.net");
  CHECK(report->policy.domain == "example.net");
  CHECK(report->policy.aspf == "s");
  CHECK(report->policy.p == "reject");
  CHECK(report->policy.np == "reject");
  CHECK(report->policy.testing == "n");
  CHECK(report->policy.discovery_method == "psl");
  REQUIRE(report->records.size() == 1);
  const auto& r = report->records[0];
  CHECK(r.source_ip == "2001:db8::1");
  CHECK(r.count == 12);
  CHECK(r.disposition == "pass");
  REQUIRE(r.reasons.size() == 2);
  CHECK(r.reasons[0].type == "policy_test_mode");
  CHECK(r.reasons[1].type == "local_policy");
  CHECK(r.reasons[1].comment == "arc=pass");
  CHECK(r.header_from == "example.net");
  CHECK(r.envelope_to == "rcpt.example");
  REQUIRE(r.dkim_results.size() == 2);
  CHECK(r.dkim_results[0].selector == "sel1");
  CHECK(r.dkim_results[0].result == "pass");
  CHECK(r.dkim_results[1].result == "fail");  // hardfail mapped
  CHECK(r.dkim_results[1].human_result == "bad sig");
  REQUIRE(r.spf_results.size() == 1);
  CHECK(r.spf_results[0].result == "softfail");
  CHECK(r.spf_results[0].scope == "mfrom");
  CHECK(r.spf_results[0].human_result == "h");
  CHECK(report->warnings.empty());
}

TEST_CASE("parse: namespace prefixes and unused declarations") {
  const std::string xml =
      "<d:feedback xmlns:d=\"urn:ietf:params:xml:ns:dmarc-2.0\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"x y\">"
      "<d:report_metadata><d:org_name>Outlook.com</d:org_name><d:report_id>9</d:report_id>"
      "<d:date_range><d:begin>1794182400</d:begin><d:end>1794268800</d:end></d:date_range>"
      "</d:report_metadata><d:policy_published><d:domain>example.com</d:domain></"
      "d:policy_published>"
      "<d:record><d:row><d:source_ip>::ffff:198.51.100.7</d:source_ip><d:count>2</d:count></d:row>"
      "<d:identities><d:header_from>example.com</d:header_from></d:identities></d:record>"
      "</d:feedback>";
  auto report = parse_report(xml);
  REQUIRE(report.ok());
  CHECK(report->xml_namespace == "urn:ietf:params:xml:ns:dmarc-2.0");
  CHECK(report->reporter() == "outlook.com");
  REQUIRE(report->records.size() == 1);
  CHECK(report->records[0].source_ip == "198.51.100.7");
  CHECK(report->warnings == std::vector<std::string>{"record 1 (line 1): no <policy_evaluated>"});
}

TEST_CASE("parse: element names match by local name in any case; near misses do not") {
  // Names a matcher comparing exact spellings first could get wrong: prefixes of the
  // wanted name, longer names, several colons, an empty local name, mixed case.
  const std::string records =
      "<record><Row><source_i>10.0.0.9</source_i><source_ipx>10.0.0.8</source_ipx>"
      "<X:SOURCE_IP>192.0.2.7</X:SOURCE_IP><source_ip>192.0.2.8</source_ip>"
      "<a:b:Count>4</a:b:Count><count>5</count><policy_evaluated><DISPOSITION>reject</DISPOSITION>"
      "<dkim:>fail</dkim:><Dkim>pass</Dkim><spf>fail</spf><reasonx>other</reasonx>"
      "<R:Reason>forwarded</R:Reason></policy_evaluated></Row>"
      "<identifiers><header_fromx>bad.example</header_fromx><Header_From>Example.COM</Header_From>"
      "<header_from>other.example</header_from></identifiers>"
      "<auth_results><DKIM><DOMAIN>d.example</DOMAIN><result>pass</result></DKIM>"
      "<dkimx><domain>x.example</domain></dkimx><p:spf><domain>s.example</domain></p:spf>"
      "<sp><domain>t.example</domain></sp></auth_results></record>\n";
  auto report = parse_report(report_xml(kIdentity, records));
  REQUIRE(report.ok());
  REQUIRE(report->records.size() == 1);
  const auto& r = report->records[0];
  CHECK(r.source_ip == "192.0.2.7");
  CHECK(r.count == 4);
  CHECK(r.disposition == "reject");
  CHECK(r.dkim == "pass");
  CHECK(r.spf == "fail");
  REQUIRE(r.reasons.size() == 1);
  CHECK(r.reasons[0].type == "forwarded");
  CHECK(r.header_from == "example.com");
  REQUIRE(r.dkim_results.size() == 1);
  CHECK(r.dkim_results[0].domain == "d.example");
  REQUIRE(r.spf_results.size() == 1);
  CHECK(r.spf_results[0].domain == "s.example");
  CHECK(report->warnings.empty());
}

TEST_CASE("parse: legacy words, padded values, bare reasons, unknown words") {
  const std::string records = record(
      "<source_ip> 192.0.2.1 </source_ip><count> 5 </count><policy_evaluated>"
      "<disposition> softfail</disposition><dkim>FAIL</dkim><spf>Pass </spf>"
      "<reason>sampled_out</reason></policy_evaluated>",
      "<header_from> Example.COM. </header_from>",
      "<spf><domain>example.com</domain><scope>HELO</scope><result>unknown</result></spf>"
      "<spf><domain>example.com</domain><result>error</result></spf>");
  auto report = parse_report(report_xml(kIdentity, records));
  REQUIRE(report.ok());
  const auto& r = report->records.at(0);
  CHECK(r.count == 5);
  CHECK(r.disposition == "softfail");
  CHECK(r.dkim == "fail");
  CHECK(r.spf == "pass");
  REQUIRE(r.reasons.size() == 1);
  CHECK(r.reasons[0].type == "sampled_out");
  CHECK(r.header_from == "example.com");
  CHECK(r.spf_results.at(0).scope == "helo");
  CHECK(r.spf_results.at(0).result == "temperror");
  CHECK(r.spf_results.at(1).result == "permerror");
  CHECK(report->warnings == std::vector<std::string>{
                                "record 1 (line 10): unknown <disposition> 'softfail' kept as is"});
}

TEST_CASE("parse: timestamps in milliseconds, with fractions, as ISO strings, reversed") {
  auto with_range = [](const std::string& begin, const std::string& end) {
    return parse_report(report_xml("    <report_id>1</report_id>\n    <date_range><begin>" + begin +
                                   "</begin><end>" + end + "</end></date_range>\n"));
  };
  auto ms = with_range("1794182400000", "1794268799000");
  REQUIRE(ms.ok());
  CHECK(ms->begin == 1794182400);
  CHECK(ms->end == 1794268799);
  CHECK(ms->warnings.size() == 2);
  auto fraction = with_range("1794182400.75", "1794268799.0");
  REQUIRE(fraction.ok());
  CHECK(fraction->begin == 1794182400);
  auto iso = with_range("2026-11-09T00:00:00Z", "2026-11-09T23:59:59Z");
  REQUIRE(iso.ok());
  CHECK(iso->begin == 1794182400);
  CHECK(iso->end == 1794268799);
  auto reversed = with_range("1794268799", "1794182400");
  REQUIRE(reversed.ok());
  CHECK(reversed->begin == 1794182400);
  CHECK(reversed->warnings ==
        std::vector<std::string>{"<date_range> ends before it begins; begin and end swapped"});
}

TEST_CASE("parse: several policy_published, empty org_name, trailing garbage") {
  std::string xml = report_xml(kIdentity, "",
                               "<domain>a.example</domain></policy_published>"
                               "<policy_published><domain>b.example</domain>");
  auto report = parse_report(xml + "trailing garbage <feedback/>\r\n");
  REQUIRE(report.ok());
  CHECK(report->policy.domain == "a.example");
  CHECK(report->warnings.at(0) == "2 <policy_published> elements; the first (line 9) is used");

  std::string no_org = report_xml(kIdentity);
  no_org.replace(no_org.find("google.com</org_name>"), 10, "");
  auto fallback = parse_report(no_org);
  REQUIRE(fallback.ok());
  CHECK(fallback->org_name == "google.com");
  CHECK(fallback->warnings.at(0) == "empty <org_name>; the email's domain 'google.com' is used");
}

TEST_CASE("parse: a document whose tree would overspend the budget is refused before it is built") {
  // `<a/>x` is an element and a text node in 5 bytes: 129 bytes of tree each, so a
  // million of them (5 MB) would take 258 MB.
  std::string flood = "<feedback>";
  flood.reserve(5'000'021);
  for (int i = 0; i < 1'000'000; ++i) flood += "<a/>x";
  flood += "</feedback>";
  auto result = parse_report(flood);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kLimit);
  CHECK(result.error().to_string() ==
        "a document of 5000021 bytes with 2000001 XML nodes and 0 attributes would take more "
        "than the parse budget of 80 MiB (2.5 times the document size limit)");

  // Attributes are counted too: they are not tags, and cost 40 bytes each.
  std::string attributes = "<feedback><a";
  for (int i = 0; i < 100; ++i) attributes += " a" + std::to_string(i) + "=''";
  attributes += "/></feedback>";
  auto small = parse_report(attributes, 0, dmarcq::report::ParseLimits{4000});
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().to_string().find("with 2 XML nodes and 100 attributes") != std::string::npos);
}

namespace {

// 200 records whose header_from values are 216 bytes long (heap strings): a report
// whose model is large next to its tree.
std::string long_values_report() {
  std::string records;
  for (int i = 0; i < 200; ++i) {
    records += record(
        "<source_ip>192.0.2.1</source_ip><count>1</count>",
        "<header_from>" + std::string(200, 'a') + std::to_string(i) + ".example.com</header_from>");
  }
  return report_xml(kIdentity, records);
}

}  // namespace

TEST_CASE("parse: the reports built count against the budget too") {
  // Long values (heap strings) in many records: the tree is small next to the model.
  const std::string xml = long_values_report();
  bool saw_records_refused = false;
  std::uint64_t budget = xml.size();
  for (;; budget += 1024) {
    auto result = parse_report(xml, 0, dmarcq::report::ParseLimits{budget});
    if (result.ok()) break;
    REQUIRE(result.error().code() == ErrorCode::kLimit);
    if (result.error().message().find("the report's records (at record ") != std::string::npos) {
      saw_records_refused = true;
    }
  }
  CHECK(saw_records_refused);
  // 200 header_from values of 216 bytes each are held by the model: the budget that
  // suffices covers them.
  CHECK(budget > xml.size() + 200 * 216);
  CHECK(dmarcq::report::ParseLimits::for_document_limit(32ull << 20).max_parse_bytes == 80ull
                                                                                            << 20);
}

TEST_CASE("parse: a tree charged at its bound is refunded when the reports need the room") {
  // A small document's tree is not counted up front but charged at its bound (one
  // node per byte, 65 bytes each). A budget just above text + bound leaves the model
  // almost nothing; the reports still fit once the exact tree is counted, so they
  // must be accepted exactly as when the tree was counted first.
  const std::string xml = long_values_report();
  const std::uint64_t bound = 65 * xml.size();
  auto tight = parse_report(xml, 0, dmarcq::report::ParseLimits{xml.size() + bound + 1024});
  REQUIRE(tight.ok());
  CHECK(tight->records.size() == 200);
  // Below text + bound the tree is counted first: the same document, same outcome.
  auto counted = parse_report(xml, 0, dmarcq::report::ParseLimits{xml.size() + bound / 2});
  REQUIRE(counted.ok());
  CHECK(counted->records.size() == 200);
}

TEST_CASE("parse: every report of a buffer comes from one parse") {
  const std::string one = report_xml(kIdentity);
  auto reports =
      dmarcq::report::parse_reports(one + one.substr(one.find("<feedback>")) + "<feedback/>");
  REQUIRE(reports.ok());
  REQUIRE(reports->size() == 3);
  CHECK((*reports)[0].ok());
  CHECK((*reports)[1].ok());
  REQUIRE_FALSE((*reports)[2].ok());
  CHECK((*reports)[2].error().to_string() == "line 32: <feedback> has no <report_metadata>");
  CHECK((*reports)[1]->feedback_count == 3);
}

TEST_CASE("parse: warnings are capped, with the number left out") {
  std::string records;
  for (int i = 0; i < 150; ++i) records += record("<source_ip>bad</source_ip><count>1</count>");
  auto report = parse_report(report_xml(kIdentity, records));
  REQUIRE(report.ok());
  CHECK(report->dropped_records == 150);
  REQUIRE(report->warnings.size() == 101);
  CHECK(report->warnings.back() == "50 further warnings suppressed");
}

TEST_CASE("parse: DTD entities are never expanded") {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE feedback [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
      "\"&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" +
      report_xml(
          "    <report_id>&b;&xxe;</report_id>\n"
          "    <date_range><begin>1794182400</begin><end>1794268799</end></date_range>\n")
          .substr(22);
  auto report = parse_report(xml);
  REQUIRE(report.ok());
  CHECK(report->report_id == "&b;&xxe;");
}

// pugixml decodes &#0; into a NUL and its strings end there: "abc&#0;def" would have
// been read as "abc" without a word.
TEST_CASE(
    "parse: a character reference to U+0000 makes the document malformed, outside comments and "
    "CDATA") {
  const std::string in_text = report_xml(
      "    <report_id>abc&#0;def</report_id>\n"
      "    <date_range><begin>1794182400</begin><end>1794268799</end></date_range>\n");
  auto result = parse_report(in_text);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code() == ErrorCode::kCorrupt);
  CHECK(result.error().to_string() ==
        "line 6: malformed XML: a character reference to U+0000 (&#0;), which XML does not allow");
  std::string in_attribute = report_xml(kIdentity);
  in_attribute.replace(in_attribute.find("<feedback>"), 10, "<feedback a=\"x&#x0000;y\">");
  CHECK(error_of(in_attribute) ==
        "line 2: malformed XML: a character reference to U+0000 (&#0;), which XML does not allow");

  // Only text there: parsed as usual.
  std::string in_comment = report_xml(kIdentity);
  in_comment.replace(in_comment.find("<feedback>"), 10,
                     "<feedback><!-- &#0; --><x><![CDATA[&#0;]]></x>");
  auto commented = parse_report(in_comment);
  REQUIRE(commented.ok());
  CHECK(commented->report_id == "123");
  // Other references, zeros first included, are characters like any.
  auto newline = parse_report(
      report_xml("    <report_id>a&#0010;b&#x0;&#10;</report_id>\n"
                 "    <date_range><begin>1794182400</begin><end>1794268799</end></date_range>\n"));
  REQUIRE_FALSE(newline.ok());  // &#x0; is still U+0000
  auto fine = parse_report(
      report_xml("    <report_id>a&#0010;b&#48;</report_id>\n"
                 "    <date_range><begin>1794182400</begin><end>1794268799</end></date_range>\n"));
  REQUIRE(fine.ok());
  CHECK(fine->report_id.find("b0") != std::string::npos);
}
