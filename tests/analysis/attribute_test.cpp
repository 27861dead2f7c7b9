// The attribution rules of senders.md section 6, one crafted record each that must
// trigger the rule and a near miss that must not. Sources are identified with the
// built-in catalog, as in production.
#include <doctest/doctest.h>

#include "analysis/analysis.h"

using namespace dmarcq::analysis;
using dmarcq::report::DkimResult;
using dmarcq::report::PolicyReason;
using dmarcq::report::SpfResult;

namespace {

const Catalog& catalog() {
  static const Catalog instance = *Catalog::builtin();
  return instance;
}

// A record for example.com from `ip`, DMARC verdicts `dkim`/`spf`.
RecordFacts record(const std::string& ip, const std::string& dkim, const std::string& spf) {
  RecordFacts facts;
  facts.policy_domain = "example.com";
  facts.header_from = "example.com";
  facts.source_ip = ip;
  facts.dkim_aligned = dkim;
  facts.spf_aligned = spf;
  return facts;
}

Attribution attribution(const RecordFacts& facts, bool strict_dkim = false,
                        bool strict_spf = false) {
  const Identifier identifier(catalog());
  return attribute_record(facts, identifier.identify(facts), strict_dkim, strict_spf);
}

std::vector<std::string> causes(const RecordFacts& facts) {
  std::vector<std::string> out;
  for (const CauseAt& at : attribution(facts).causes) out.push_back(cause_id(at.cause));
  return out;
}

// "cause:severity" of each cause.
std::vector<std::string> graded(const Attribution& a) {
  std::vector<std::string> out;
  for (const CauseAt& at : a.causes)
    out.push_back(std::string(cause_id(at.cause)) + ":" + severity_name(at.severity));
  return out;
}

const char* party_name(Party party) {
  switch (party) {
    case Party::kSender: return "sender";
    case Party::kForwarder: return "forwarder";
    case Party::kUnknown: return "unknown";
  }
  return "?";
}

std::string party_of(const RecordFacts& facts) { return party_name(attribution(facts).party); }

std::string sender_of(const RecordFacts& facts) {
  const Identifier identifier(catalog());
  return sender_key(identifier.identify(facts));
}

using Causes = std::vector<std::string>;
const std::string kSalesforceIp = "13.110.74.200";
const std::string kGoogleIp = "209.85.220.41";
const std::string kUnknownIp = "203.0.113.77";

}  // namespace

TEST_CASE("A1: the receiver's forwarding reasons, and ARC") {
  RecordFacts forwarded = record(kUnknownIp, "fail", "fail");
  forwarded.reasons.push_back(PolicyReason{"local_policy", "arc=pass as[2].d=google.com"});
  CHECK(causes(forwarded) == Causes{"forwarded"});
  forwarded.reasons = {PolicyReason{"mailing_list", ""}};
  CHECK(causes(forwarded) == Causes{"forwarded"});
  RecordFacts near = record(kUnknownIp, "fail", "fail");
  near.reasons.push_back(PolicyReason{"local_policy", "sampled by policy"});
  CHECK(causes(near) == Causes{"unauthorized"});
}

TEST_CASE("A2: aligned DKIM passes, SPF fails, from outside the catalog: forwarding") {
  RecordFacts forwarded = record(kUnknownIp, "pass", "fail");
  forwarded.dkim.push_back(DkimResult{"example.com", "s1", "pass", ""});
  forwarded.spf.push_back(SpfResult{"example.com", "mfrom", "softfail", ""});
  CHECK(causes(forwarded) == Causes{"forwarded"});
  RecordFacts near = forwarded;  // the same from Salesforce: the include is missing
  near.source_ip = kSalesforceIp;
  CHECK(causes(near) == Causes{"spf_include_missing"});
}

TEST_CASE("A3 is not inferred: a broken signature plus another domain's SPF pass is forgeable") {
  // Lists that break signatures are recognised by the receiver's reasons (A1, ARC);
  // without them the same shape is what a spoofer sends, so it stays unauthorized.
  RecordFacts list = record(kUnknownIp, "fail", "fail");
  list.dkim.push_back(DkimResult{"example.com", "s1", "fail", ""});
  list.spf.push_back(SpfResult{"lists.example.org", "mfrom", "pass", ""});
  CHECK(causes(list) == Causes{"unauthorized"});
  list.reasons.push_back(PolicyReason{"mailing_list", ""});
  CHECK(causes(list) == Causes{"forwarded"});
}

TEST_CASE("A2 for vendors: a vendor's signature forwarded from outside its ranges") {
  // Workspace mail forwarded by some other server keeps both Google signatures.
  RecordFacts forwarded = record(kUnknownIp, "pass", "fail");
  forwarded.dkim.push_back(DkimResult{"example.com", "google", "pass", ""});
  forwarded.dkim.push_back(
      DkimResult{"example-com.20230601.gappssmtp.com", "20230601", "pass", ""});
  forwarded.spf.push_back(SpfResult{"example.com", "mfrom", "softfail", ""});
  CHECK(causes(forwarded) == Causes{"forwarded"});
  RecordFacts near = forwarded;  // from Google's own ranges: the include is missing
  near.source_ip = kGoogleIp;
  CHECK(causes(near) == Causes{"spf_include_missing"});
}

TEST_CASE("spf_not_aligned needs an SPF pass for the other domain") {
  RecordFacts vendor = record("205.201.128.10", "pass", "fail");
  vendor.dkim.push_back(DkimResult{"example.com", "k2", "pass", ""});
  vendor.spf.push_back(SpfResult{"bounce.mcsv.net", "mfrom", "pass", ""});
  CHECK(sender_of(vendor) == "mailchimp");
  CHECK(causes(vendor) == Causes{"spf_not_aligned"});
  vendor.spf = {SpfResult{"bounce.mcsv.net", "mfrom", "fail", ""}};
  CHECK(causes(vendor).empty());
}

TEST_CASE("A4: SPF permerror for the From domain") {
  RecordFacts broken = record(kGoogleIp, "pass", "fail");
  broken.spf.push_back(SpfResult{"example.com", "mfrom", "permerror", ""});
  broken.dkim.push_back(DkimResult{"example.com", "google", "pass", ""});
  CHECK(causes(broken) == Causes{"spf_permerror"});
  RecordFacts near = broken;
  near.spf = {SpfResult{"example.com", "mfrom", "softfail", ""}};
  CHECK(causes(near) == Causes{"spf_include_missing"});
}

TEST_CASE("A5: Salesforce bounce management envelope and no DKIM key") {
  RecordFacts defaults = record(kSalesforceIp, "fail", "fail");
  defaults.spf.push_back(SpfResult{"x7.na139.bnc.salesforce.com", "mfrom", "pass", ""});
  CHECK(sender_of(defaults) == "salesforce");
  CHECK(causes(defaults) == Causes{"spf_not_aligned", "dkim_not_activated"});
  RecordFacts near = defaults;  // DKIM activated: SPF still does not align (warn)
  near.dkim_aligned = "pass";
  near.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  CHECK(causes(near) == Causes{"spf_not_aligned"});
}

TEST_CASE("A6: Salesforce with the customer's envelope and the include missing") {
  RecordFacts missing = record(kSalesforceIp, "fail", "fail");
  missing.spf.push_back(SpfResult{"example.com", "mfrom", "softfail", ""});
  CHECK(causes(missing) == Causes{"spf_include_missing", "dkim_not_activated"});
  RecordFacts near = missing;
  near.spf_aligned = "pass";
  near.spf = {SpfResult{"example.com", "mfrom", "pass", ""}};
  CHECK(causes(near) == Causes{"dkim_not_activated"});
}

TEST_CASE("A7/A12/A13: a signature of the domain that fails: key unpublished or weak") {
  for (const char* result : {"permerror", "fail", "neutral", "policy"}) {
    CAPTURE(result);
    RecordFacts unpublished = record(kSalesforceIp, "fail", "fail");
    unpublished.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "pass", ""});
    unpublished.dkim.push_back(DkimResult{"example.com", "sf2", result, ""});
    CHECK(causes(unpublished) == Causes{"spf_not_aligned", "dkim_key_unpublished"});
  }
  RecordFacts near = record(kSalesforceIp, "pass", "fail");
  near.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "pass", ""});
  near.dkim.push_back(DkimResult{"example.com", "sf2", "fail", ""});
  near.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  CHECK(causes(near) == Causes{"spf_not_aligned"});
}

TEST_CASE("A8: a key for another domain does not cover this From domain") {
  RecordFacts other = record(kSalesforceIp, "fail", "fail");
  other.header_from = "brand.example.net";
  other.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  other.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "pass", ""});
  CHECK(causes(other) == Causes{"spf_not_aligned", "dkim_not_activated"});
  RecordFacts near = other;  // a subdomain under relaxed alignment is covered
  near.header_from = "news.example.com";
  near.dkim_aligned = "pass";
  CHECK(causes(near) == Causes{"spf_not_aligned"});
}

TEST_CASE("A9/A11: a vendor with its own envelope; DKIM decides") {
  RecordFacts vendor = record("167.89.1.1", "fail", "fail");
  vendor.spf.push_back(SpfResult{"sendgrid.net", "mfrom", "pass", ""});
  vendor.dkim.push_back(DkimResult{"sendgrid.net", "s1", "pass", ""});
  CHECK(sender_of(vendor) == "sendgrid");
  CHECK(causes(vendor) == Causes{"spf_not_aligned", "dkim_not_activated"});
  RecordFacts authenticated = vendor;  // A11: DKIM aligned: only the SPF warning remains
  authenticated.dkim_aligned = "pass";
  authenticated.dkim = {DkimResult{"example.com", "s1", "pass", ""}};
  CHECK(graded(attribution(authenticated)) == Causes{"spf_not_aligned:info"});
}

TEST_CASE("A10: a mailbox provider sending with the customer's envelope, include missing") {
  RecordFacts google = record(kGoogleIp, "pass", "fail");
  google.spf.push_back(SpfResult{"example.com", "mfrom", "fail", ""});
  google.dkim.push_back(DkimResult{"example.com", "google", "pass", ""});
  CHECK(sender_of(google) == "google-workspace");
  CHECK(causes(google) == Causes{"spf_include_missing"});
  RecordFacts near = google;  // A16: everything passes: no finding
  near.spf_aligned = "pass";
  near.spf = {SpfResult{"example.com", "mfrom", "pass", ""}};
  CHECK(causes(near).empty());
}

TEST_CASE("A17: unknown sources failing both are unauthorized; passing ones are not findings") {
  RecordFacts spoof = record(kUnknownIp, "fail", "fail");
  spoof.spf.push_back(SpfResult{"example.com", "mfrom", "fail", ""});
  CHECK(causes(spoof) == Causes{"unauthorized"});
  RecordFacts near = record(kUnknownIp, "fail", "pass");  // an own server with SPF set up
  near.spf.push_back(SpfResult{"example.com", "mfrom", "pass", ""});
  CHECK(causes(near).empty());
}

TEST_CASE("identification: an SPF pass outranks a DKIM pass of a sender listed earlier") {
  RecordFacts both = record(kUnknownIp, "fail", "fail");
  both.dkim.push_back(DkimResult{"amazonses.com", "x", "pass", ""});
  both.spf.push_back(SpfResult{"bounces.sendgrid.net", "mfrom", "pass", ""});
  CHECK(sender_of(both) == "sendgrid");
}

TEST_CASE("identification: strong evidence, longest prefix, IPv6, weak hints") {
  // An SPF pass for the sender's envelope beats where the IP is.
  RecordFacts ses = record(kUnknownIp, "fail", "fail");
  ses.spf.push_back(SpfResult{"us-east-1.amazonses.com", "mfrom", "pass", ""});
  CHECK(sender_of(ses) == "amazon-ses");
  // The same domain without a pass is only a hint: an unknown IP stays unknown.
  RecordFacts claim = ses;
  claim.spf = {SpfResult{"us-east-1.amazonses.com", "mfrom", "fail", ""}};
  CHECK(sender_of(claim) == "unknown");
  // ...and never beats another sender's range.
  claim.source_ip = kGoogleIp;
  CHECK(sender_of(claim) == "google-workspace");
  // IPv6 ranges.
  CHECK(sender_of(record("2607:f8b0:4864:20::42a", "pass", "pass")) == "google-workspace");
  CHECK(sender_of(record("2a01:111:f403:2c12::800", "pass", "pass")) == "microsoft-365");
  // Pardot's /20 equals a Salesforce range: the catalog order breaks the tie, and a
  // hint for the other sender breaks it the other way.
  RecordFacts pardot = record("198.245.81.10", "fail", "fail");
  CHECK(sender_of(pardot) == "salesforce-pardot");
  pardot.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "fail", ""});
  CHECK(sender_of(pardot) == "salesforce");
  // No range, no pass: unknown.
  CHECK(sender_of(record("192.0.2.1", "fail", "fail")) == "unknown");
  CHECK(sender_of(record("not an ip", "fail", "fail")) == "unknown");
}

// ---- the classes of false alarms and misattributions ------------------------------

TEST_CASE("a vendor envelope beside an aligned, passing DKIM key is information only") {
  RecordFacts salesforce = record(kSalesforceIp, "pass", "fail");
  salesforce.spf.push_back(SpfResult{"x7.na139.bnc.salesforce.com", "mfrom", "pass", ""});
  salesforce.dkim.push_back(DkimResult{"example.com", "kumo1", "pass", ""});
  const Attribution a = attribution(salesforce);
  CHECK(party_name(a.party) == std::string("sender"));
  CHECK(graded(a) == Causes{"spf_not_aligned:info"});
  RecordFacts ses = record("54.240.8.1", "pass", "fail");  // Easy DKIM, no custom MAIL FROM
  ses.spf.push_back(SpfResult{"us-west-2.amazonses.com", "mfrom", "pass", ""});
  ses.dkim.push_back(DkimResult{"example.com", "abcdefgh", "pass", ""});
  ses.dkim.push_back(DkimResult{"amazonses.com", "224i4yxa", "pass", ""});
  CHECK(graded(attribution(ses)) == Causes{"spf_not_aligned:info"});
  RecordFacts near = salesforce;  // no key: DKIM fails too, both causes fail
  near.dkim_aligned = "fail";
  near.dkim.clear();
  CHECK(graded(attribution(near)) == Causes{"spf_not_aligned:fail", "dkim_not_activated:fail"});
}

TEST_CASE("shared platforms: forwarding through Google and Microsoft is not the customer's") {
  // Google Groups: the list's envelope, the author's signature broken by the footer.
  RecordFacts group = record("209.85.220.69", "fail", "fail");
  group.spf.push_back(SpfResult{"googlegroups.com", "mfrom", "pass", ""});
  group.dkim.push_back(DkimResult{"example.com", "s1", "fail", ""});
  group.dkim.push_back(DkimResult{"googlegroups.com", "20230601", "pass", ""});
  CHECK(party_of(group) == "forwarder");
  CHECK(causes(group) == Causes{"forwarded"});
  // Gmail auto-forwarding: gmail.com envelope, the author's signature intact.
  RecordFacts gmail = record("209.85.220.41", "pass", "fail");
  gmail.spf.push_back(SpfResult{"gmail.com", "mfrom", "pass", ""});
  gmail.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  CHECK(causes(gmail) == Causes{"forwarded"});
  // Microsoft 365 forwarding in another tenant: SRS envelope on the tenant's domain.
  RecordFacts tenant = record("40.107.22.50", "pass", "fail");
  tenant.spf.push_back(SpfResult{"forwarder.example.org", "mfrom", "pass", ""});
  tenant.dkim.push_back(DkimResult{"example.com", "selector1", "pass", ""});
  tenant.dkim.push_back(
      DkimResult{"forwarder.onmicrosoft.com", "selector1-forwarder-org", "pass", ""});
  CHECK(causes(tenant) == Causes{"forwarded"});
  // Workspace routing keeps the envelope but adds the forwarding Workspace's signature.
  RecordFacts routed = record("209.85.220.41", "pass", "fail");
  routed.spf.push_back(SpfResult{"example.com", "mfrom", "softfail", ""});
  routed.dkim.push_back(DkimResult{"example.com", "s1", "pass", ""});
  routed.dkim.push_back(
      DkimResult{"partner-example-org.20230601.gappssmtp.com", "20230601", "pass", ""});
  CHECK(causes(routed) == Causes{"forwarded"});
  // The customer's own Workspace default signature is not another Workspace's.
  RecordFacts own = routed;
  own.dkim = {DkimResult{"example-com.20230601.gappssmtp.com", "20230601", "pass", ""}};
  own.dkim_aligned = "fail";
  CHECK(party_of(own) == "sender");
  CHECK(causes(own) == Causes{"spf_include_missing", "dkim_not_activated"});
}

TEST_CASE("shared platforms: another account sending as the customer is unauthorized") {
  RecordFacts gmail = record("209.85.220.41", "fail", "fail");  // a free Gmail account
  gmail.spf.push_back(SpfResult{"gmail.com", "mfrom", "pass", ""});
  gmail.dkim.push_back(DkimResult{"gmail.com", "20230601", "pass", ""});
  const Attribution a = attribution(gmail);
  CHECK(party_name(a.party) == std::string("unknown"));
  CHECK(causes(gmail) == Causes{"unauthorized"});
  CHECK(a.own_domain_pass);
  REQUIRE(a.sender != nullptr);
  CHECK(a.sender->id == "google-workspace");                    // the platform it came through
  RecordFacts tenant = record("40.107.22.50", "fail", "fail");  // another Microsoft 365 tenant
  tenant.spf.push_back(SpfResult{"othertenant.onmicrosoft.com", "mfrom", "pass", ""});
  tenant.dkim.push_back(DkimResult{"othertenant.onmicrosoft.com", "selector1", "pass", ""});
  CHECK(causes(tenant) == Causes{"unauthorized"});
  RecordFacts workspace = record("209.85.220.41", "fail", "fail");  // another Workspace
  workspace.spf.push_back(SpfResult{"other-company.example", "mfrom", "pass", ""});
  workspace.dkim.push_back(
      DkimResult{"other-company-example.20230601.gappssmtp.com", "20230601", "pass", ""});
  CHECK(causes(workspace) == Causes{"unauthorized"});
}

TEST_CASE("a vendor known only by its signing domain is identified by its signature") {
  RecordFacts intercom = record("203.0.113.9", "fail", "fail");
  intercom.spf.push_back(SpfResult{"intercom-mail.com", "mfrom", "pass", ""});
  intercom.dkim.push_back(DkimResult{"intercom-mail.com", "intercom", "pass", ""});
  CHECK(sender_of(intercom) == "intercom");
  CHECK(party_of(intercom) == "sender");
  CHECK(causes(intercom) == Causes{"spf_not_aligned", "dkim_not_activated"});
  RecordFacts klaviyo = record("203.0.113.10", "fail", "fail");  // no envelope result at all
  klaviyo.dkim.push_back(DkimResult{"klaviyomail.com", "kl", "pass", ""});
  CHECK(sender_of(klaviyo) == "klaviyo");
  CHECK(causes(klaviyo) == Causes{"dkim_not_activated"});
}

TEST_CASE("temperror: left to the weighing across reporters, for DKIM and SPF") {
  RecordFacts dns = record(kSalesforceIp, "fail", "fail");
  dns.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "pass", ""});
  dns.dkim.push_back(DkimResult{"example.com", "sf1", "temperror", ""});
  const Attribution a = attribution(dns);
  CHECK(a.dkim_temperror_only);
  CHECK(graded(a) == Causes{"spf_not_aligned:fail", "dkim_key_unpublished:fail"});
  RecordFacts spf = record(kGoogleIp, "pass", "fail");
  spf.spf.push_back(SpfResult{"example.com", "mfrom", "temperror", ""});
  spf.dkim.push_back(DkimResult{"example.com", "google", "pass", ""});
  const Attribution timeout = attribution(spf);
  CHECK(timeout.spf_temperror_only);
  CHECK(graded(timeout) == Causes{"spf_permerror:warn"});
  RecordFacts near = dns;  // a real failure beside the timeout
  near.dkim.push_back(DkimResult{"example.com", "sf2", "permerror", ""});
  CHECK_FALSE(attribution(near).dkim_temperror_only);
  CHECK(causes(near) == Causes{"spf_not_aligned", "dkim_key_unpublished"});
}

TEST_CASE("a verdict that the reporter's own aligned result contradicts is transient") {
  RecordFacts odd = record(kSalesforceIp, "fail", "fail");  // DKIM passes and aligns, verdict fail
  odd.spf.push_back(SpfResult{"x.bnc.salesforce.com", "mfrom", "pass", ""});
  odd.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  CHECK(graded(attribution(odd)) == Causes{"spf_not_aligned:info", "transient:info"});
  RecordFacts spf =
      record(kSalesforceIp, "fail", "fail");  // SPF passes for the From domain, verdict fail
  spf.spf.push_back(SpfResult{"example.com", "mfrom", "pass", ""});
  CHECK(graded(attribution(spf)) == Causes{"transient:info", "dkim_not_activated:warn"});
  // Under aspf=s a subdomain envelope is not the reporter's error.
  RecordFacts strict = spf;
  strict.spf = {SpfResult{"bounce.example.com", "mfrom", "pass", ""}};
  const Attribution s = attribution(strict, false, true);
  CHECK(s.strict_spf);
  CHECK(graded(s) == Causes{"spf_not_aligned:fail", "dkim_not_activated:fail"});
}

TEST_CASE("a null envelope on a platform: the signatures decide") {
  RecordFacts bounce = record(kGoogleIp, "fail", "fail");
  bounce.spf.push_back(SpfResult{"mail-sor-f41.google.com", "helo", "pass", ""});
  CHECK(party_of(bounce) == "unknown");
  bounce.dkim.push_back(DkimResult{"example-com.20230601.gappssmtp.com", "20230601", "pass", ""});
  CHECK(party_of(bounce) == "sender");
  bounce.dkim = {DkimResult{"other-org.20230601.gappssmtp.com", "20230601", "pass", ""}};
  CHECK(party_of(bounce) == "unknown");
  bounce.dkim = {DkimResult{"example.com", "google", "fail", ""}};
  CHECK(party_of(bounce) == "sender");
}

TEST_CASE("strict alignment is named, not mistaken for a missing set-up") {
  RecordFacts bounce = record(kGoogleIp, "pass", "fail");  // aspf=s, envelope a subdomain
  bounce.spf.push_back(SpfResult{"bounce.example.com", "mfrom", "pass", ""});
  bounce.dkim.push_back(DkimResult{"example.com", "google", "pass", ""});
  const Attribution spf = attribution(bounce, false, true);
  CHECK(graded(spf) == Causes{"spf_not_aligned:info"});
  CHECK(spf.strict_spf);
  RecordFacts parent = record(kSalesforceIp, "fail", "pass");  // adkim=s, the parent's key
  parent.header_from = "news.example.com";
  parent.spf.push_back(SpfResult{"news.example.com", "mfrom", "pass", ""});
  parent.dkim.push_back(DkimResult{"example.com", "sf1", "pass", ""});
  const Attribution dkim = attribution(parent, true, false);
  CHECK(graded(dkim) == Causes{"dkim_not_activated:warn"});
  CHECK(dkim.strict_dkim);
}

TEST_CASE("a mailing-list service of the catalog vouched for by its own SPF is forwarding") {
  // An unsigned message relayed by a list host of the user's catalog: without the
  // entry it is an unknown source failing DMARC.
  RecordFacts list = record("192.0.2.80", "fail", "fail");
  list.spf.push_back(SpfResult{"lists.example.edu", "mfrom", "pass", ""});
  CHECK(party_of(list) == "unknown");
  auto user = Catalog::parse(R"([[sender]]
id = "campus-lists"
name = "Campus mailing lists"
type = "Email Provider"
role = "forwarder"
envelope_is_customer_domain = false
envelope_suffixes = ["lists.example.edu"]
fix = "vendor-envelope"
)",
                             "lists.toml");
  REQUIRE(user.ok());
  Catalog merged = catalog();
  merged.merge(std::move(*user));
  const Identifier identifier(merged);
  const Attribution a = attribute_record(list, identifier.identify(list), false, false);
  CHECK(party_name(a.party) == std::string("forwarder"));
  CHECK(graded(a) == Causes{"forwarded:info"});
}
