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
