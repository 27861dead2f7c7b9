#include "analysis/fixes.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmarcq::analysis {
namespace {

// ---- senders as the catalog describes them ---------------------------------------

Sender salesforce() {
  Sender s;
  s.id = "salesforce";
  s.name = "Salesforce";
  s.spf_includes = {"_spf.salesforce.com"};
  s.envelope_suffixes = {".bnc.salesforce.com"};
  s.dkim_cname_suffixes = {".custdkim.salesforce.com"};
  s.fix_style = FixStyle::kSalesforce;
  return s;
}

Sender google() {
  Sender s;
  s.id = "google-workspace";
  s.name = "Google Workspace / Gmail";
  s.spf_includes = {"_spf.google.com"};
  s.envelope_is_customer_domain = true;
  s.dkim_domain_suffixes = {".gappssmtp.com"};
  s.fix_style = FixStyle::kCustomerEnvelope;
  return s;
}

Sender microsoft() {
  Sender s;
  s.id = "microsoft-365";
  s.name = "Microsoft 365 / Exchange Online";
  s.spf_includes = {"spf.protection.outlook.com"};
  s.envelope_is_customer_domain = true;
  s.dkim_domain_suffixes = {".onmicrosoft.com"};
  s.dkim_cname_suffixes = {".onmicrosoft.com", ".dkim.mail.microsoft"};
  s.fix_style = FixStyle::kCustomerEnvelope;
  return s;
}

Sender zoho() {
  Sender s;
  s.id = "zoho";
  s.name = "Zoho Mail";
  s.spf_includes = {"zohomail.com", "zoho.com"};
  s.envelope_is_customer_domain = true;
  s.fix_style = FixStyle::kCustomerEnvelope;
  return s;
}

// A sender as the built-in catalog describes it, with its console path and records.
Sender catalog_sender(std::string_view id) {
  const core::Result<Catalog> catalog = Catalog::builtin();
  REQUIRE(catalog);
  const Sender* sender = catalog->find(id);
  REQUIRE(sender != nullptr);
  return *sender;
}

Sender sendgrid() { return catalog_sender("sendgrid"); }

// A vendor the texts have no special knowledge of.
Sender freshdesk() {
  Sender s;
  s.id = "freshdesk";
  s.name = "Freshdesk (Freshworks)";
  s.spf_includes = {"email.freshdesk.com"};
  s.dkim_cname_suffixes = {"domainkey.freshemail.io"};
  s.fix_style = FixStyle::kVendorEnvelope;
  return s;
}

// A sender with nothing but an id: every optional list empty.
Sender bare(FixStyle style) {
  Sender s;
  s.id = "bare";
  s.fix_style = style;
  return s;
}

constexpr Cause kAllCauses[] = {
    Cause::kSpfIncludeMissing,    Cause::kSpfNotAligned, Cause::kDkimNotActivated,
    Cause::kDkimKeyUnpublished,   Cause::kSpfPermerror,  Cause::kForwarded,
    Cause::kUnauthorized,         Cause::kTransient,     Cause::kPolicyNone,
    Cause::kPolicyPartial,        Cause::kPolicyTesting, Cause::kSubdomainPolicyMissing,
    Cause::kEnforcementReadiness,
};

FixContext base_context(const Sender* sender) {
  FixContext c;
  c.domain = "example.com";
  c.header_from = "news.example.com";
  c.sender = sender;
  return c;
}

bool has(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// No unfilled placeholder, no gap left by an empty value, one paragraph without
// trailing newline.
void check_clean(const std::string& full_text) {
  CAPTURE(full_text);
  // Verbatim lines (a record's fields, a command) are aligned with spaces; the prose
  // is checked, and each verbatim line for a field or command that is not empty.
  std::string text;
  std::size_t start = 0;
  while (start < full_text.size()) {
    std::size_t end = full_text.find('\n', start);
    if (end == std::string::npos) end = full_text.size();
    const std::string_view line = std::string_view(full_text).substr(start, end - start);
    if (line.starts_with(kVerbatim)) {
      CHECK(line.size() > kVerbatim.size());
      CHECK(line[kVerbatim.size()] != ' ');
    } else {
      if (!text.empty()) text += '\n';
      text += line;
    }
    start = end + 1;
  }
  CHECK_FALSE(text.empty());
  for (std::string_view bad : {"  ",
                               "<",
                               ">",
                               "{",
                               "}",
                               "%s",
                               "%d",
                               "()",
                               "（）",
                               "「」",
                               " .",
                               " ,",
                               " :",
                               "\n\n",
                               "\n ",
                               " \n",
                               "._domainkey.\n",
                               "._domainkey. ",
                               "d=,",
                               "d= fail",
                               "d= の",
                               "s=,",
                               "s= fail",
                               "s= の",
                               "include: ~all",
                               "） ",
                               " （",
                               "」 ",
                               "。 ",
                               "、 ",
                               ", ,",
                               "..",
                               "。。",
                               "、、",
                               "（、",
                               "null",
                               "nullptr"}) {
    CAPTURE(bad);
    CHECK_FALSE(has(text, bad));
  }
  // Japanese: no space between two Japanese characters (arrows and ellipses aside).
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] != ' ') continue;
    const bool wide_before = static_cast<unsigned char>(text[i - 1]) >= 0x80;
    const bool wide_after = static_cast<unsigned char>(text[i + 1]) >= 0x80;
    const bool symbol =
        (i >= 3 && (text.compare(i - 3, 3, "→") == 0 || text.compare(i - 3, 3, "…") == 0)) ||
        text.compare(i + 1, 3, "→") == 0 || text.compare(i + 1, 3, "…") == 0;
    CAPTURE(i);
    CHECK_FALSE((wide_before && wide_after && !symbol));
  }
  CHECK(text.back() != '\n');
  CHECK(text.front() != ' ');
  CHECK(text.back() != ' ');
}

std::vector<std::string> both(Cause cause, const FixContext& c) {
  return {fix_text(cause, Lang::kEn, c), fix_text(cause, Lang::kJa, c)};
}

// ---- shared helpers ------------------------------------------------------------------

TEST_CASE("fixes: format_share rounds down to one decimal") {
  CHECK(format_share(97.96) == "97.9");
  CHECK(format_share(97.3) == "97.3");
  CHECK(format_share(98.0) == "98");
  CHECK(format_share(100.0) == "100");
  CHECK(format_share(0.0) == "0");
  CHECK(format_share(-3) == "0");
  CHECK(format_share(250) == "100");
}

TEST_CASE("fixes: fix_service recognises senders by id and by mailbox-provider include") {
  const Sender sf = salesforce(), g = google(), m = microsoft(), sg = sendgrid(), fd = freshdesk();
  CHECK(fix_service(nullptr) == FixService::kOther);
  CHECK(fix_service(&sf) == FixService::kSalesforce);
  CHECK(fix_service(&g) == FixService::kGoogleWorkspace);
  CHECK(fix_service(&m) == FixService::kMicrosoft365);
  CHECK(fix_service(&sg) == FixService::kOther);  // its steps come from the catalog
  CHECK(fix_service(&fd) == FixService::kOther);
  Sender custom = bare(FixStyle::kCustomerEnvelope);
  custom.spf_includes = {"_spf.google.com"};
  CHECK(fix_service(&custom) == FixService::kGoogleWorkspace);
}

TEST_CASE("fixes: fix_text dispatches on the language") {
  const Sender sf = salesforce();
  const FixContext c = base_context(&sf);
  for (Cause cause : kAllCauses) {
    CHECK(fix_text(cause, Lang::kEn, c) == render_fix({fix_parts(cause, Lang::kEn, c)}, Lang::kEn));
    CHECK(fix_text(cause, Lang::kJa, c) == render_fix({fix_parts(cause, Lang::kJa, c)}, Lang::kJa));
    CHECK(fix_text(cause, Lang::kEn, c) != fix_text(cause, Lang::kJa, c));
    // Both languages check the same records.
    const auto en = fix_parts(cause, Lang::kEn, c).dns_checks;
    const auto ja = fix_parts(cause, Lang::kJa, c).dns_checks;
    REQUIRE(en.size() == ja.size());
    for (std::size_t i = 0; i < en.size(); ++i) CHECK(en[i].name == ja[i].name);
  }
}

TEST_CASE("fixes: every DNS step is followed by the query that shows it, before what needs it") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"news.example.com"};
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string dkim = fix_text(Cause::kDkimNotActivated, lang, c);
    check_clean(dkim);
    const auto publish = dkim.find("    Name:  sf2._domainkey.news.example.com");
    const auto query = dkim.find("    dig +short CNAME sf1._domainkey.news.example.com");
    const auto activate = dkim.find(lang == Lang::kEn ? "Press \"Activate\"" : "「有効化」を押");
    if (lang == Lang::kJa) CHECK(has(dkim, "    名前：sf2._domainkey.news.example.com"));
    REQUIRE((lang == Lang::kJa || publish != std::string::npos));
    REQUIRE(query != std::string::npos);
    REQUIRE(activate != std::string::npos);
    if (lang == Lang::kEn) CHECK(publish < query);
    CHECK(query < activate);
    CHECK(has(dkim, "    → sf2.….custdkim.salesforce.com."));
    CHECK(has(dkim, "nslookup -type="));
    CHECK(has(dkim, "\n    dmarcq explain --from YYYY-MM-DD"));

    const std::string spf = fix_text(Cause::kSpfIncludeMissing, lang, c);
    CHECK(has(spf, "\n    dig +short TXT news.example.com\n"));
    CHECK(has(spf, "\n    → \"v=spf1 … include:_spf.salesforce.com ~all\""));
  }
  // Microsoft 365: older tenants' targets are under onmicrosoft.com, newer ones' under
  // dkim.mail.microsoft; the record and the expected answer name both.
  const Sender ms = microsoft();
  FixContext m365 = base_context(&ms);
  for (const std::string& text : both(Cause::kDkimNotActivated, m365)) {
    check_clean(text);
    CHECK(has(text, "\n    dig +short CNAME selector1._domainkey.news.example.com\n"));
    CHECK(has(text, "\n    → selector1-…._domainkey.….onmicrosoft.com.\n    "));
    CHECK(has(text, " selector1-…._domainkey.….dkim.mail.microsoft.\n"));
  }
  FixContext domain = base_context(nullptr);
  domain.policy = "none";
  for (const std::string& text : both(Cause::kPolicyNone, domain)) {
    CHECK(has(text, "\n    dig +short TXT _dmarc.example.com\n"));
    CHECK(has(text, "\n    → \"v=DMARC1; p=quarantine; rua=mailto:…\""));
  }
}

// ---- spf_include_missing -----------------------------------------------------------

TEST_CASE("fixes: spf_include_missing for Salesforce names the include, the lookups and DKIM") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"news.example.com"};
  const std::string en = fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfIncludeMissing, Lang::kJa, c);
  CAPTURE(en);
  CAPTURE(ja);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "include:_spf.salesforce.com"));
    CHECK(has(text, "v=spf1 … include:_spf.salesforce.com ~all"));
    CHECK(has(text, "news.example.com"));
    CHECK(has(text, "\n1. "));
    CHECK(has(text, "\n3. "));
    CHECK_FALSE(has(text, "受信側は"));  // envelope = From: no extra note
    CHECK_FALSE(has(text, "Receivers checked"));
  }
  CHECK(has(en, "2 of the 10 DNS lookups"));
  CHECK(has(en, "DKIM Keys in Setup"));
  CHECK(has(en, "2026"));
  CHECK(has(ja, "10 回のうち 2 回"));
  CHECK(has(ja, "「設定」の「DKIM 鍵」"));
  CHECK(has(ja, "2026 年"));
  // Both languages name both ways to verify the domain, and the exemption.
  for (const std::string& text : {en, ja}) {
    CHECK(has(text, "Authorized Email"));
    CHECK(has(text, "Office 365"));
  }
  CHECK_FALSE(has(ja, "しか送信しません"));
  CHECK_FALSE(has(ja, "鍵などで"));
}

TEST_CASE("fixes: a user's relay with ranges and no include gets its ip4:/ip6: terms") {
  Sender relay;
  relay.id = "onprem";
  relay.name = "Our on-prem relay";
  relay.ip_ranges = {{"192.0.2.0/24", "ours", "2026-12-01"},
                     {"2001:db8::/32", "ours", "2026-12-01"}};
  relay.fix_style = FixStyle::kCustomerEnvelope;
  FixContext c = base_context(&relay);
  c.spf_domains = {"news.example.com"};
  c.spf_results = {"fail"};
  const std::string en = fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfIncludeMissing, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "ip4:192.0.2.0/24 ip6:2001:db8::/32"));
    CHECK(has(text, "v=spf1 … ip4:192.0.2.0/24 ip6:2001:db8::/32 ~all"));
    CHECK_FALSE(has(text, "include:"));
  }
  CHECK_FALSE(has(en, "the SPF include that"));
  // Neither includes nor ranges: the mechanism the sender documents, either kind.
  relay.ip_ranges.clear();
  CHECK(has(fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c),
            "the SPF mechanism that Our on-prem relay documents (an include: or its ip4:/ip6: "
            "addresses)"));
}

TEST_CASE("fixes: includes that are alternatives ask for the account's one, not all") {
  Sender z = zoho();
  z.spf_includes = {"zoho.com", "zoho.eu", "spf.zoho.in"};
  z.spf_include_per_account = true;
  FixContext c = base_context(&z);
  const std::string en = fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfIncludeMissing, Lang::kJa, c);
  check_clean(en);
  check_clean(ja);
  CHECK(has(en, "Add the one include Zoho Mail shows for your account"));
  CHECK(has(en, "The candidates are include:zoho.com, include:zoho.eu, include:spf.zoho.in"));
  CHECK(has(en, "\n    Value: v=spf1 … include:… ~all\n"));
  CHECK_FALSE(has(en, "include:zoho.com include:zoho.eu"));
  CHECK(has(ja, "include を 1 つだけ追加してください"));
  CHECK(has(ja, "候補は include:zoho.com、include:zoho.eu、include:spf.zoho.in です"));
  CHECK_FALSE(has(ja, "include:zoho.com include:zoho.eu"));
}

TEST_CASE("fixes: spf_include_missing for a customer-envelope sender adds every include") {
  const Sender z = zoho();
  FixContext c = base_context(&z);
  c.spf_domains = {"example.com"};  // envelope on the parent: its record matters too
  for (const std::string& text : both(Cause::kSpfIncludeMissing, c)) {
    check_clean(text);
    CHECK(has(text, "include:zohomail.com include:zoho.com"));
    CHECK(has(text, "Zoho Mail"));
    CHECK(has(text, "news.example.com"));
    CHECK(has(text, "10"));
    CHECK(has(text, "example.com "));
  }
  CHECK(has(fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c),
            "Receivers checked SPF for example.com"));
  CHECK(has(fix_text(Cause::kSpfIncludeMissing, Lang::kJa, c),
            "受信側は example.com（エンベロープのドメイン）"));
}

TEST_CASE("fixes: spf_include_missing for a vendor-envelope sender points to DKIM") {
  const Sender sg = sendgrid();
  FixContext c = base_context(&sg);
  c.spf_domains = {"sendgrid.net"};
  const std::string en = fix_text(Cause::kSpfIncludeMissing, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfIncludeMissing, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "include:sendgrid.net"));
    CHECK(has(text, "s1._domainkey.news.example.com"));
    CHECK(has(text, "d=news.example.com"));
  }
  CHECK(has(en, "can make SPF align"));
  CHECK(has(en, "only spend DNS lookups"));
  CHECK(has(ja, "DNS ルックアップを消費するだけ"));
}

TEST_CASE("fixes: spf_include_missing for an unknown source names its IPs") {
  FixContext c = base_context(nullptr);
  c.source_ips = {"192.0.2.10", "192.0.2.11"};
  for (const std::string& text : both(Cause::kSpfIncludeMissing, c)) {
    check_clean(text);
    CHECK((has(text, "192.0.2.10, 192.0.2.11") || has(text, "192.0.2.10、192.0.2.11")));
    CHECK(has(text, "news.example.com"));
    CHECK(has(text, "ip4:"));
  }
}

// ---- spf_not_aligned ------------------------------------------------------------------

TEST_CASE("fixes: spf_not_aligned for Salesforce explains bnc and both ways out") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"x1y2.a-b3c.na139.bnc.salesforce.com"};
  const std::string en = fix_text(Cause::kSpfNotAligned, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfNotAligned, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "x1y2.a-b3c.na139.bnc.salesforce.com"));
    CHECK(has(text, "*.bnc.salesforce.com"));
    CHECK(has(text, "include:_spf.salesforce.com"));
    CHECK(has(text, "sf1._domainkey.news.example.com"));
    CHECK(has(text, "sf2._domainkey.news.example.com"));
  }
  CHECK(has(en, "In Setup, enter Deliverability in Quick Find"));
  CHECK(has(en, "no longer marks bounced addresses"));
  CHECK(has(en, "\"Activate bounce management\""));
  CHECK(has(en, "\"Enable compliance with standard email security mechanisms\""));
  CHECK(has(en, "\"Enable Sender ID compliance\""));
  CHECK(has(en, "the include alone does not help while those settings are on"));
  CHECK(has(en, "Preferred fix, DKIM:\n1. "));
  CHECK(has(en, "Alternative if DKIM is impossible:\n1. "));
  CHECK(has(ja, "「送信」（配信可能性）"));
  CHECK(has(ja, "「不達管理の有効化」"));
  CHECK(has(ja, "「標準メールセキュリティのメカニズムへの準拠を有効化」"));
  CHECK(has(ja, "「送信者 ID 準拠を有効化」"));
  CHECK(has(ja, "include だけでは効果がありません"));
  CHECK(has(ja, "推奨：DKIM を設定する\n1. "));
  CHECK(has(ja, "代替策（DKIM を使えない場合）：\n1. "));
}

TEST_CASE("fixes: spf_not_aligned for a vendor envelope suggests a return path, DKIM first") {
  const Sender ses = catalog_sender("amazon-ses");
  FixContext c = base_context(&ses);
  c.spf_domains = {"amazonses.com"};
  const std::string en = fix_text(Cause::kSpfNotAligned, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfNotAligned, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "Amazon SES"));
    CHECK(has(text, "amazonses.com"));
    CHECK(has(text, "MAIL FROM"));
    CHECK(has(text, "mail.news.example.com"));
    CHECK(has(text, "….dkim.amazonses.com"));
  }
  CHECK(has(en, "DKIM with d=news.example.com is the way"));
  CHECK(has(ja, "d=news.example.com の DKIM で対応します"));
  // With the customer's DKIM passing, the same shape is the vendor's normal set-up.
  FixContext passing = c;
  passing.dkim_passes = true;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kSpfNotAligned, lang, passing);
    check_clean(text);
    CHECK(has(text, "MAIL FROM"));
    CHECK_FALSE(has(text, "dkim.amazonses.com"));
  }
  CHECK(has(fix_text(Cause::kSpfNotAligned, Lang::kEn, passing), "nothing needs to change"));
  CHECK(has(fix_text(Cause::kSpfNotAligned, Lang::kJa, passing), "変更は不要です"));

  const Sender fd = freshdesk();
  c.sender = &fd;
  c.spf_domains = {"freshdesk.com"};
  for (const std::string& text : both(Cause::kSpfNotAligned, c)) {
    check_clean(text);
    CHECK(has(text, "bounce.news.example.com"));
    CHECK(has(text, "Freshdesk (Freshworks)"));
  }
}

TEST_CASE("fixes: spf_not_aligned for a customer envelope or unknown source") {
  FixContext c = base_context(nullptr);
  c.spf_domains = {"mailer.other.example"};
  for (const std::string& text : both(Cause::kSpfNotAligned, c)) {
    check_clean(text);
    CHECK(has(text, "mailer.other.example"));
    CHECK(has(text, "news.example.com"));
    CHECK(has(text, "Return-Path"));
  }
}

// ---- dkim_not_activated ---------------------------------------------------------------

TEST_CASE("fixes: dkim_not_activated for Salesforce walks through key, CNAMEs and Activate") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  const std::string en = fix_text(Cause::kDkimNotActivated, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimNotActivated, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "2048"));
    CHECK(has(text, "sf1._domainkey.news.example.com\n"));
    CHECK(has(text, "sf2._domainkey.news.example.com\n"));
    CHECK(has(text, "sf2.….custdkim.salesforce.com\n"));
    CHECK(has(text, "30"));
    CHECK(has(text, "\n4. "));
  }
  CHECK(has(en, "enter DKIM in Quick Find and open DKIM Keys. Press Create New Key"));
  CHECK(has(en, "Customize Application"));
  CHECK(has(en, "Alternate Selector sf2"));
  CHECK(has(en, "Domain news.example.com"));
  CHECK(has(en, "Domain Match Pattern news.example.com"));
  CHECK(has(en, "Alternate CNAME Record"));
  CHECK(has(en, "greyed out"));
  CHECK(has(en, "\"Activate\""));
  CHECK(has(en, "each subdomain needs its own key"));
  CHECK(has(ja,
            "「クイック検索」ボックスに「DKIM」と入力し、「DKIM 鍵」を選びます。「鍵を新規作成」"));
  CHECK(has(ja, "「アプリケーションのカスタマイズ」権限"));
  CHECK(has(ja, "代替セレクター sf2"));
  CHECK(has(ja, "ドメイン一致パターン news.example.com"));
  CHECK(has(ja, "代替 CNAME レコード"));
  CHECK(has(ja, "「有効化」"));
  CHECK(has(ja, "グレー表示"));
  CHECK(has(ja, "サブドメインごとに別の鍵"));
}

TEST_CASE(
    "fixes: dkim_not_activated for Salesforce proposes unseen selectors, names the other key "
    "domain") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.dkim_domains = {"example.com"};
  c.dkim_selectors = {"sfcrm", "sfcrm2"};
  for (const std::string& text : both(Cause::kDkimNotActivated, c)) {
    check_clean(text);
    CHECK(has(text, "sf1._domainkey.news.example.com"));
    CHECK(has(text, "sf2._domainkey.news.example.com"));
    CHECK(has(text, "d=example.com"));
    CHECK_FALSE(has(text, "sfcrm._domainkey"));
  }
}

TEST_CASE("fixes: dkim_not_activated for Google Workspace includes Start authentication") {
  const Sender g = google();
  FixContext c = base_context(&g);
  c.dkim_domains = {"news-example-com.20230601.gappssmtp.com"};
  const std::string en = fix_text(Cause::kDkimNotActivated, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimNotActivated, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "google._domainkey.news.example.com"));
    CHECK(has(text, "d=news-example-com.20230601.gappssmtp.com"));
    CHECK(has(text, "2048"));
  }
  CHECK(has(en, "Google Admin console → Apps → Google Workspace → Gmail → \"Authenticate email\""));
  CHECK(has(en, "\"Start authentication\""));
  CHECK(
      has(ja, "Google 管理コンソール →「アプリ」→「Google Workspace」→「Gmail」→「メールの認証」"));
  CHECK(has(ja, "「認証を開始」"));
}

TEST_CASE(
    "fixes: dkim_not_activated for Microsoft 365 names selector1/selector2 and the Defender "
    "portal") {
  const Sender m = microsoft();
  FixContext c = base_context(&m);
  c.dkim_domains = {"contoso.onmicrosoft.com"};
  const std::string en = fix_text(Cause::kDkimNotActivated, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimNotActivated, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "selector1._domainkey.news.example.com"));
    CHECK(has(text, "selector2._domainkey.news.example.com"));
    CHECK(has(text, "d=contoso.onmicrosoft.com"));
    CHECK(has(text, "Microsoft Defender"));
  }
  CHECK(has(en, "Email authentication settings → DKIM"));
  CHECK(has(ja, "「メールの認証の設定」→「DKIM」"));
}

TEST_CASE("fixes: dkim_not_activated for vendors: catalog records, hint, and no include fix") {
  const Sender sg = sendgrid();
  FixContext c = base_context(&sg);
  c.dkim_domains = {"sendgrid.net"};
  const std::string en = fix_text(Cause::kDkimNotActivated, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimNotActivated, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "Twilio SendGrid"));
    CHECK(has(text, "s1._domainkey.news.example.com"));
    CHECK(has(text, "s2._domainkey.news.example.com"));
    CHECK(has(text, "d=sendgrid.net"));
  }
  CHECK(has(en, "will not fix DMARC"));
  CHECK(has(ja, "DMARC は直りません"));

  const Sender fd = freshdesk();
  c.sender = &fd;
  c.dkim_domains.clear();
  for (const std::string& text : both(Cause::kDkimNotActivated, c)) {
    check_clean(text);
    CHECK(has(text, "_domainkey.news.example.com"));
    CHECK(has(text, " domainkey.freshemail.io"));
  }
}

TEST_CASE("fixes: dkim_not_activated for a customer-envelope vendor omits the include remark") {
  const Sender z = zoho();
  const FixContext c = base_context(&z);
  for (const std::string& text : both(Cause::kDkimNotActivated, c)) {
    check_clean(text);
    CHECK(has(text, "Zoho Mail"));
    CHECK_FALSE(has(text, "include"));
  }
}

// ---- dkim_key_unpublished -------------------------------------------------------------

TEST_CASE("fixes: dkim_key_unpublished for Salesforce keeps both CNAMEs") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.dkim_domains = {"news.example.com"};
  c.dkim_selectors = {"sf2"};
  c.dkim_results = {"permerror"};
  const std::string en = fix_text(Cause::kDkimKeyUnpublished, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimKeyUnpublished, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "d=news.example.com s=sf2"));
    CHECK(has(text, "permerror"));
    CHECK(has(text, "sf2._domainkey.news.example.com\n"));
    CHECK(has(text, "sf2.….custdkim.salesforce.com\n"));
    CHECK(has(text, "30"));
  }
  CHECK(has(en, "enter DKIM in Quick Find, open DKIM Keys"));
  CHECK(has(en, "Alternate CNAME Record"));
  CHECK(has(en, "selector sf2"));
  CHECK(has(ja, "「DKIM 鍵」で news.example.com の鍵を開きます"));
  CHECK(has(ja, "代替 CNAME レコード"));
  CHECK(has(ja, "セレクター sf2"));
}

TEST_CASE("fixes: dkim_key_unpublished for other senders names each record") {
  const Sender sg = sendgrid();
  FixContext c = base_context(&sg);
  c.dkim_domains = {"news.example.com"};
  c.dkim_selectors = {"s1", "s2"};
  c.dkim_results = {"fail", "neutral"};
  for (const std::string& text : both(Cause::kDkimKeyUnpublished, c)) {
    check_clean(text);
    CHECK(has(text, "s1._domainkey.news.example.com"));
    CHECK(has(text, "s2._domainkey.news.example.com"));
    CHECK(has(text, "fail, neutral"));
    CHECK(has(text, "p="));
    CHECK(has(text, "Twilio SendGrid"));
  }
}

TEST_CASE("fixes: dkim_key_unpublished for an unknown source reads naturally in Japanese") {
  FixContext c = base_context(nullptr);
  c.dkim_domains = {"news.example.com"};
  c.dkim_selectors = {"mail"};
  c.dkim_results = {"fail"};
  const std::string ja = fix_text(Cause::kDkimKeyUnpublished, Lang::kJa, c);
  check_clean(ja);
  CHECK(has(ja, "mail._domainkey.news.example.com を送信元のシステムの表示どおり"));
  CHECK(has(ja, "送信元のシステムで鍵を"));
  CHECK(has(fix_text(Cause::kDkimKeyUnpublished, Lang::kEn, c),
            "exactly as the sending service shows it"));
}

TEST_CASE("fixes: dkim_key_unpublished with result policy asks for a 2048-bit key") {
  const Sender sg = sendgrid();
  FixContext c = base_context(&sg);
  c.dkim_domains = {"news.example.com"};
  c.dkim_selectors = {"s1"};
  c.dkim_results = {"policy"};
  const std::string en = fix_text(Cause::kDkimKeyUnpublished, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kDkimKeyUnpublished, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "2048"));
    CHECK(has(text, "1024"));
    CHECK(has(text, "rsa-sha1"));
  }
  CHECK_FALSE(has(en, "revoked"));
  CHECK_FALSE(has(ja, "失効"));

  // Salesforce: its keys are rsa-sha256 of 1024 or 2048 bits, one active per domain.
  const Sender sf = salesforce();
  c.sender = &sf;
  c.dkim_selectors = {"sf1", "sf2"};
  c.dkim_results = {"policy", "temperror"};
  const std::string sf_en = fix_text(Cause::kDkimKeyUnpublished, Lang::kEn, c);
  const std::string sf_ja = fix_text(Cause::kDkimKeyUnpublished, Lang::kJa, c);
  check_clean(sf_en);
  check_clean(sf_ja);
  CHECK(has(sf_en, "Create New Key with RSA key size 2048, Selector sf3, Alternate Selector sf4"));
  CHECK(has(sf_en, "one active key per domain"));
  CHECK(has(sf_en, "deactivate the old key and press \"Activate\" on the new one right after"));
  CHECK_FALSE(has(sf_en, "rsa-sha1"));
  CHECK_FALSE(has(sf_en, "then deactivate the old key"));
  CHECK(has(sf_en, "temperror"));
  CHECK(has(sf_ja, "「鍵を新規作成」"));
  CHECK(has(sf_ja, "「セレクター」を sf3"));
  CHECK(has(sf_ja, "有効にできる鍵は 1 つだけ"));
  CHECK_FALSE(has(sf_ja, "rsa-sha1"));
  CHECK(has(sf_ja, "権威 DNS サーバー"));
}

TEST_CASE("fixes: a new Salesforce key never reuses a selector seen in the reports") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.dkim_selectors = {"sf1", "sf2", "sf3"};
  for (const std::string& text : both(Cause::kDkimNotActivated, c)) {
    check_clean(text);
    CHECK(has(text, "sf5._domainkey.news.example.com"));
    CHECK(has(text, "sf6._domainkey.news.example.com"));
    CHECK_FALSE(has(text, "sf1._domainkey"));
    CHECK_FALSE(has(text, "sf2._domainkey"));
  }
}

// ---- spf_permerror, forwarded, unauthorized ---------------------------------------

TEST_CASE("fixes: Japanese texts say アライメント（整合） and use full-width colons") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"x.na139.bnc.salesforce.com"};
  for (Cause cause : kAllCauses) {
    const std::string text = fix_text(cause, Lang::kJa, c);
    CAPTURE(text);
    CHECK_FALSE(has(text, "アライン"));
    for (const char* colon : {"ください: ", "例: ", "場合: ", "推奨: "})
      CHECK_FALSE(has(text, colon));
  }
}

TEST_CASE("fixes: each record says what a DNS panel's host field takes") {
  CHECK(host_field("sf1._domainkey.example.co.jp") == "sf1._domainkey");
  CHECK(host_field("example.com") == "@");
  CHECK(host_field("_dmarc.news.example.com") == "_dmarc.news");
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  const std::string ja = fix_text(Cause::kDkimNotActivated, Lang::kJa, c);
  check_clean(ja);
  CHECK(has(ja,
            "\n    名前：sf1._domainkey.news.example.com\n    種類：CNAME\n"
            "    値：sf1.….custdkim.salesforce.com\n"
            "    DNS 管理画面のホスト名の欄：sf1._domainkey.news\n"));
  const std::string en = fix_text(Cause::kPolicyNone, Lang::kEn, c);
  CHECK(has(en,
            "\n    Name:  _dmarc.example.com\n    Type:  TXT\n"
            "    Value: v=DMARC1; p=quarantine; rua=mailto:…\n"
            "    DNS panel host field: _dmarc\n"));
}

TEST_CASE("labels: every cause and severity has its own Japanese name; English keeps the ids") {
  std::set<std::string> names;
  for (Cause cause : kAllCauses) {
    CHECK(std::string(cause_label(cause, Lang::kEn)) == cause_id(cause));
    const std::string ja = cause_label(cause, Lang::kJa);
    CHECK(ja != cause_id(cause));
    CHECK(names.insert(ja).second);
  }
  CHECK(severity_label(Severity::kFail, Lang::kEn) == "FAIL");
  CHECK(severity_label(Severity::kInfo, Lang::kEn) == "INFO");
  CHECK(severity_label(Severity::kFail, Lang::kJa) == "要対応");
  CHECK(severity_label(Severity::kWarn, Lang::kJa) == "注意");
}

TEST_CASE("fixes: forwarded says DKIM fails only when it does") {
  FixContext c = base_context(nullptr);
  c.dkim_really_passes = true;
  c.dkim_passes = true;
  const std::string en = fix_text(Cause::kForwarded, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kForwarded, Lang::kJa, c);
  check_clean(en);
  check_clean(ja);
  CHECK(has(en, "arrived intact, so DMARC passes on DKIM"));
  CHECK_FALSE(has(en, "DKIM fails"));
  CHECK(has(ja, "DKIM で DMARC に成功しています"));
  CHECK_FALSE(has(ja, "DKIM も失敗"));
  c.dkim_really_passes = false;
  c.dkim_passes = false;
  CHECK(has(fix_text(Cause::kForwarded, Lang::kEn, c), "breaks the DKIM signature"));
  CHECK(has(fix_text(Cause::kForwarded, Lang::kJa, c), "DKIM 署名も壊れます"));
}

TEST_CASE("fixes: spf_permerror lists the causes and the repair") {
  FixContext c = base_context(nullptr);
  c.spf_domains = {"news.example.com"};
  const std::string en = fix_text(Cause::kSpfPermerror, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kSpfPermerror, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "news.example.com"));
    CHECK(has(text, "permerror"));
    CHECK(has(text, "10"));
    CHECK(has(text, "v=spf1"));
    CHECK(has(text, "redirect"));
    CHECK(has(text, "subdomains") != has(text, "サブドメイン"));
  }
  CHECK(has(en, "more than 2 void lookups"));
  CHECK(has(en, "exactly one TXT record"));
  CHECK(has(ja, "ボイドルックアップ"));
  CHECK(has(ja, "1 つだけ"));
}

TEST_CASE("fixes: forwarded says nothing to fix and never to add the forwarder") {
  FixContext c = base_context(nullptr);
  c.source_ips = {"209.85.220.69"};
  const std::string en = fix_text(Cause::kForwarded, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kForwarded, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "209.85.220.69"));
    CHECK(has(text, "ARC"));
    CHECK(has(text, "d=news.example.com"));
  }
  CHECK(has(en, "Nothing to fix at the source"));
  CHECK(has(en, "Do NOT add the forwarder's IPs or include"));
  CHECK(has(ja, "送信元で直すべき点はありません"));
  CHECK(has(ja, "追加しないでください"));
}

TEST_CASE("fixes: unauthorized names the sources and the way to reject") {
  FixContext c = base_context(nullptr);
  c.source_ips = {"198.51.100.7", "203.0.113.9"};
  const std::string en = fix_text(Cause::kUnauthorized, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kUnauthorized, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK((has(text, "198.51.100.7, 203.0.113.9") || has(text, "198.51.100.7、203.0.113.9")));
    CHECK(has(text, "p=quarantine"));
    CHECK(has(text, "p=reject"));
    CHECK(has(text, "example.com"));
  }
  CHECK(has(en, "spoofing"));
  CHECK(has(ja, "なりすまし"));
  c.source_ips = {"198.51.100.7"};
  CHECK(has(fix_text(Cause::kUnauthorized, Lang::kEn, c), "One source (198.51.100.7) that"));
  // A grouped finding: more sources than listed, some passing for their own domain.
  c.source_count = 40;
  c.messages = 1200;
  c.own_domain_messages = 300;
  c.own_domains = {"mailer.example.org"};
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kUnauthorized, lang, c);
    check_clean(text);
    CHECK(has(text, "40"));
    CHECK(has(text, "mailer.example.org"));
    CHECK(has(text, "300"));
  }
  CHECK(has(fix_text(Cause::kUnauthorized, Lang::kEn, c), "a service you may use"));
  // At p=reject there is no policy step left to take.
  c.policy = "reject";
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kUnauthorized, lang, c);
    check_clean(text);
    CHECK_FALSE(has(text, "p=quarantine"));
  }
  CHECK(has(fix_text(Cause::kUnauthorized, Lang::kEn, c), "already p=reject"));
}

// ---- domain-level findings ------------------------------------------------------------

TEST_CASE("fixes: policy_none gives the record and the readiness") {
  FixContext c = base_context(nullptr);
  c.policy = "none";
  c.pass_share = 91.25;
  const std::string en = fix_text(Cause::kPolicyNone, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kPolicyNone, Lang::kJa, c);
  for (const std::string& text : {en, ja}) {
    check_clean(text);
    CHECK(has(text, "p=none"));
    CHECK(has(text, "91.2%"));
    CHECK(has(text, "_dmarc.example.com"));
    CHECK(has(text, "v=DMARC1; p=quarantine; rua=mailto:…"));
    CHECK(has(text, "p=reject"));
    CHECK(has(text, "98%"));
  }
  CHECK(has(en, "not yet ready"));
  CHECK(has(ja, "まだ移行できる水準ではありません"));
}

TEST_CASE("fixes: policy_none marks Gmail's and Yahoo's bulk-sender rules from the reports") {
  FixContext c = base_context(nullptr);
  c.policy = "none";
  c.pass_share = 99.5;
  c.spf_pass_share = 72.34;
  c.dkim_pass_share = 99.5;
  const std::string en = fix_text(Cause::kPolicyNone, Lang::kEn, c);
  const std::string ja = fix_text(Cause::kPolicyNone, Lang::kJa, c);
  check_clean(en);
  check_clean(ja);
  CHECK(has(en, "- [met] a DMARC record (p=none is enough)"));
  CHECK(has(en, "- [not met] SPF passes: 72.3%"));
  CHECK(has(en, "- [met] DKIM passes: 99.5%"));
  CHECK(has(en, "- [met] the From domain aligns with SPF or DKIM (DMARC passes): 99.5%"));
  CHECK(has(en, "- [not in reports] one-click unsubscribe (RFC 8058)"));
  CHECK(has(en, "- [not in reports] a spam rate under 0.3%"));
  CHECK(has(ja, "- ［未達］SPF が成功する：72.3%"));
  CHECK(has(ja, "- ［達成］DKIM が成功する：99.5%"));
  CHECK(has(ja, "- ［レポートでは不明］迷惑メール率が 0.3% 未満"));
  // Never "only a record" any more.
  CHECK_FALSE(has(ja, "あることだけ"));
  CHECK_FALSE(has(en, "only require"));
  // Ready: no step asks to fix failing sources first; not ready: it comes first.
  CHECK_FALSE(has(en, "Fix the failing"));
  CHECK_FALSE(has(ja, "失敗している正規の送信元を修正"));
  CHECK(has(en, "1. Legitimate mail passes: 99.5% of legitimate mail passes DMARC (ready"));
  c.pass_share = 80;
  CHECK(has(fix_text(Cause::kPolicyNone, Lang::kEn, c), "1. Fix the failing legitimate sources"));
  CHECK(has(fix_text(Cause::kPolicyNone, Lang::kEn, c), "- [not met] the From domain aligns"));
  // No legitimate mail seen: nothing can be marked from the reports.
  c.readiness_known = false;
  CHECK(has(fix_text(Cause::kPolicyNone, Lang::kEn, c), "- [not in reports] SPF passes\n"));
  c.readiness_known = true;
  c.pass_share = 100;
  c.policy = "reject";
  c.testing = true;
  for (const std::string& text : both(Cause::kPolicyTesting, c)) {
    CHECK_FALSE(has(text, "Once the failing"));
    CHECK_FALSE(has(text, "失敗している正規の送信元を修正したら"));
  }
}

TEST_CASE("fixes: policy_pct asks for 100 or removal") {
  FixContext c = base_context(nullptr);
  c.policy = "reject";
  c.pct = 25;
  for (const std::string& text : both(Cause::kPolicyPartial, c)) {
    check_clean(text);
    CHECK(has(text, "pct=25"));
    CHECK(has(text, "25%"));
    CHECK(has(text, "100"));
    CHECK(has(text, "RFC 9989"));
    CHECK(has(text, "v=DMARC1; p=reject; rua=mailto:…"));
    CHECK(has(text, "quarantine"));
  }
}

TEST_CASE("fixes: subdomain_policy_missing asks for sp= and np=reject") {
  FixContext c = base_context(nullptr);
  c.policy = "quarantine";
  for (const std::string& text : both(Cause::kSubdomainPolicyMissing, c)) {
    check_clean(text);
    CHECK(has(text, "sp="));
    CHECK(has(text, "np=reject"));
    CHECK(has(text, "RFC 9989"));
    CHECK(has(text, "p=quarantine"));
    CHECK(has(text, "v=DMARC1; p=quarantine; sp=quarantine; np=reject"));
  }
}

TEST_CASE("fixes: enforcement_readiness says ready from 98% and not yet below") {
  FixContext c = base_context(nullptr);
  c.policy = "none";
  c.pass_share = 97.96;
  std::string en = fix_text(Cause::kEnforcementReadiness, Lang::kEn, c);
  std::string ja = fix_text(Cause::kEnforcementReadiness, Lang::kJa, c);
  check_clean(en);
  check_clean(ja);
  CHECK(has(en, "97.9%"));
  CHECK(has(en, "not yet ready"));
  CHECK(has(ja, "97.9%"));
  CHECK(has(ja, "まだ強制ポリシーに移行できる水準ではありません"));

  c.pass_share = 99.5;
  en = fix_text(Cause::kEnforcementReadiness, Lang::kEn, c);
  ja = fix_text(Cause::kEnforcementReadiness, Lang::kJa, c);
  check_clean(en);
  check_clean(ja);
  CHECK(has(en, "99.5%"));
  CHECK(has(en, ": ready for enforcement"));
  CHECK(has(en, "p=quarantine"));
  CHECK(has(ja, "強制ポリシーに移行できる水準です"));
  CHECK_FALSE(has(ja, "まだ"));

  c.policy = "quarantine";
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kEn, c), "from p=quarantine to p=reject"));
  c.policy = "reject";
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kJa, c), "p=reject のまま"));
}

// ---- every cause, every variant, empty lists -----------------------------------------

TEST_CASE("fixes: no placeholders or gaps for any cause, sender or language, with empty lists") {
  const Sender senders[] = {salesforce(),
                            google(),
                            microsoft(),
                            zoho(),
                            sendgrid(),
                            freshdesk(),
                            bare(FixStyle::kSalesforce),
                            bare(FixStyle::kCustomerEnvelope),
                            bare(FixStyle::kVendorEnvelope)};
  std::vector<const Sender*> choices = {nullptr};
  for (const Sender& s : senders) choices.push_back(&s);

  for (const Sender* sender : choices) {
    for (Cause cause : kAllCauses) {
      FixContext empty;
      empty.domain = "example.com";  // no header_from, no lists, no policy
      empty.sender = sender;
      FixContext full = base_context(sender);
      full.spf_domains = {"bounce.vendor.example", "example.com"};
      full.dkim_domains = {"vendor.example"};
      full.dkim_selectors = {"k1", "k2"};
      full.dkim_results = {"permerror", "policy", "temperror"};
      full.source_ips = {"192.0.2.1", "2001:db8::1"};
      full.policy = "reject";
      full.pct = 50;
      full.pass_share = 98;
      for (const FixContext& c : {empty, full}) {
        CAPTURE(sender == nullptr ? std::string("unknown") : sender->id);
        CAPTURE(static_cast<int>(cause));
        for (const std::string& text : both(cause, c)) {
          check_clean(text);
          CHECK(has(text, "example"));
        }
      }
    }
  }
}

TEST_CASE("fixes: the From domain, not the policy domain, carries SPF and DKIM records") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  for (Cause cause : {Cause::kSpfIncludeMissing, Cause::kDkimNotActivated, Cause::kSpfNotAligned}) {
    for (const std::string& text : both(cause, c)) {
      CHECK(has(text, "news.example.com"));
      CHECK_FALSE(has(text, "._domainkey.example.com"));
    }
  }
  // DMARC records belong to the policy domain.
  c.policy = "none";
  for (const std::string& text : both(Cause::kPolicyNone, c)) {
    CHECK(has(text, "_dmarc.example.com"));
    CHECK_FALSE(has(text, "_dmarc.news.example.com"));
  }
}

// ---- merging the fixes of one finding's causes --------------------------------------------

TEST_CASE("fixes: render_fix merges causes without repeating a step, checks last") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"x.na139.bnc.salesforce.com"};
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string merged = render_fix(
        {fix_parts(Cause::kDkimNotActivated, lang, c), fix_parts(Cause::kSpfNotAligned, lang, c)},
        lang);
    CAPTURE(merged);
    check_clean(merged);
    // The four DKIM steps once with their DNS check, then one check of the reports and
    // the run again, then the alternative numbered apart.
    CHECK(has(merged, "\n6. "));
    CHECK(has(merged, "\n7. "));
    CHECK_FALSE(has(merged, "\n8. "));
    const std::size_t create = merged.find(lang == Lang::kEn ? "Create New Key" : "鍵を新規作成");
    REQUIRE(create != std::string::npos);
    CHECK(merged.find(lang == Lang::kEn ? "Create New Key" : "鍵を新規作成", create + 1) ==
          std::string::npos);
    const std::size_t check = merged.find("\n6. ");
    const std::size_t alternative =
        merged.find(lang == Lang::kEn ? "Alternative if DKIM is impossible" : "代替策");
    REQUIRE(alternative != std::string::npos);
    CHECK(check < alternative);
    CHECK(has(merged.substr(alternative), "\n1. "));
  }
  // "Also set up DKIM" goes when another cause brings the DKIM steps themselves...
  FixContext customer = c;
  customer.spf_domains = {"news.example.com"};
  const std::string include_and_key =
      render_fix({fix_parts(Cause::kSpfIncludeMissing, Lang::kEn, customer),
                  fix_parts(Cause::kDkimNotActivated, Lang::kEn, customer)},
                 Lang::kEn);
  CHECK_FALSE(has(include_and_key, "Also create and activate"));
  CHECK(has(include_and_key, "include:_spf.salesforce.com"));
  CHECK(has(include_and_key,
            ":\n- Salesforce mail from news.example.com should show SPF pass for news.example.com\n"
            "- Salesforce mail from news.example.com should show DKIM pass"));
  // ...and where the customer's DKIM already passes.
  customer.dkim_passes = true;
  CHECK_FALSE(
      has(fix_text(Cause::kSpfIncludeMissing, Lang::kEn, customer), "Also create and activate"));
  customer.dkim_passes = false;
  CHECK(has(fix_text(Cause::kSpfIncludeMissing, Lang::kEn, customer), "Also create and activate"));
}

TEST_CASE("fixes: a vendor envelope with DKIM passing never asks to create a key") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"x.na139.bnc.salesforce.com"};
  c.dkim_passes = true;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kSpfNotAligned, lang, c);
    check_clean(text);
    CHECK_FALSE(has(text, lang == Lang::kEn ? "Create New Key" : "鍵を新規作成"));
  }
  CHECK(has(fix_text(Cause::kSpfNotAligned, Lang::kEn, c), "nothing needs to change"));
}

TEST_CASE("fixes: strict alignment offers relaxing it") {
  const Sender g = google();
  FixContext c = base_context(&g);
  c.spf_domains = {"bounce.news.example.com"};
  c.dkim_domains = {"example.com"};
  c.strict_spf = true;
  c.strict_dkim = true;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string spf = fix_text(Cause::kSpfNotAligned, lang, c);
    const std::string dkim = fix_text(Cause::kDkimNotActivated, lang, c);
    check_clean(spf);
    check_clean(dkim);
    CHECK(has(spf, "aspf=s"));
    CHECK(has(spf, "_dmarc.example.com"));
    CHECK(has(dkim, "adkim=s"));
    CHECK(has(dkim, "d=example.com"));
  }
}

TEST_CASE("fixes: transient and testing texts") {
  FixContext c = base_context(nullptr);
  c.policy = "reject";
  c.testing = true;
  c.pass_share = 99.5;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    check_clean(fix_text(Cause::kTransient, lang, c));
    const std::string testing = fix_text(Cause::kPolicyTesting, lang, c);
    check_clean(testing);
    CHECK(has(testing, "t=y"));
    CHECK(has(testing, "_dmarc.example.com"));
    const std::string readiness = fix_text(Cause::kEnforcementReadiness, lang, c);
    check_clean(readiness);
    CHECK(has(readiness, "t=y"));  // ready, but the policy is not enforced until t=y goes
  }
  c.readiness_known = false;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string readiness = fix_text(Cause::kEnforcementReadiness, lang, c);
    check_clean(readiness);
    CHECK_FALSE(has(readiness, "100%"));
  }
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kEn, c), "unknown"));
}

TEST_CASE("fixes: enforcement steps follow p=, sp=, pct and t=y") {
  FixContext c = base_context(nullptr);  // From news.example.com, policy domain example.com
  c.source_ips = {"192.0.2.15"};
  c.policy = "reject";
  c.subdomain_policy = "none";
  const std::string subdomain = fix_text(Cause::kUnauthorized, Lang::kEn, c);
  CHECK(has(subdomain, "sp=quarantine and then sp=reject"));
  CHECK_FALSE(has(subdomain, "already p=reject"));
  c.header_from = "example.com";
  c.pct = 50;
  const std::string partial = fix_text(Cause::kUnauthorized, Lang::kEn, c);
  CHECK(has(partial, "but also pct=50"));
  CHECK_FALSE(has(partial, "move the DMARC policy"));
  c.pct = 100;
  c.testing = true;
  CHECK(has(fix_text(Cause::kUnauthorized, Lang::kEn, c), "but also t=y"));
  c.testing = false;
  const std::string done = fix_text(Cause::kUnauthorized, Lang::kEn, c);
  CHECK(has(done, "already p=reject"));
  CHECK_FALSE(has(done, "\n3. "));  // nothing left to do is a note, not a step
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    check_clean(fix_text(Cause::kUnauthorized, lang, c));
    c.pct = 50;
    check_clean(fix_text(Cause::kUnauthorized, lang, c));
    c.pct = 100;
  }
  // Readiness below the threshold at p=reject: the failing mail is rejected now.
  c.pass_share = 80;
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kEn, c),
            "receivers reject the legitimate mail"));
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kJa, c), "拒否されています"));
  c.testing = true;
  CHECK(has(fix_text(Cause::kEnforcementReadiness, Lang::kEn, c), "send to spam"));
  // Ready at p=reject with t=y: remove t=y, never "move to p=quarantine".
  c.pass_share = 100;
  const std::string ready = fix_text(Cause::kEnforcementReadiness, Lang::kEn, c);
  CHECK(has(ready, "Remove t=y"));
  CHECK_FALSE(has(ready, "to p=quarantine"));
}

TEST_CASE("fixes: a key that exists but fails is never to be created anew") {
  const Sender sf = salesforce();
  FixContext c = base_context(&sf);
  c.spf_domains = {"x.na139.bnc.salesforce.com"};
  c.dkim_key_exists = true;
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kSpfNotAligned, lang, c);
    check_clean(text);
    CHECK_FALSE(has(text, lang == Lang::kEn ? "Create New Key" : "鍵を新規作成"));
  }
}

TEST_CASE("fixes: a vendor's return path on the customer's domain, SPF none, SPF temperror") {
  const Sender sg = sendgrid();
  FixContext c = base_context(&sg);
  c.spf_domains = {"em123.news.example.com"};
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kSpfIncludeMissing, lang, c);
    check_clean(text);
    CHECK(has(text, "em123.news.example.com"));
    CHECK_FALSE(has(text, "would only spend DNS lookups"));
    const std::string dkim = fix_text(Cause::kDkimNotActivated, lang, c);
    CHECK_FALSE(has(dkim, "envelope domain is its own"));
    CHECK_FALSE(has(dkim, "自身のものだからです"));
  }
  const Sender g = google();
  FixContext none = base_context(&g);
  none.spf_domains = {"news.example.com"};
  none.spf_results = {"none"};
  CHECK(has(fix_text(Cause::kSpfIncludeMissing, Lang::kEn, none), "publishes no SPF record"));
  FixContext temperror = none;
  temperror.spf_results = {"temperror"};
  for (Lang lang : {Lang::kEn, Lang::kJa}) {
    const std::string text = fix_text(Cause::kSpfPermerror, lang, temperror);
    check_clean(text);
    CHECK(has(text, "temperror"));
    CHECK_FALSE(has(text, "10"));  // not the lookup-limit advice of a broken record
  }
}

}  // namespace
}  // namespace dmarcq::analysis
