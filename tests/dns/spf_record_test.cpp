// The SPF record parser against RFC 7208: the records of its examples (section 5 and
// Appendix A), the macro examples of section 7.4, and the ABNF's edges (section 12).
#include "dns/spf_record.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace dmarcq::dns {
namespace {

SpfRecord parsed(const std::string& text) {
  auto record = parse_spf_record(text);
  INFO(text);
  REQUIRE_MESSAGE(record.ok(), (record.ok() ? std::string() : record.error().to_string()));
  return std::move(*record);
}

std::string why_not(const std::string& text) {
  auto record = parse_spf_record(text);
  INFO(text);
  REQUIRE_FALSE(record.ok());
  CHECK(record.error().code() == core::ErrorCode::kInvalid);
  return record.error().to_string();
}

TEST_CASE("spf record: the version section (section 4.5)") {
  CHECK(is_spf_record("v=spf1"));
  CHECK(is_spf_record("v=spf1 -all"));
  CHECK(is_spf_record("V=SPF1 -all"));  // ABNF strings are case-insensitive
  CHECK_FALSE(is_spf_record("v=spf10 -all"));
  CHECK_FALSE(is_spf_record("v=spf1\t-all"));
  CHECK_FALSE(is_spf_record(" v=spf1"));
  CHECK_FALSE(is_spf_record("spf2.0/pra -all"));
  CHECK(parsed("v=spf1").mechanisms.empty());
  CHECK(parsed("v=spf1   -all  ").mechanisms.size() == 1);  // 1*SP between, *SP after
}

TEST_CASE("spf record: the records of RFC 7208's examples parse to their terms") {
  for (const char* text :
       {"v=spf1 +all", "v=spf1 a -all", "v=spf1 a:example.org -all", "v=spf1 mx -all",
        "v=spf1 mx:example.org -all", "v=spf1 mx mx:example.org -all", "v=spf1 mx/30 -all",
        "v=spf1 mx/30 mx:example.org/30 -all", "v=spf1 ptr -all", "v=spf1 ip4:192.0.2.128/28 -all",
        "v=spf1 include:example.com include:example.net -all", "v=spf1 redirect=example.org",
        "v=spf1 mx:example.com -all", "v=spf1 -ptr +all", "v=spf1 -mx a:mail.example.com -all",
        "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", "v=spf1 mx -all exp=explain._spf.%{d}"}) {
    (void)parsed(text);
  }
  const SpfRecord record = parsed("v=spf1 mx/30 mx:example.org/30 ~ip4:192.0.2.128/28 ?all");
  REQUIRE(record.mechanisms.size() == 4);
  CHECK(record.mechanisms[0].kind == SpfMechanismKind::kMx);
  CHECK(record.mechanisms[0].domain_spec.empty());
  CHECK(record.mechanisms[0].ip4_prefix == 30);
  CHECK(record.mechanisms[1].domain_spec == "example.org");
  CHECK(record.mechanisms[1].ip4_prefix == 30);
  CHECK(record.mechanisms[1].ip6_prefix == 128);
  CHECK(record.mechanisms[2].qualifier == SpfQualifier::kSoftFail);
  CHECK(record.mechanisms[2].network->prefix_length() == 28);
  CHECK(record.mechanisms[3].qualifier == SpfQualifier::kNeutral);
  CHECK(std::string(spf_qualifier_result(record.mechanisms[3].qualifier)) == "neutral");
  CHECK(record.mechanisms[3].text == "?all");
}

TEST_CASE("spf record: dual CIDR lengths (section 5.6)") {
  const SpfRecord record = parsed("v=spf1 a/24//64 a//96 mx:example.com//0 a:example.net/0");
  REQUIRE(record.mechanisms.size() == 4);
  CHECK(record.mechanisms[0].ip4_prefix == 24);
  CHECK(record.mechanisms[0].ip6_prefix == 64);
  CHECK(record.mechanisms[1].ip4_prefix == 32);
  CHECK(record.mechanisms[1].ip6_prefix == 96);
  CHECK(record.mechanisms[2].ip6_prefix == 0);
  CHECK(record.mechanisms[3].ip4_prefix == 0);
  for (const char* bad : {"v=spf1 a/33", "v=spf1 a//129", "v=spf1 a/024", "v=spf1 a/", "v=spf1 a//",
                          "v=spf1 a/24/64", "v=spf1 mx/-1", "v=spf1 a/2x"}) {
    (void)why_not(bad);
  }
}

TEST_CASE("spf record: ip4 and ip6 take their own family and clear host bits") {
  const SpfRecord record = parsed("v=spf1 ip4:192.0.2.1/24 ip6:2001:db8::1/32 ip4:198.51.100.7");
  REQUIRE(record.mechanisms.size() == 3);
  const auto inside = core::parse_ip("192.0.2.200");
  const auto outside = core::parse_ip("192.0.3.1");
  REQUIRE(inside);
  REQUIRE(outside);
  CHECK(record.mechanisms[0].network->contains(*inside));
  CHECK_FALSE(record.mechanisms[0].network->contains(*outside));
  CHECK(record.mechanisms[1].network->contains(*core::parse_ip("2001:db8:ffff::1")));
  CHECK(record.mechanisms[2].network->prefix_length() == 32);
  // An IPv4-mapped ip6 network keeps its length in the 128-bit space.
  const SpfRecord mapped = parsed("v=spf1 ip6:::ffff:192.0.2.0/120");
  REQUIRE(mapped.mechanisms.size() == 1);
  CHECK(mapped.mechanisms[0].network->prefix == 120);
  CHECK(mapped.mechanisms[0].network->contains(*core::parse_ip("192.0.2.77")));
  CHECK_FALSE(mapped.mechanisms[0].network->contains(*core::parse_ip("192.0.3.1")));
  CHECK(why_not("v=spf1 ip4:2001:db8::1").find("not an IPv4 address") != std::string::npos);
  CHECK(why_not("v=spf1 ip6:192.0.2.1").find("not an IPv6 address") != std::string::npos);
  (void)why_not("v=spf1 ip4:192.0.2.1/33");
  (void)why_not("v=spf1 ip6:2001:db8::/129");
  (void)why_not("v=spf1 ip4:192.0.2");
  (void)why_not("v=spf1 ip4");
  (void)why_not("v=spf1 ip4:192.0.2.1/");
}

TEST_CASE("spf record: macros (section 7)") {
  std::string why;
  // Section 7.4's examples.
  for (const char* macro : {"%{s}",
                            "%{o}",
                            "%{d}",
                            "%{d4}",
                            "%{d3}",
                            "%{d2}",
                            "%{d1}",
                            "%{dr}",
                            "%{d2r}",
                            "%{l}",
                            "%{l-}",
                            "%{lr}",
                            "%{lr-}",
                            "%{l1r-}",
                            "%{ir}.%{v}._spf.%{d2}",
                            "%{lr-}.lp._spf.%{d2}",
                            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                            "%{d2}.trusted-domains.example.net",
                            "%%%_%-",
                            "%{I}%{H}"}) {
    INFO(macro);
    CHECK(valid_macro_string(macro, false, &why));
  }
  // c, r and t are for the explanation text only.
  CHECK(valid_macro_string("%{c} %{r} %{t}", true, &why));
  CHECK_FALSE(valid_macro_string("%{c}", false, &why));
  CHECK(why.find("outside an explanation") != std::string::npos);
  for (const char* bad : {"%", "%x", "%{", "%{d", "%{z}", "%{d2x}", "%{}", "a b", "\x7f"}) {
    INFO(bad);
    CHECK_FALSE(valid_macro_string(bad, false, &why));
  }
  CHECK(valid_macro_string("%{i} is not one of %{d}'s designated mail servers.", true, &why));
  (void)why_not("v=spf1 exists:%{c}.example.com");
  // Found by fuzz_spf_record: the parser took a zero digit transformer that expansion
  // refuses; section 7.1 makes it a syntax error.
  CHECK(why_not("v=spf1 exists:%{l0r+-}._s.%{d}").find("a digit transformer of 0") !=
        std::string::npos);
  (void)why_not("v=spf1 exists:%{d00}");
  (void)parsed("v=spf1 exists:%{d10}.example.com");
  (void)why_not("v=spf1 include:%{d");
  (void)parsed("v=spf1 exists:%{i}._spf.%{d}");
}

TEST_CASE("spf record: domain-spec ends in a top-level label or a macro (section 12)") {
  for (const char* good : {"v=spf1 include:example.com", "v=spf1 include:example.com.",
                           "v=spf1 include:_spf.salesforce.com", "v=spf1 include:foo.1-2",
                           "v=spf1 include:%{d}", "v=spf1 a:%{d}.example.com/24"}) {
    (void)parsed(good);
  }
  for (const char* bad : {"v=spf1 include:com", "v=spf1 include:example.123",
                          "v=spf1 include:example.-com", "v=spf1 include:", "v=spf1 include",
                          "v=spf1 exists", "v=spf1 include:example..", "v=spf1 ptr:"}) {
    (void)why_not(bad);
  }
}

TEST_CASE("spf record: modifiers (section 6)") {
  const SpfRecord record = parsed("v=spf1 -all redirect=_spf.example.com exp=x.%{d} foo=%{d}bar");
  CHECK(record.redirect == "_spf.example.com");
  CHECK(record.exp == "x.%{d}");
  REQUIRE(record.unknown_modifiers.size() == 1);
  CHECK(record.unknown_modifiers[0] == "foo=%{d}bar");
  CHECK(why_not("v=spf1 redirect=a.example redirect=b.example").find("appears twice") !=
        std::string::npos);
  (void)why_not("v=spf1 exp=a.example EXP=b.example");
  (void)why_not("v=spf1 redirect=");
  (void)why_not("v=spf1 foo=%{z}");
  CHECK(parsed("v=spf1 REDIRECT=example.org").redirect == "example.org");
}

TEST_CASE("spf record: anything else is a permerror naming the term") {
  CHECK(why_not("v=spf1 -all foo").find("SPF term 'foo': not a mechanism") != std::string::npos);
  CHECK(why_not("v=spf1 all:example.com").find("'all' takes no argument") != std::string::npos);
  (void)why_not("v=spf1 -all\t");
  (void)why_not("v=spf1 -all\x01");
  (void)why_not("v=spf1 *all");
  (void)why_not("v=spf1 include:_spf.google.comip4:192.0.2.1");  // a split glued two terms
  (void)why_not("v=spf10");
}

TEST_CASE("spf record: which mechanisms count towards the 10 lookups (section 4.6.4)") {
  const SpfRecord record = parsed(
      "v=spf1 include:a.example a mx ptr exists:%{i}.b.example ip4:192.0.2.1 "
      "ip6:2001:db8::1 all");
  std::vector<bool> counts;
  for (const SpfMechanism& mechanism : record.mechanisms)
    counts.push_back(mechanism.counts_as_lookup());
  CHECK(counts == std::vector<bool>{true, true, true, true, true, false, false, false});
  CHECK(std::string(spf_mechanism_name(record.mechanisms[4].kind)) == "exists");
}

}  // namespace
}  // namespace dmarcq::dns
