// SPF macro expansion against the examples of RFC 7208 section 7.4, and its edges.
#include "dns/spf_macro.h"

#include <doctest/doctest.h>

#include <string>

namespace dmarcq::dns {
namespace {

SpfMacroContext rfc_context(const char* ip) {
  SpfMacroContext context;
  context.sender = "strong-bad@email.example.com";
  context.domain = "email.example.com";
  context.ip = ip;
  context.helo = "mx.example.org";
  context.receiver = "mx.example.net";
  context.timestamp = 1795305600;
  return context;
}

std::string expanded(const std::string& text, const SpfMacroContext& context, bool in_exp = false) {
  auto out = expand_spf_macros(text, context, in_exp);
  INFO(text);
  REQUIRE_MESSAGE(out.ok(), (out.ok() ? std::string() : out.error().to_string()));
  return *out;
}

TEST_CASE("spf macros: the examples of RFC 7208 section 7.4") {
  const SpfMacroContext v4 = rfc_context("192.0.2.3");
  const struct {
    const char* macro;
    const char* expansion;
  } cases[] = {
      {"%{s}", "strong-bad@email.example.com"},
      {"%{o}", "email.example.com"},
      {"%{d}", "email.example.com"},
      {"%{d4}", "email.example.com"},
      {"%{d3}", "email.example.com"},
      {"%{d2}", "example.com"},
      {"%{d1}", "com"},
      {"%{dr}", "com.example.email"},
      {"%{d2r}", "example.email"},
      {"%{l}", "strong-bad"},
      {"%{l-}", "strong.bad"},
      {"%{lr}", "strong-bad"},
      {"%{lr-}", "bad.strong"},
      {"%{l1r-}", "strong"},
      {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
      {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
      {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
      {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
      {"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
  };
  for (const auto& c : cases) CHECK(expanded(c.macro, v4) == c.expansion);
  CHECK(expanded("%{ir}.%{v}._spf.%{d2}", rfc_context("2001:db8::cb01")) ==
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
}

TEST_CASE("spf macros: escapes, upper case, explanation letters, the sender's parts") {
  SpfMacroContext context = rfc_context("192.0.2.3");
  CHECK(expanded("100%% %_%-", context) == "100%  %20");
  // An upper-case letter URL-escapes its value (section 7.3).
  CHECK(expanded("%{S}", context) == "strong-bad%40email.example.com");
  CHECK(expanded("%{c} %{r} %{t} %{h} %{p}", context, true) ==
        "192.0.2.3 mx.example.net 1795305600 mx.example.org unknown");
  CHECK(expanded("%{c}", rfc_context("2001:DB8:0::CB01"), true) == "2001:db8::cb01");
  CHECK_FALSE(expand_spf_macros("%{c}", context, false).ok());
  // A sender without a local part is postmaster's (section 4.3).
  context.sender = "example.org";
  CHECK(expanded("%{l}@%{o}", context) == "postmaster@example.org");
  // More parts asked for than there are: all of them.
  CHECK(expanded("%{d9}", context) == "email.example.com");
  CHECK(expanded("%{d99999999999999999999}", context) == "email.example.com");
}

TEST_CASE("spf macros: malformed macros are permerrors") {
  const SpfMacroContext context = rfc_context("192.0.2.3");
  for (const char* bad : {"%", "%x", "%{", "%{d", "%{z}", "%{d0}", "%{d2x}", "%{}", "%{d2r"}) {
    INFO(bad);
    auto out = expand_spf_macros(bad, context, true);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code() == core::ErrorCode::kInvalid);
  }
}

TEST_CASE("spf macros: a query name is cut to 253 characters from the left, by labels") {
  std::string name;
  for (int i = 0; i < 60; ++i) name += "label" + std::to_string(i) + ".";
  name += "example.com";
  const std::string cut = truncate_domain(name);
  CHECK(cut.size() <= 253);
  CHECK(cut.ends_with(".example.com"));
  CHECK(name.ends_with(cut));
  CHECK(name[name.size() - cut.size() - 1] == '.');  // whole labels only
  CHECK(truncate_domain("example.com") == "example.com");
  CHECK(truncate_domain(std::string(300, 'a')).size() == 253);
}

}  // namespace
}  // namespace dmarcq::dns
