#include <doctest/doctest.h>

#include "analysis/analysis.h"

using namespace dmarcq::analysis;

TEST_CASE("catalog: the built-in catalog loads, with the fixed ids") {
  auto catalog = Catalog::builtin();
  REQUIRE(catalog.ok());
  CHECK(catalog->senders().size() >= 25);
  for (const char* id :
       {"salesforce", "salesforce-marketing-cloud", "salesforce-pardot", "google-workspace",
        "microsoft-365", "amazon-ses", "sendgrid", "mailchimp", "mandrill", "mailgun", "postmark",
        "sparkpost", "brevo", "hubspot", "marketo", "zendesk", "zoho"}) {
    CAPTURE(id);
    CHECK(catalog->find(id) != nullptr);
  }
  const Sender* salesforce = catalog->find("salesforce");
  REQUIRE(salesforce != nullptr);
  CHECK(salesforce->fix_style == FixStyle::kSalesforce);
  CHECK(salesforce->spf_includes == std::vector<std::string>{"_spf.salesforce.com"});
  CHECK_FALSE(salesforce->ip_ranges.empty());
  CHECK(catalog->find("google-workspace")->envelope_is_customer_domain);
  CHECK_FALSE(catalog->find("sendgrid")->envelope_is_customer_domain);
  // Includes that are alternatives per account, and one that is not.
  for (const char* id : {"zoho", "oracle-oci", "brevo", "bownow"}) {
    CAPTURE(id);
    REQUIRE(catalog->find(id) != nullptr);
    CHECK(catalog->find(id)->spf_include_per_account);
  }
  CHECK_FALSE(salesforce->spf_include_per_account);
}

TEST_CASE("catalog: errors name the file and line") {
  struct Case {
    const char* text;
    const char* error;
  };
  const char* head =
      "[[sender]]\nid = \"x\"\nname = \"X\"\ntype = \"SaaS\"\nenvelope_is_customer_domain = "
      "false\nfix = \"vendor-envelope\"\n";
  const Case cases[] = {
      {"colour = \"red\"\n", "user.toml:7: unknown key 'colour'"},
      {"[[sender.ip_ranges]]\ncidrs = [\"13.110.74.200/16\"]\nsource = \"s\"\ndate = "
       "\"2026-01-01\"\n",
       "user.toml:8: bad CIDR '13.110.74.200/16': host bits set"},
      {"[[sender.ip_ranges]]\ncidrs = [\"10.0.0.0/8\"]\n", "user.toml:7: missing key 'source'"},
      {"[[sender]]\nid = \"x\"\nname = \"X\"\ntype = \"SaaS\"\nenvelope_is_customer_domain = "
       "false\nfix = \"vendor-envelope\"\n",
       "user.toml:7: duplicate sender id 'x'"},
      {"spf_includes = \"not-a-list\"\n",
       "user.toml:7: 'spf_includes' must be an array of strings"},
      {"spf_include_per_account = \"yes\"\n",
       "user.toml:7: 'spf_include_per_account' must be true or false"},
      {"envelope_suffixes = [\"com\"]\n",
       "user.toml:7: 'envelope_suffixes' entry 'com' is not a domain name of two or more labels"},
      {"dkim_domain_suffixes = [\".\"]\n",
       "user.toml:7: 'dkim_domain_suffixes' entry '.' is not a domain name of two or more labels"},
      {"[[sender.ip_ranges]]\ncidrs = [\"10.0.0.0/8\"]\nsource = \"s\"\ndate = \"soon\"\n",
       "user.toml:10: date 'soon' is not YYYY-MM-DD"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    auto catalog = Catalog::parse(std::string(head) + c.text, "user.toml");
    REQUIRE_FALSE(catalog.ok());
    CHECK(catalog.error().to_string() == c.error);
  }
  auto syntax = Catalog::parse("[[sender]\nid = ", "bad.toml");
  REQUIRE_FALSE(syntax.ok());
  CHECK(syntax.error().to_string().rfind("bad.toml:1: ", 0) == 0);
  auto no_fix = Catalog::parse(
      "[[sender]]\nid = \"y\"\nname = \"Y\"\ntype = \"SaaS\"\nenvelope_is_customer_domain = "
      "true\nfix = \"magic\"\n",
      "u.toml");
  REQUIRE_FALSE(no_fix.ok());
  CHECK(no_fix.error().message() ==
        "fix 'magic' must be salesforce, customer-envelope or vendor-envelope");
  auto bad_id = Catalog::parse(
      "[[sender]]\nid = \"Not OK\"\nname = \"Y\"\ntype = \"SaaS\"\nenvelope_is_customer_domain = "
      "true\nfix = \"vendor-envelope\"\n",
      "u.toml");
  REQUIRE_FALSE(bad_id.ok());
}

TEST_CASE("catalog: a user entry with the same id replaces the built-in one; new ids are added") {
  auto catalog = Catalog::builtin();
  REQUIRE(catalog.ok());
  const std::size_t before = catalog->senders().size();
  auto user = Catalog::parse(
      "[[sender]]\nid = \"sendgrid\"\nname = \"SendGrid (ours)\"\ntype = \"Marketing\"\n"
      "envelope_is_customer_domain = false\nfix = \"vendor-envelope\"\nenvelope_suffixes = "
      "[\"em.example.com\"]\n"
      "[[sender]]\nid = \"inhouse-relay\"\nname = \"In-house relay\"\ntype = \"SaaS\"\n"
      "envelope_is_customer_domain = true\nfix = \"customer-envelope\"\n"
      "[[sender.ip_ranges]]\ncidrs = [\"192.0.2.0/28\", \"2001:db8:1::/48\"]\nsource = \"our "
      "network\"\ndate = \"2026-11-27\"\n",
      "mine.toml");
  REQUIRE(user.ok());
  catalog->merge(std::move(*user));
  CHECK(catalog->senders().size() == before + 1);
  CHECK(catalog->find("sendgrid")->name == "SendGrid (ours)");
  CHECK(catalog->find("sendgrid")->origin == "mine.toml:1");
  CHECK(catalog->find("inhouse-relay")->ip_ranges.size() == 2);
}

TEST_CASE("catalog: suffix matching at label boundaries") {
  CHECK(domain_matches_suffix("x.na139.bnc.salesforce.com", ".bnc.salesforce.com"));
  CHECK_FALSE(domain_matches_suffix("bnc.salesforce.com", ".bnc.salesforce.com"));
  CHECK(domain_matches_suffix("sendgrid.net", "sendgrid.net"));
  CHECK(domain_matches_suffix("em123.sendgrid.net", "sendgrid.net"));
  CHECK_FALSE(domain_matches_suffix("notsendgrid.net", "sendgrid.net"));
  CHECK_FALSE(domain_matches_suffix("", "sendgrid.net"));
}

TEST_CASE("alignment: organizational domains from the Public Suffix List") {
  CHECK(organizational_domain("mail.example.co.jp") == "example.co.jp");
  CHECK(organizational_domain("a.b.example.com") == "example.com");
  CHECK(organizational_domain("example.com") == "example.com");
  CHECK(aligned("bounce.example.com", "example.com", false));
  CHECK_FALSE(aligned("bounce.example.com", "example.com", true));
  CHECK(aligned("example.com", "example.com", true));
  CHECK_FALSE(aligned("x.na139.bnc.salesforce.com", "example.co.jp", false));
  CHECK_FALSE(aligned("example.co.jp", "other.co.jp", false));
  CHECK_FALSE(aligned("", "example.com", false));
}

// Each built-in sender has the facts its fix texts need: the DKIM steps of a sender
// other than Salesforce, Google Workspace and Microsoft 365 say where to start (a
// console path or a request), includes that are alternatives say how to pick one, and
// every record to publish is a name under the customer's domain.
TEST_CASE("catalog: every built-in sender has the facts its fix style needs") {
  const auto catalog = Catalog::builtin();
  REQUIRE(catalog.ok());
  for (const Sender& sender : catalog->senders()) {
    CAPTURE(sender.id);
    if (sender.role == Role::kForwarder) continue;
    const bool own_dkim_steps = sender.fix_style == FixStyle::kSalesforce ||
                                sender.id == "google-workspace" || sender.id == "microsoft-365";
    if (!own_dkim_steps) {
      CHECK((!sender.dkim_console.empty() || !sender.dkim_request.empty()));
    }
    for (const LocalText* text :
         {&sender.dkim_console, &sender.dkim_request, &sender.spf_include_hint}) {
      CHECK(text->en.empty() == text->ja.empty());
    }
    if (sender.spf_include_per_account) {
      CHECK(sender.spf_includes.size() > 1);
      CHECK_FALSE(sender.spf_include_hint.empty());
    }
    if (sender.fix_style == FixStyle::kCustomerEnvelope) {
      CHECK((!sender.spf_includes.empty() || !sender.ip_ranges.empty()));
    }
    for (const RecordTemplate& record : sender.dkim_records) {
      CAPTURE(record.name);
      CHECK(record.name.ends_with("{domain}"));
    }
  }
}

TEST_CASE("catalog: texts and records of a user's sender are checked") {
  const std::string head =
      "[[sender]]\nid = \"relay\"\nname = \"Relay\"\ntype = \"SaaS\"\n"
      "envelope_is_customer_domain = true\nfix = \"vendor-envelope\"\n";
  CHECK_FALSE(Catalog::parse(head + "dkim_console = { en = \"Settings\" }\n", "u.toml").ok());
  CHECK_FALSE(
      Catalog::parse(head + "dkim_console = { en = \"A\", ja = \"B\", fr = \"C\" }\n", "u.toml")
          .ok());
  CHECK_FALSE(
      Catalog::parse(
          head + "dkim_records = [{ type = \"A\", name = \"x.{domain}\", value = \"v\" }]\n",
          "u.toml")
          .ok());
  CHECK_FALSE(
      Catalog::parse(
          head + "dkim_records = [{ type = \"TXT\", name = \"x.example.com\", value = \"v\" }]\n",
          "u.toml")
          .ok());
  // One line each: a newline would forge a step of its own.
  CHECK_FALSE(Catalog::parse(head + "dkim_console = { en = \"A\\n7. Delete your SPF record\", ja = "
                                    "\"B\" }\n",
                             "u.toml")
                  .ok());
  for (const char* bad_name : {"{domain}{domain}", "x y.{domain}", "x{domain}", "{domain}.x"}) {
    CAPTURE(bad_name);
    CHECK_FALSE(Catalog::parse(head + "dkim_records = [{ type = \"TXT\", name = \"" + bad_name +
                                   "\", value = \"v\" }]\n",
                               "u.toml")
                    .ok());
  }
  CHECK_FALSE(Catalog::parse(head + "dkim_records = [{ type = \"MX\", name = \"{domain}\", value = "
                                    "\"10 mx.example\" }]\n",
                             "u.toml")
                  .ok());
  CHECK_FALSE(Catalog::parse(head + "dkim_records = [{ type = \"TXT\", name = \"x.{domain}\", "
                                    "value = \"a\\\"b\" }]\n",
                             "u.toml")
                  .ok());
  std::string many = head + "dkim_records = [";
  for (int i = 0; i < 17; ++i) {
    many += "{ type = \"TXT\", name = \"s" + std::to_string(i) +
            "._domainkey.{domain}\", value = \"p=…\" },";
  }
  CHECK_FALSE(Catalog::parse(many + "]\n", "u.toml").ok());
  const auto good = Catalog::parse(
      head +
          "dkim_console = { en = \"Settings → DKIM\", ja = \"設定 → DKIM\" }\n"
          "dkim_records = [{ type = \"CNAME\", name = \"r1._domainkey.{domain}\", value = "
          "\"r1.relay.example\" }]\n",
      "u.toml");
  REQUIRE(good.ok());
  const Sender& relay = good->senders().front();
  CHECK(relay.dkim_console.in(Lang::kJa) == "設定 → DKIM");
  REQUIRE(relay.dkim_records.size() == 1);
  CHECK(relay.dkim_records[0].value == "r1.relay.example");
}
