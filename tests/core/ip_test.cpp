#include <arpa/inet.h>
#include <doctest/doctest.h>

#include "core/ip.h"

using dmarcq::core::canonical_ip;

TEST_CASE("ip: canonical forms") {
  struct Case {
    const char* input;
    const char* canonical;  // nullptr: not an address
    bool v6;
  };
  const Case cases[] = {
      {"192.0.2.1", "192.0.2.1", false},
      {" 192.0.2.1\n", "192.0.2.1", false},
      {"2001:DB8:0:0:0:0:0:1", "2001:db8::1", true},
      {"2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1", true},
      {"::ffff:192.0.2.1", "192.0.2.1", false},
      {"::FFFF:c000:0201", "192.0.2.1", false},
      {"[2001:db8::2]", "2001:db8::2", true},
      {"fe80::1%eth0", "fe80::1", true},
      {"X.X.X.X", nullptr, false},
      {"", nullptr, false},
      {"256.1.1.1", nullptr, false},
      {"192.0.2.1%eth0", nullptr, false},
      {"2001:db8::1::2", nullptr, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    auto ip = canonical_ip(c.input);
    if (c.canonical == nullptr) {
      CHECK_FALSE(ip.has_value());
    } else {
      REQUIRE(ip.has_value());
      CHECK(ip->text == c.canonical);
      CHECK(ip->is_v6 == c.v6);
    }
  }
  CHECK(canonical_ip("fe80::1%eth0")->had_zone);
}

TEST_CASE("ip: every IPv4 byte value is written as inet_ntop writes it") {
  for (unsigned value = 0; value < 256; ++value) {
    const std::string a = std::to_string(value);
    const std::string quad = a + "." + std::to_string(255 - value) + "." + a + "." + std::to_string(value / 2);
    in_addr address{};
    REQUIRE(inet_pton(AF_INET, quad.c_str(), &address) == 1);
    char expected[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &address, expected, sizeof expected);
    auto plain = canonical_ip(quad);
    REQUIRE(plain.has_value());
    CHECK(plain->text == expected);
    auto mapped = canonical_ip("::ffff:" + quad);
    REQUIRE(mapped.has_value());
    CHECK(mapped->text == expected);
  }
}

TEST_CASE("ip: networks, strict host bits, and containment across families") {
  using dmarcq::core::parse_ip;
  using dmarcq::core::parse_network;
  std::string why;
  auto sf = parse_network("13.110.0.0/16", &why);
  REQUIRE(sf.has_value());
  CHECK(sf->prefix_length() == 16);
  CHECK(sf->contains(*parse_ip("13.110.74.200")));
  CHECK(sf->contains(*parse_ip("::ffff:13.110.1.1")));
  CHECK_FALSE(sf->contains(*parse_ip("13.111.0.1")));
  CHECK_FALSE(sf->contains(*parse_ip("2001:db8::1")));
  auto v6 = parse_network("2a01:111:f400::/48", &why);
  REQUIRE(v6.has_value());
  CHECK(v6->contains(*parse_ip("2a01:111:f400:7e00::1")));
  CHECK_FALSE(v6->contains(*parse_ip("2a01:111:f401::1")));
  auto host = parse_network("192.0.2.7/32", &why);
  REQUIRE(host.has_value());
  CHECK(host->contains(*parse_ip("192.0.2.7")));
  CHECK_FALSE(host->contains(*parse_ip("192.0.2.8")));
  CHECK(parse_network("0.0.0.0/0", &why)->contains(*parse_ip("203.0.113.1")));

  CHECK_FALSE(parse_network("13.110.74.200/16", &why).has_value());
  CHECK(why == "host bits set");
  CHECK_FALSE(parse_network("13.110.0.0/33", &why).has_value());
  CHECK(why == "prefix length out of range");
  CHECK_FALSE(parse_network("13.110.0.0", &why).has_value());
  CHECK(why == "no /prefix");
  CHECK_FALSE(parse_network("mail.example/24", &why).has_value());
  CHECK_FALSE(parse_network("10.0.0.0/x", &why).has_value());
}
