#include "core/ip.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>

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
  // A NUL inside is not the end of the text: what follows it makes it no address.
  for (const std::string& with_nul :
       {std::string("192.0.2.1\0junk", 14), std::string("192.0.2.1\0", 10),
        std::string("2001:db8::1\0x", 13),
        std::string("\0"
                    "192.0.2.1",
                    10)}) {
    CAPTURE(with_nul.size());
    CHECK_FALSE(canonical_ip(with_nul).has_value());
  }
}

TEST_CASE("ip: every IPv4 byte value is written as inet_ntop writes it") {
  for (unsigned value = 0; value < 256; ++value) {
    const std::string a = std::to_string(value);
    const std::string quad =
        a + "." + std::to_string(255 - value) + "." + a + "." + std::to_string(value / 2);
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

namespace {

// canonical_ip takes a shortcut for IPv4 already in canonical form; it must agree
// with inet_pton and back on everything, whether or not the shortcut is taken.
void check_shortcut_agrees(const std::string& input) {
  CAPTURE(input);
  const auto fast = canonical_ip(input);
  const auto general = dmarcq::core::canonical_ip_without_shortcut(input);
  REQUIRE(fast.has_value() == general.has_value());
  if (!fast) return;
  CHECK(fast->text == general->text);
  CHECK(fast->is_v6 == general->is_v6);
  CHECK(fast->had_zone == general->had_zone);
}

}  // namespace

TEST_CASE("ip: the canonical IPv4 shortcut agrees with inet_pton and back") {
  const std::string tricky[] = {
      "0.0.0.0",
      "255.255.255.255",
      "256.0.0.0",
      "255.255.255.256",
      "199.299.1.1",
      "249.1.1.1",
      "250.1.1.1",
      "260.1.1.1",
      "300.1.1.1",
      "999.1.1.1",
      "1.2.3.1000",
      "01.2.3.4",
      "1.02.3.4",
      "1.2.3.00",
      "00.0.0.0",
      "0.0.0.010",
      "1.2.3",
      "1.2.3.4.5",
      "1..3.4",
      ".1.2.3",
      "1.2.3.",
      "1.2.3.4 ",
      " 1.2.3.4",
      "\t1.2.3.4\n",
      "\v1.2.3.4",
      "[1.2.3.4]",
      "[1.2.3.4",
      "1.2.3.4]",
      "1.2.3.4%eth0",
      "[1.2.3.4%x]",
      "1.2.3.-4",
      "+1.2.3.4",
      "1.2.3.4x",
      "1.2.3.4/24",
      "1.2.3.0x4",
      "0x1.2.3.4",
      "1.2.3.4e0",
      "::ffff:1.2.3.4",
      "::FFFF:1.2.3.4",
      "::ffff:01.2.3.4",
      "::1.2.3.4",
      "[::ffff:1.2.3.4]",
      "1.2.3.4:25",
      "1 .2.3.4",
      "\xEF\xBC\x91.2.3.4",
      "1.2.3.4\xC2\xA0",
      "",
      " ",
      "[]",
      "%",
      std::string("1.2.3.4\0", 8),
      std::string("1.2.3.4\0x", 9),
      std::string("1.2\0.3.4", 8),
      "2001:db8::1",
      "::",
      "::1",
  };
  for (const std::string& input : tricky) check_shortcut_agrees(input);

  // Every octet value up to 999 with up to two leading zeros, in each position.
  for (int value = 0; value < 1000; ++value) {
    for (const std::string zeros : {"", "0", "00"}) {
      const std::string octet = zeros + std::to_string(value);
      check_shortcut_agrees(octet + ".1.2.3");
      check_shortcut_agrees("1." + octet + ".2.3");
      check_shortcut_agrees("1.2." + octet + ".3");
      check_shortcut_agrees("1.2.3." + octet);
    }
  }

  // Random strings over the characters dotted quads are made of, and their neighbours.
  constexpr char kAlphabet[] = "0123456789....: []%x";
  std::mt19937 rng(20250103);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
  std::uniform_int_distribution<std::size_t> length(0, 17);
  for (int round = 0; round < 20000; ++round) {
    std::string input(length(rng), '0');
    for (char& c : input) c = kAlphabet[pick(rng)];
    check_shortcut_agrees(input);
  }
}

TEST_CASE("ip: IPv6 is written as inet_ntop writes it, for every pattern of zero words") {
  // Each of the 256 patterns of zero and non-zero words, with non-zero words of one to
  // four digits, and the words that select special forms (ffff, 1) where they matter.
  const std::uint16_t values[] = {0x1, 0xab, 0xfff, 0xffff, 0x1000, 0xa0b};
  std::mt19937 rng(20250104);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(values) - 1);
  for (unsigned pattern = 0; pattern < 256; ++pattern) {
    for (int round = 0; round < 12; ++round) {
      in6_addr address{};
      std::string full;
      for (int word = 0; word < 8; ++word) {
        const std::uint16_t value = (pattern >> word & 1) != 0 ? values[pick(rng)] : 0;
        address.s6_addr[2 * word] = static_cast<std::uint8_t>(value >> 8);
        address.s6_addr[2 * word + 1] = static_cast<std::uint8_t>(value & 0xff);
        char group[8];
        std::snprintf(group, sizeof group, "%s%04X", word == 0 ? "" : ":", value);
        full += group;
      }
      char expected[INET6_ADDRSTRLEN];
      REQUIRE(inet_ntop(AF_INET6, &address, expected, sizeof expected) != nullptr);
      CAPTURE(full);
      const auto ip = canonical_ip(full);
      REQUIRE(ip.has_value());
      if (ip->is_v6) {
        CHECK(ip->text == expected);
      } else {
        // IPv4-mapped: written as the IPv4 address, which inet_ntop ends with.
        CHECK(std::string_view(expected).substr(0, 7) == "::ffff:");
        CHECK(std::string_view(expected).substr(7) == ip->text);
      }
    }
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
