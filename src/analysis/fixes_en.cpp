// The fix texts in English, and the dispatch on language. One text per cause, with
// variants per sender where the fix differs (Salesforce Setup paths, Google Workspace,
// Microsoft 365, vendors whose envelope is their own). Every value in a text comes
// from the FixContext; an empty list leaves its clause out rather than a gap.
//
// DNS names are written for the From domain (header_from): SPF records and DKIM keys
// belong to the domain in the From header, which may be a subdomain of the policy
// domain. DMARC records are written for the policy domain.
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"

namespace dmarcq::analysis {

// ---- shared with fixes_ja.cpp -----------------------------------------------------

FixService fix_service(const Sender* sender) {
  if (sender == nullptr) return FixService::kOther;
  if (sender->fix_style == FixStyle::kSalesforce) return FixService::kSalesforce;
  struct ById {
    std::string_view id;
    FixService service;
  };
  static constexpr ById kById[] = {
      {"google-workspace", FixService::kGoogleWorkspace},
      {"microsoft-365", FixService::kMicrosoft365},
      {"amazon-ses", FixService::kAmazonSes},
      {"sendgrid", FixService::kSendgrid},
      {"mailchimp", FixService::kMailchimp},
      {"mandrill", FixService::kMandrill},
      {"mailgun", FixService::kMailgun},
      {"postmark", FixService::kPostmark},
      {"sparkpost", FixService::kSparkpost},
      {"brevo", FixService::kBrevo},
      {"hubspot", FixService::kHubspot},
      {"zendesk", FixService::kZendesk},
  };
  for (const ById& entry : kById) {
    if (sender->id == entry.id) return entry.service;
  }
  for (const std::string& include : sender->spf_includes) {
    if (include == "_spf.google.com") return FixService::kGoogleWorkspace;
    if (include == "spf.protection.outlook.com") return FixService::kMicrosoft365;
  }
  return FixService::kOther;
}

std::string format_share(double percent) {
  if (!std::isfinite(percent) || percent < 0) percent = 0;
  if (percent > 100) percent = 100;
  // The epsilon keeps 97.3 (stored as 97.29999...) from printing as 97.2.
  const long tenths = static_cast<long>(std::floor(percent * 10 + 1e-6));
  char buffer[32];
  if (tenths % 10 == 0) {
    std::snprintf(buffer, sizeof buffer, "%ld", tenths / 10);
  } else {
    std::snprintf(buffer, sizeof buffer, "%ld.%ld", tenths / 10, tenths % 10);
  }
  return buffer;
}

namespace {

using namespace fix_helpers;  // NOLINT: the shared helpers read as local ones

// ---- small helpers (the shared ones are in fix_helpers.h) -------------------------

std::string sender_name(const FixContext& context) {
  if (context.sender == nullptr) return "the sending service";
  if (!context.sender->name.empty()) return context.sender->name;
  if (!context.sender->id.empty()) return context.sender->id;
  return "the sending service";
}

std::string quoted(std::string_view label) { return "\"" + std::string(label) + "\""; }

// ---- shared pieces of several texts ----------------------------------------------

std::vector<std::string> salesforce_dkim_steps(const FixContext& context) {
  const std::string h = from_domain(context);
  const auto [selector, alternate] = salesforce_selectors(context);
  return {
      "Salesforce Setup → DKIM Keys → Create New Key: RSA key size 2048, Selector " + selector +
          ", Alternate Selector " + alternate + " (any names not yet used under " + h +
          "), Domain " + h + " (exactly the From domain: each subdomain needs its own key), Domain Match Pattern " +
          h + "; Save.",
      "When the key's page shows them (usually within minutes), publish BOTH CNAME records in the DNS of " +
          h + ", copying the targets exactly: " + selector + "._domainkey." + h + " → " + selector +
          ".….custdkim.salesforce.com (CNAME Record) and " + alternate + "._domainkey." + h + " → " +
          alternate + ".….custdkim.salesforce.com (Alternate CNAME Record).",
      "Wait until Salesforce detects both CNAMEs (usually minutes after the DNS change; " +
          quoted("Activate") + " stays greyed out until then).",
      "Press " + quoted("Activate") +
          " on the key. Keep both CNAMEs published for good: Salesforce rotates the key every 30 days.",
  };
}

std::vector<std::string> google_dkim_steps(const std::string& h) {
  return {
      "Google Admin console → Apps → Google Workspace → Gmail → " + quoted("Authenticate email") +
          ": select " + h + " and generate a new record (2048-bit key, prefix selector google).",
      "Publish the TXT record google._domainkey." + h + " with the value shown.",
      "Back in " + quoted("Authenticate email") + ", press " + quoted("Start authentication") +
          " (often forgotten: until then Gmail keeps signing with d=….gappssmtp.com).",
  };
}

std::vector<std::string> microsoft_dkim_steps(const std::string& h) {
  return {
      "Microsoft Defender portal → Email & collaboration → Policies & rules → Threat policies → "
      "Email authentication settings → DKIM: select " +
          h + " (create the DKIM keys if asked).",
      "Publish the two CNAME records shown there, selector1._domainkey." + h + " and selector2._domainkey." +
          h + ", with exactly the targets shown (….onmicrosoft.com or ….dkim.mail.microsoft).",
      "Once DNS has the records, turn on " + quoted("Sign messages for this domain with DKIM signatures") +
          " for " + h + ".",
  };
}

// Where a vendor's DKIM records are set up and what they look like; "" when unknown.
std::string vendor_dkim_hint(FixService service, const std::string& h) {
  switch (service) {
    case FixService::kAmazonSes:
      return "Amazon SES console → Identities → " + h +
             " → Authentication, Easy DKIM: three CNAME records …._domainkey." + h +
             " → ….dkim.amazonses.com";
    case FixService::kSendgrid:
      return "SendGrid Settings → Sender Authentication → Authenticate Your Domain, automated security on: "
             "CNAME records em…." +
             h + ", s1._domainkey." + h + " and s2._domainkey." + h + " → ….sendgrid.net";
    case FixService::kMailchimp:
      return "Mailchimp's domain settings → Authenticate: CNAME records k2._domainkey." + h +
             " → dkim2.mcsv.net and k3._domainkey." + h + " → dkim3.mcsv.net";
    case FixService::kMandrill:
      return "Mandrill's Sending Domains: CNAME records mte1._domainkey." + h +
             " → dkim1.mandrillapp.com and mte2._domainkey." + h +
             " → dkim2.mandrillapp.com; Mandrill refuses unverified domains";
    case FixService::kMailgun:
      return "Mailgun's domain settings → DNS records: the TXT record …._domainkey." + h +
             " with the selector Mailgun shows, or under the sending domain you added, such as mg." + h;
    case FixService::kPostmark:
      return "Postmark's Sender Signatures → the domain's DNS settings: the TXT record …pm._domainkey." + h;
    case FixService::kSparkpost:
      return "SparkPost's Sending Domains: the TXT record scph…._domainkey." + h;
    case FixService::kBrevo:
      return "Brevo's domain settings → Authenticate: the Brevo code TXT record and the DKIM records shown";
    case FixService::kHubspot:
      return "HubSpot's Email Sending Domains → Connect: CNAME records hs1-…._domainkey." + h + " and hs2-…._domainkey." +
             h + " → ….hubspotemail.net";
    case FixService::kZendesk:
      return "CNAME records zendesk1._domainkey." + h + " → zendesk1._domainkey.zendesk.com and zendesk2._domainkey." +
             h + " → zendesk2._domainkey.zendesk.com; turn DKIM on in Zendesk only after both resolve";
    default:
      return {};
  }
}

// How a vendor sets a return-path on the customer's domain; "" when unknown.
std::string vendor_return_path_hint(FixService service, const std::string& h) {
  switch (service) {
    case FixService::kAmazonSes:
      return "in SES, set a custom MAIL FROM domain such as mail." + h +
             " and publish the MX and TXT (v=spf1 include:amazonses.com ~all) records SES shows for it";
    case FixService::kSendgrid:
      return "SendGrid's automated security already puts the return path under " + h + ", through the CNAME em…." + h;
    case FixService::kPostmark:
      return "publish the CNAME pm-bounces." + h + " → pm.mtasv.net and set it as the Return-Path domain in Postmark";
    case FixService::kSparkpost:
      return "add a custom bounce domain in SparkPost, e.g. the CNAME bounce." + h + " → sparkpostmail.com";
    case FixService::kMandrill:
      return "set a custom return-path domain for " + h + " in Mandrill's Sending Domains";
    default:
      return {};
  }
}

std::string envelope_note(const FixContext& context, const std::string& h) {
  const std::string envelope = first_or(context.spf_domains, "");
  if (envelope.empty() || envelope == h) return {};
  return "Receivers checked SPF for " + envelope +
         " (the envelope domain): that name's SPF record needs the same change.";
}

// ---- one function per cause -------------------------------------------------------

std::string spf_include_missing(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  std::string out;
  if (service == FixService::kSalesforce) {
    out = "Salesforce sends this mail with " + h +
          " as envelope sender, but the SPF record of " + h + " does not authorise Salesforce, so SPF fails.";
    add_steps(out, {
                       "Add include:_spf.salesforce.com to the SPF TXT record of " + h +
                           ", e.g. v=spf1 … include:_spf.salesforce.com ~all (keep your other mechanisms; "
                           "exactly one v=spf1 record).",
                       "The include costs 2 of the 10 DNS lookups SPF allows: count the whole record, "
                       "nested includes too (more than 10 gives permerror).",
                       "Also create and activate a DKIM key in Salesforce (Setup → DKIM Keys, Domain " + h +
                           "): DKIM survives forwarding, and since 2026 Salesforce only sends from domains "
                           "verified by an active DKIM key (or an Authorized Email Domain).",
                   });
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope) {
    const std::string envelope = first_or(context.spf_domains, "");
    out = name + " sends with its own envelope domain" + (envelope.empty() ? "" : " (" + envelope + ")") +
          ", so no include in the SPF record of " + h + " can make SPF align" +
          (context.sender->spf_includes.empty()
               ? ""
               : ": adding " + join(prefixed("include:", context.sender->spf_includes), " ") +
                     " would only spend DNS lookups") +
          ". Alignment has to come from DKIM.";
    const std::string hint = vendor_dkim_hint(service, h);
    add_steps(out, {
                       "Complete " + name + "'s domain authentication for " + h +
                           ": publish the DKIM records it shows" + (hint.empty() ? "" : " (" + hint + ")") +
                           " and verify them in " + name + ".",
                       "Check that " + name + " now signs with d=" + h + ".",
                   });
  } else if (context.sender != nullptr) {
    const std::vector<std::string> includes = prefixed("include:", context.sender->spf_includes);
    out = name + " sends this mail with " + h + " as envelope sender, but the SPF record of " + h +
          " does not authorise " + name + ", so SPF fails.";
    add_steps(out, {
                       includes.empty()
                           ? "Add the SPF include that " + name + " documents to the SPF TXT record of " + h +
                                 " (exactly one v=spf1 record)."
                           : "Add " + join(includes, " ") + " to the SPF TXT record of " + h + ", e.g. v=spf1 … " +
                                 join(includes, " ") + " ~all (keep your other mechanisms; exactly one v=spf1 record).",
                       "Count the DNS lookups of the whole record (include, a, mx, exists, redirect, ptr, "
                       "nested includes too): more than 10 gives permerror.",
                       "Also enable DKIM for " + h + " at " + name + ": DKIM survives forwarding.",
                   });
  } else {
    const std::string ips = join(context.source_ips);
    out = "This source" + (ips.empty() ? "" : " (" + ips + ")") + " sends with " + h +
          " as envelope sender, but the SPF record of " + h + " does not authorise it, so SPF fails.";
    add_steps(out, {
                       "Find the service or server that uses these IPs and add the SPF mechanism it documents "
                       "(an include: or ip4:/ip6: term) to the SPF TXT record of " +
                           h + "; keep exactly one v=spf1 record.",
                       "Count the DNS lookups of the whole record (include, a, mx, exists, redirect, ptr, "
                       "nested includes too): more than 10 gives permerror.",
                       "Also set up DKIM for " + h + " at that service.",
                   });
  }
  const std::string note = envelope_note(context, h);
  if (!note.empty() && (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope)) {
    out += "\n" + note;
  }
  return out;
}

std::string spf_not_aligned(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  const std::string envelope = first_or(context.spf_domains, "");
  std::string out;
  if (service == FixService::kSalesforce) {
    out = "SPF passes only for " + (envelope.empty() ? std::string("a") : envelope + ", a") +
          " *.bnc.salesforce.com address that Salesforce sets as envelope sender when " +
          quoted("Activate bounce management") + " or " +
          quoted("Enable compliance with standard email security mechanisms") +
          " is on; it can never align with " + h + ".";
    out += "\nPreferred fix, DKIM:";
    add_steps(out, salesforce_dkim_steps(context));
    out += "\nAlternative if DKIM is impossible:";
    add_steps(out, {
                       "Setup → Deliverability: turn off " + quoted("Activate bounce management") + ", " +
                           quoted("Enable compliance with standard email security mechanisms") + " and " +
                           quoted("Enable Sender ID compliance") +
                           " (Salesforce then uses the sender's own address as envelope).",
                       "Make sure the SPF record of " + h +
                           " contains include:_spf.salesforce.com. The include alone does not help while "
                           "those settings are on.",
                   });
    return out;
  }
  if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope) {
    out = "SPF passes only for " + (envelope.empty() ? name + "'s own bounce domain" : envelope + ", " + name + "'s own bounce domain") +
          ", which does not align with " + h +
          ". DMARC needs only one aligned pass: with DKIM for " + h + " passing, nothing more is needed.";
    const std::string dkim_hint = vendor_dkim_hint(service, h);
    const std::string return_path = vendor_return_path_hint(service, h);
    add_steps(out, {
                       "Make sure " + name + " signs with d=" + h + ": complete its domain authentication" +
                           (dkim_hint.empty() ? "" : " (" + dkim_hint + ")") + ".",
                       "Optional, for SPF alignment too: " +
                           (return_path.empty() ? "set a custom return-path (bounce) domain at " + name +
                                                      ", a subdomain of " + h + " such as bounce." + h +
                                                      ", if " + name + " supports it, and publish the records it shows"
                                                : return_path) +
                           ".",
                   });
    return out;
  }
  out = "The envelope sender domain" + (envelope.empty() || envelope == h ? std::string() : " " + envelope) +
        " is not " + h + " (nor a domain aligned with it), so SPF passes but does not align.";
  add_steps(out, {
                     "Configure " + name + " to use an address of " + h + " (or of a subdomain of it) as envelope "
                     "sender (Return-Path), and authorise the sender in that domain's SPF record.",
                     "Or rely on DKIM: have " + name + " sign with d=" + h + ".",
                 });
  return out;
}

std::string dkim_not_activated(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  const std::string others = other_dkim_domains(context, h);
  std::string out;
  switch (service) {
    case FixService::kSalesforce:
      out = "Salesforce mail from " + h + " carries no DKIM signature for " + h +
            ": no active Salesforce DKIM key covers this domain.";
      if (!others.empty()) {
        out += " Signatures seen are for " + others + ": a key for another domain does not cover " + h +
               ", it needs its own key.";
      }
      add_steps(out, salesforce_dkim_steps(context));
      return out;
    case FixService::kGoogleWorkspace:
      out = "Google Workspace mail from " + h + " is not signed with d=" + h +
            (others.empty() ? std::string() : " (only with " + others + ", Google's default)") +
            ": DKIM for " + h + " was never set up, or " + quoted("Start authentication") + " was not pressed.";
      add_steps(out, google_dkim_steps(h));
      return out;
    case FixService::kMicrosoft365:
      out = "Microsoft 365 mail from " + h + " is not signed with d=" + h +
            (others.empty() ? std::string() : " (only with " + others + ", the tenant's default)") +
            ": DKIM signing is not enabled for " + h + ".";
      add_steps(out, microsoft_dkim_steps(h));
      return out;
    default:
      break;
  }
  if (context.sender == nullptr) {
    const std::string ips = join(context.source_ips);
    out = "Mail from " + h + " sent by this source" + (ips.empty() ? "" : " (" + ips + ")") +
          " carries no DKIM signature for " + h + (others.empty() ? "" : " (only " + others + ")") + ".";
    add_steps(out, {
                       "Find the service that sends from these IPs and set up DKIM for " + h +
                           " there: publish the selector record it gives (a TXT or CNAME under _domainkey." + h +
                           ") and turn signing on.",
                       "Check the next reports: its mail should show DKIM pass with d=" + h + ".",
                   });
    return out;
  }
  out = "Mail from " + h + " sent through " + name + " is not signed with d=" + h +
        (others.empty() ? std::string() : " (signed with " + others + " instead)") + ": " + name +
        "'s domain authentication for " + h + " is not complete.";
  std::string records = vendor_dkim_hint(service, h);
  if (records.empty() && !context.sender->dkim_cname_suffixes.empty()) {
    std::vector<std::string> targets;
    for (const std::string& suffix : context.sender->dkim_cname_suffixes) {
      if (!suffix.empty()) targets.push_back(cname_target(suffix));
    }
    records = "CNAME records …._domainkey." + h + " pointing to " + join(targets, " or ");
  }
  add_steps(out, {
                     "In " + name + ", start domain authentication (DKIM) for " + h + ".",
                     "Publish the DKIM records it shows in the DNS of " + h +
                         (records.empty() ? std::string(", exactly as shown") : ": " + records) + ".",
                     "Verify the domain in " + name + " and check that signing with d=" + h + " is on.",
                 });
  if (context.sender->fix_style == FixStyle::kVendorEnvelope) {
    out += "\nAdding " + name + "'s include to the SPF record of " + h +
           " will not fix DMARC: its envelope domain is its own.";
  }
  return out;
}

std::string dkim_key_unpublished(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  const FailingKey key = failing_key(context);
  const std::string& d = key.domain;
  const std::string selectors = join(context.dkim_selectors);
  const std::string results = join(context.dkim_results);
  const bool weak = key.weak;
  const bool missing = key.missing;
  const std::vector<std::string>& records = key.records;
  const std::string record_names =
      records.empty() ? "the selector's record under _domainkey." + d +
                            " (the selector is the s= tag of the DKIM-Signature header)"
                      : join(records);

  std::string out = "DKIM signatures with d=" + join(context.dkim_domains.empty() ? std::vector<std::string>{d}
                                                                                 : context.dkim_domains) +
                    (selectors.empty() ? "" : " s=" + selectors) + " fail" +
                    (results.empty() ? "" : " (" + results + ")");
  if (missing) {
    out += ": receivers could not use the key, because the selector record is missing, wrong or revoked.";
  } else if (weak) {
    out += ": receivers refused the key.";
  } else {
    out += ": receivers could not fetch the key.";
  }
  std::vector<std::string> steps;
  if (missing) {
    if (service == FixService::kSalesforce) {
      const std::string selector = first_or(context.dkim_selectors, "");
      steps.push_back("Salesforce Setup → DKIM Keys → the key for " + d + ": republish " +
                      (selector.empty() ? std::string("its CNAME records")
                                        : "the CNAME for selector " + selector + " (" + selector + "._domainkey." +
                                              d + " → " + selector + ".….custdkim.salesforce.com)") +
                      " exactly as on the key's detail page.");
      steps.push_back(
          "Keep both the CNAME Record and the Alternate CNAME Record published: Salesforce rotates the key every "
          "30 days, so a missing one breaks signing every other period.");
    } else {
      steps.push_back("Publish or correct " + record_names + " exactly as " + name +
                      " shows it (CNAME or TXT; the whole value, no extra quotes or line breaks).");
      steps.push_back("If the record exists but has an empty p=, the key was revoked: re-enable or rotate the key at " +
                      name + " and publish the new record.");
    }
  }
  if (weak) {
    if (service == FixService::kSalesforce) {
      steps.push_back(
          "The result policy means the key is too weak (under 1024 bits) or rsa-sha1: in Setup → DKIM Keys → "
          "Create New Key, make a 2048-bit key for " +
          d + " with new selectors, publish both of its CNAMEs, press " + quoted("Activate") +
          ", then deactivate the old key.");
    } else {
      steps.push_back(
          "The result policy means the key is too weak (under 1024 bits) or rsa-sha1: generate a 2048-bit RSA "
          "key (rsa-sha256) at " +
          name + ", publish its record under _domainkey." + d + " and retire the old key.");
    }
  }
  if (contains(context.dkim_results, "temperror")) {
    steps.push_back("temperror means the receiver's DNS query for the key timed out; if it persists, check the "
                    "authoritative DNS servers of " +
                    d + ".");
  }
  add_steps(out, steps);
  return out;
}

std::string spf_permerror(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string record = first_or(context.spf_domains, h);
  std::string out = "The SPF record of " + record +
                    " is broken: receivers got permerror, so SPF fails for all mail from " + h +
                    ", legitimate or not. Usual causes: more than 10 DNS lookups across includes, more than 2 "
                    "void lookups (names that do not exist or have no record), two v=spf1 records, or a syntax "
                    "error.";
  add_steps(out, {
                     "Count the lookups: every include, a, mx, exists, redirect and ptr term counts, including "
                     "those inside includes (e.g. _spf.google.com 4, _spf.salesforce.com 2, sendgrid.net 2); "
                     "ip4, ip6 and all are free.",
                     "Remove includes of services you no longer use and of senders that cannot align anyway "
                     "(vendors whose envelope domain is their own align through DKIM, not SPF).",
                     "Move bulk senders to their own subdomains of " + policy_domain(context) +
                         ", each with its own SPF record.",
                     "Publish exactly one TXT record starting with v=spf1 at " + record +
                         ", check its syntax, and put exists-style includes such as _spf.salesforce.com last "
                         "(each costs a void lookup for IPs it does not list).",
                 });
  return out;
}

std::string forwarded(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string ips = join(context.source_ips);
  std::string out = "Mail from " + h + " was forwarded or went through a mailing list" +
                    (ips.empty() ? "" : " (" + ips + ")") +
                    ": the forwarder's IP is not in your SPF record (SPF fails) and lists often change the "
                    "subject or body (DKIM fails). Nothing to fix at the source.";
  add_steps(out, {
                     "Keep DKIM signing with d=" + h + " on every sending stream: an intact DKIM signature is what "
                     "survives forwarding.",
                     "Do NOT add the forwarder's IPs or include to the SPF record of " + h +
                         ": that would let it send any mail as " + h + ".",
                     "ARC lets receivers trust the forwarder's authentication results; it is set up by the "
                     "forwarder, not by you.",
                 });
  return out;
}

std::string unauthorized(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string ips = join(context.source_ips);
  const bool one = context.source_ips.size() == 1;
  std::string out = (ips.empty() ? std::string("These sources are") : (one ? "The source " : "The sources ") + ips +
                                                                           (one ? " is" : " are")) +
                    " not a known sender and " + (one ? "fails" : "fail") + " both SPF and DKIM for " + h + ".";
  add_steps(out, {
                     "If you recognise " + std::string(one ? "it" : "them") +
                         " (a service you use, a server of your own), set it up: add its SPF include (or "
                         "ip4:/ip6: term) to the SPF record of " +
                         h + " and enable DKIM for " + h + " at that service.",
                     "Otherwise it is spoofing: there is nothing to fix at the source.",
                     "Once all legitimate sources pass, move the DMARC policy of " + policy_domain(context) +
                         " to p=quarantine and then p=reject, so receivers stop delivering such mail.",
                 });
  return out;
}

std::string readiness_clause(double share) {
  return format_share(share) + "% of legitimate mail passes DMARC (" +
         (share >= kEnforcementReadyShare ? "ready" : "not yet ready") + ": the threshold is " +
         format_share(kEnforcementReadyShare) + "%)";
}

std::string policy_none(const FixContext& context) {
  const std::string p = policy_domain(context);
  std::string out = "The DMARC policy of " + p +
                    " is p=none: receivers take no action on mail that fails DMARC, so spoofed mail is still "
                    "delivered (Gmail's and Yahoo's bulk-sender rules only require that a record exists).";
  add_steps(out, {
                     "Fix the failing legitimate sources first. Now " + readiness_clause(context.pass_share) + ".",
                     "Then change the TXT record at _dmarc." + p +
                         " to v=DMARC1; p=quarantine; rua=mailto:… (keep your current rua= address).",
                     "After a few weeks without legitimate failures, move to p=reject.",
                 });
  return out;
}

std::string policy_partial(const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = context.policy.empty() ? std::string("none") : context.policy;
  const std::string pct = std::to_string(context.pct);
  std::string lower;
  if (policy == "reject") lower = " (the rest gets quarantine)";
  if (policy == "quarantine") lower = " (the rest is delivered as with p=none)";
  std::string out = "The DMARC record of " + p + " has pct=" + pct + ": only " + pct +
                    "% of failing mail gets p=" + policy + lower + ".";
  add_steps(out, {
                     "Raise pct to 100, or better remove the tag: pct is gone in DMARCbis (RFC 9989), so newer "
                     "receivers ignore it.",
                     "The record at _dmarc." + p + " then reads v=DMARC1; p=" + policy +
                         "; rua=mailto:… (keep your current rua= address and other tags).",
                 });
  return out;
}

std::string subdomain_policy_missing(const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string policy = context.policy.empty() ? std::string("none") : context.policy;
  std::string out = "The DMARC record of " + p + " has no sp= (and no np=): subdomains of " + p +
                    " inherit p=" + policy + ", including names that do not exist, which spoofers like to use.";
  add_steps(out, {
                     "Add sp= with the policy you want for subdomains (sp=quarantine or sp=reject once their "
                     "senders pass).",
                     "Add np=reject for non-existent subdomains (RFC 9989): mail from a name without DNS records "
                     "is never legitimate.",
                     "Example: v=DMARC1; p=" + policy + "; sp=" + policy + "; np=reject; rua=mailto:… (keep your current rua= address).",
                 });
  return out;
}

std::string enforcement_readiness(const FixContext& context) {
  const std::string p = policy_domain(context);
  const std::string share = format_share(context.pass_share);
  const bool ready = context.pass_share >= kEnforcementReadyShare;
  std::string out = share + "% of the legitimate mail of " + p +
                    " (not counting forwarded and unauthorized mail) passes DMARC: " +
                    (ready ? "ready for enforcement" : "not yet ready for enforcement") + " (the threshold is " +
                    format_share(kEnforcementReadyShare) + "%).";
  if (ready) {
    if (context.policy == "reject") {
      add_steps(out, {"Keep p=reject and watch the reports for new failing sources."});
    } else if (context.policy == "quarantine") {
      add_steps(out, {"Move the policy of " + p + " from p=quarantine to p=reject.",
                      "Keep watching the reports for new failing sources."});
    } else {
      add_steps(out, {"Move the policy of " + p + " to p=quarantine, then to p=reject after a few weeks.",
                      "Keep watching the reports for new failing sources."});
    }
  } else {
    add_steps(out, {"Fix the failing sources listed in this report first (each has its own fix).",
                    "Move to enforcement (p=quarantine, then p=reject) once " +
                        format_share(kEnforcementReadyShare) + "% or more passes."});
  }
  return out;
}

}  // namespace

std::string fix_text_en(Cause cause, const FixContext& context) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return spf_include_missing(context);
    case Cause::kSpfNotAligned: return spf_not_aligned(context);
    case Cause::kDkimNotActivated: return dkim_not_activated(context);
    case Cause::kDkimKeyUnpublished: return dkim_key_unpublished(context);
    case Cause::kSpfPermerror: return spf_permerror(context);
    case Cause::kForwarded: return forwarded(context);
    case Cause::kUnauthorized: return unauthorized(context);
    case Cause::kPolicyNone: return policy_none(context);
    case Cause::kPolicyPartial: return policy_partial(context);
    case Cause::kSubdomainPolicyMissing: return subdomain_policy_missing(context);
    case Cause::kEnforcementReadiness: return enforcement_readiness(context);
  }
  return {};
}

std::string fix_text(Cause cause, Lang lang, const FixContext& context) {
  return lang == Lang::kJa ? fix_text_ja(cause, context) : fix_text_en(cause, context);
}

}  // namespace dmarcq::analysis
