// The fix texts in English. One text per cause, with variants per sender where the fix
// differs (Salesforce Setup paths, Google Workspace, Microsoft 365, vendors whose
// envelope is their own). Every value in a text comes from the FixContext; an empty
// list leaves its clause out rather than a gap.
//
// DNS names are written for the From domain (header_from): SPF records and DKIM keys
// belong to the domain in the From header, which may be a subdomain of the policy
// domain. DMARC records are written for the policy domain.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/fix_helpers.h"
#include "analysis/fixes.h"
#include "analysis/texts.h"

namespace dmarcq::analysis {
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

// How a customer tells which of a sender's per-account includes is theirs.
std::string per_account_hint(const Sender& sender) {
  const std::string& hint = sender.spf_include_hint.in(Lang::kEn);
  return hint.empty() ? std::string(" (it depends on the account's region or data centre)")
                      : " (" + hint + ")";
}

// ---- shared pieces of several texts ----------------------------------------------

// How a vendor sets a return-path on the customer's domain; "" when unknown.
// Custom return paths: Amazon SES "Using a custom MAIL FROM domain" (docs.aws.amazon.com),
// SendGrid automated security (em… CNAME), Postmark pm-bounces → pm.mtasv.net, SparkPost
// bounce domains (developers.sparkpost.com), Mandrill sending domains; senders.md §2.
std::string vendor_return_path_hint(FixService service, const std::string& h) {
  switch (service) {
    case FixService::kAmazonSes:
      return "in SES, set a custom MAIL FROM domain such as mail." + h +
             " and publish the MX and TXT (v=spf1 include:amazonses.com ~all) records SES shows "
             "for it";
    case FixService::kSendgrid:
      return "SendGrid's automated security already puts the return path under " + h +
             ", through the CNAME em…." + h;
    case FixService::kPostmark:
      return "publish the CNAME pm-bounces." + h +
             " → pm.mtasv.net and set it as the Return-Path domain in Postmark";
    case FixService::kSparkpost:
      return "add a custom bounce domain in SparkPost, e.g. the CNAME bounce." + h +
             " → sparkpostmail.com";
    case FixService::kMandrill:
      return "set a custom return-path domain for " + h + " in Mandrill's Sending Domains";
    default: return {};
  }
}

std::string envelope_note(const FixContext& context, const std::string& h) {
  const std::string envelope = first_or(context.spf_domains, "");
  if (envelope.empty() || envelope == h) return {};
  return "Receivers checked SPF for " + envelope +
         " (the envelope domain): that name's SPF record needs the same change.";
}

// "the SPF record of H does not authorise", or, where receivers found no record at
// all (SPF none), that there is none to authorise anything.
std::string spf_record_state(const FixContext& context) {
  const std::string envelope = first_or(context.spf_domains, from_domain(context));
  if (context.spf_results.size() == 1 && context.spf_results[0] == "none") {
    return envelope + " publishes no SPF record (receivers found none) to authorise";
  }
  return "the SPF record of " + envelope + " does not authorise";
}

// Why a vendor envelope needs no change: the customer's DKIM key aligns (passing, or
// failing only for the receiver).
std::string dkim_state(const FixContext& context) {
  const std::string h = from_domain(context);
  return context.dkim_really_passes
             ? "DMARC passes on the DKIM signature of " + h
             : "the DKIM key of " + h +
                   " is in place (its failures in these reports were the receivers' own)";
}

// RFC 7208 §4.6.4: at most 10 DNS-querying terms per SPF check, else permerror.
const FixStep kLookupStep{
    "spf-lookups",
    "Count the DNS lookups of the whole record (include, a, mx, exists, redirect, ptr, "
    "nested includes too): more than 10 gives permerror."};

// ---- one function per cause -------------------------------------------------------

FixParts spf_include_missing(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  FixParts out;
  if (service == FixService::kSalesforce) {
    out.summary = "Salesforce sends this mail with " + h + " as envelope sender, but " +
                  spf_record_state(context) + " Salesforce, so SPF fails.";
    out.steps = {
        {"spf-include",
         "Add include:_spf.salesforce.com to the SPF TXT record of " + h +
             ". Keep your other mechanisms (…): a domain has exactly one v=spf1 record.",
         {spf_record(h, {"include:_spf.salesforce.com"})}},
        // 10 DNS-querying terms per check (RFC 7208 §4.6.4); _spf.salesforce.com takes 2
        // (senders.md §2, observed).
        {"spf-lookups",
         "The include costs 2 of the 10 DNS lookups SPF allows: count the whole record, nested "
         "includes too (more than 10 gives permerror)."},
        // Salesforce Help, "Requirements to Send Email from Salesforce" (read 2026-12-07):
        // domain-level verification by an active DKIM key or Authorized Email Domains.
        {std::string(kAlsoDkimKey),
         "Also create and activate a DKIM key in Salesforce (Setup → DKIM Keys, Domain " + h +
             "): DKIM survives forwarding, and since 2026 Salesforce sends from an address on "
             "a domain of yours only once that domain (each subdomain apart) is verified, by "
             "an active DKIM key (Salesforce's recommendation) or an entry in Authorized "
             "Email Domains; mail sent through its Gmail or Office 365 integrations is "
             "exempt."},
    };
    out.checks.push_back(spf_check(Lang::kEn, context, h));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             envelope_is_return_path(context)) {
    // The vendor's custom return path is set up on the customer's domain, but its DNS
    // records are missing or wrong (SendGrid's em… CNAME, SES's MAIL FROM records).
    const std::string envelope = first_or(context.spf_domains, "");
    out.summary = name + " uses " + envelope +
                  " as return path (envelope sender), a name of your domain, but " +
                  spf_record_state(context) + " " + name + " there, so SPF fails for it.";
    out.steps = {
        {"vendor-return-path-records",
         "Publish the DNS records " + name + " shows for the return-path domain " + envelope +
             " (usually a CNAME, or MX and TXT records), exactly as "
             "shown, and verify the domain in " +
             name + ".",
         {return_path_check(envelope)}},
        {std::string(kAlsoDkimKey),
         "Also complete " + name + "'s DKIM for " + h + ": DKIM survives forwarding."},
    };
    out.checks.push_back(spf_check(Lang::kEn, context, envelope));
  } else if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope &&
             !envelope_is_customers(context)) {
    const std::string envelope = first_or(context.spf_domains, "");
    out.summary =
        name + " sends with its own envelope domain" +
        (envelope.empty() ? "" : " (" + envelope + ")") + ", so no include in the SPF record of " +
        h + " can make SPF align" +
        (context.sender->spf_includes.empty()
             ? ""
             : ": adding " + join(prefixed("include:", context.sender->spf_includes), " ") +
                   " would only spend DNS lookups") +
        ". Alignment has to come from DKIM.";
    out.steps = vendor_dkim_steps(Lang::kEn, context);
    out.checks.push_back(dkim_check(Lang::kEn, context, h));
  } else if (context.sender != nullptr) {
    const std::vector<std::string> includes = spf_terms(*context.sender);
    out.summary = name + " sends this mail with " + h + " as envelope sender, but " +
                  spf_record_state(context) + " " + name + ", so SPF fails.";
    FixStep add{"spf-include", "", {}};
    if (includes.empty()) {
      add.text = "Add the SPF mechanism that " + name +
                 " documents (an include: or its ip4:/ip6: addresses) to the SPF TXT record of " +
                 h + " (exactly one v=spf1 record).";
    } else if (context.sender->spf_include_per_account && includes.size() > 1) {
      add.text = "Add the one include " + name + " shows for your account" +
                 per_account_hint(*context.sender) + " to the SPF TXT record of " + h +
                 ". The candidates are " + join(includes, ", ") +
                 "; adding all of them only spends DNS lookups. Keep your other mechanisms "
                 "(…): a domain has exactly one v=spf1 record.";
      add.records = {spf_record(h, {"include:…"})};
    } else {
      add.text = "Add " + join(includes, " ") + " to the SPF TXT record of " + h +
                 ". Keep your other mechanisms (…): a domain has exactly one v=spf1 record.";
      add.records = {spf_record(h, includes)};
    }
    out.steps = {
        add,
        kLookupStep,
        {std::string(kAlsoDkimKey),
         "Also enable DKIM for " + h + " at " + name + ": DKIM survives forwarding."},
    };
    out.checks.push_back(spf_check(Lang::kEn, context, h));
  } else {
    const std::string ips = join(context.source_ips);
    out.summary = "This source" + (ips.empty() ? "" : " (" + ips + ")") + " sends with " + h +
                  " as envelope sender, but the SPF record of " + h +
                  " does not authorise it, so SPF fails.";
    out.steps = {
        {"spf-include",
         "Find the service or server that uses these IPs and add the SPF mechanism it documents "
         "(an include: or ip4:/ip6: term) to the SPF TXT record of " +
             h + "; keep exactly one v=spf1 record."},
        kLookupStep,
        {std::string(kAlsoDkimKey), "Also set up DKIM for " + h + " at that service."},
    };
  }
  const std::string note = envelope_note(context, h);
  if (!note.empty() &&
      (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope)) {
    out.notes.push_back(note);
  }
  return out;
}

// aspf=s: SPF passes for a subdomain or the parent of the From domain.
FixParts spf_strict(const FixContext& context) {
  const std::string h = from_domain(context);
  const std::string p = policy_domain(context);
  const std::string envelope = first_or(context.spf_domains, "another name");
  FixParts out;
  out.summary =
      "SPF passes for " + envelope + ", but the DMARC record of " + p +
      " has aspf=s (strict alignment), which accepts only an envelope domain of exactly " + h + ".";
  out.steps = {
      {"relax-aspf",
       "Either relax SPF alignment: remove aspf=s from the TXT record at _dmarc." + p +
           " (relaxed is the default; keep the other tags), so that any name under " +
           organizational(h) + " aligns:",
       {dmarc_record(context, published_policy(context))}},
  };
  // A vendor's return path is a name of its own under the domain (Amazon SES's custom
  // MAIL FROM must be a subdomain): only a sender whose envelope is the customer's can
  // use the From domain itself.
  if (context.sender == nullptr || context.sender->fix_style != FixStyle::kVendorEnvelope) {
    out.alternative_title = text(Lang::kEn, "fix.or_title");
    out.alternative = {{"exact-envelope", "Have " + sender_name(context) +
                                              " use an envelope (Return-Path) address of exactly " +
                                              h + "."}};
  }
  if (context.dkim_passes) {
    out.summary += " DKIM aligns all the same (" + dkim_state(context) + "): this is optional.";
  }
  return out;
}

FixParts spf_not_aligned(const FixContext& context) {
  if (context.strict_spf) return spf_strict(context);
  const std::string h = from_domain(context);
  const std::string name = sender_name(context);
  const FixService service = fix_service(context.sender);
  const std::string envelope = first_or(context.spf_domains, "");
  FixParts out;
  if (service == FixService::kSalesforce) {
    const std::string bnc =
        (envelope.empty() ? std::string("a") : envelope + ", a") +
        " *.bnc.salesforce.com address that Salesforce sets as envelope sender when " +
        quoted("Activate bounce management") + " or " +
        quoted("Enable compliance with standard email security mechanisms") + " is on";
    if (context.dkim_passes) {
      out.summary = "SPF passes for " + bnc + "; it does not align with " + h + ", but " +
                    dkim_state(context) + ": nothing needs to change.";
      out.alternative_title = "Optional, to have SPF align too:";
      out.alternative = salesforce_settings_off_steps(Lang::kEn, h);
      return out;
    }
    if (context.dkim_key_exists) {
      out.summary = "SPF passes only for " + bnc + "; it can never align with " + h +
                    ", so DMARC rests on the DKIM key: once its signatures pass again (the DKIM "
                    "fix of this finding), "
                    "nothing else is needed.";
      out.alternative_title = "Optional, to have SPF align too:";
      out.alternative = salesforce_settings_off_steps(Lang::kEn, h);
      return out;
    }
    out.summary = "SPF passes only for " + bnc + "; it can never align with " + h + ".";
    out.steps_title = "Preferred fix, DKIM:";
    out.steps = salesforce_dkim_steps(Lang::kEn, context);
    out.checks.push_back(dkim_check(Lang::kEn, context, h));
    out.alternative_title = "Alternative if DKIM is impossible:";
    out.alternative = salesforce_settings_off_steps(Lang::kEn, h);
    return out;
  }
  if (context.sender != nullptr && context.sender->fix_style == FixStyle::kVendorEnvelope) {
    const std::string own = envelope.empty() ? name + "'s own bounce domain"
                                             : envelope + ", " + name + "'s own bounce domain";
    const std::string return_path = vendor_return_path_hint(service, h);
    const FixStep optional{"vendor-return-path",
                           return_path.empty()
                               ? "Set a custom return-path (bounce) domain at " + name +
                                     ", a subdomain of " + h + " such as bounce." + h + ", if " +
                                     name + " supports it, and publish the records it shows."
                               : "Set a custom return path: " + return_path + "."};
    if (context.dkim_passes) {
      out.summary = "SPF passes for " + own + ", which does not align with " + h + "; " +
                    dkim_state(context) + ": nothing needs to change.";
      out.alternative_title = "Optional, to have SPF align too:";
      out.alternative = {optional};
      return out;
    }
    if (context.dkim_key_exists) {
      out.summary = "SPF passes only for " + own + ", which does not align with " + h +
                    ", so DMARC rests on the DKIM key: once its signatures pass again (the DKIM "
                    "fix of this finding), "
                    "nothing else is needed.";
      out.alternative_title = "Optional, to have SPF align too:";
      out.alternative = {optional};
      return out;
    }
    out.summary = "SPF passes only for " + own + ", which does not align with " + h +
                  ". DMARC needs only one aligned pass: DKIM with d=" + h + " is the way.";
    out.steps = vendor_dkim_steps(Lang::kEn, context);
    out.checks.push_back(dkim_check(Lang::kEn, context, h));
    out.alternative_title = "Optional, for SPF alignment too:";
    out.alternative = {optional};
    return out;
  }
  out.summary = "The envelope sender domain" +
                (envelope.empty() || envelope == h ? std::string() : " " + envelope) + " is not " +
                h + " (nor a domain aligned with it), so SPF passes but does not align.";
  out.steps = {
      {"exact-envelope",
       "Configure " + name + " to use an address of " + h +
           " (or of a subdomain of it) as envelope sender (Return-Path), and authorise the sender "
           "in that domain's SPF record."},
      {std::string(kAlsoDkimKey), "Or rely on DKIM: have " + name + " sign with d=" + h + "."},
  };
  return out;
}

}  // namespace

FixParts fix_parts_en(Cause cause, const FixContext& context) {
  switch (cause) {
    case Cause::kSpfIncludeMissing: return spf_include_missing(context);
    case Cause::kSpfNotAligned: return spf_not_aligned(context);
    case Cause::kDkimNotActivated: return dkim_not_activated(Lang::kEn, context);
    case Cause::kDkimKeyUnpublished: return dkim_key_unpublished(Lang::kEn, context);
    case Cause::kSpfPermerror: return source_fix_parts(cause, Lang::kEn, context);
    case Cause::kForwarded: return source_fix_parts(cause, Lang::kEn, context);
    case Cause::kUnauthorized: return source_fix_parts(cause, Lang::kEn, context);
    case Cause::kTransient: return source_fix_parts(cause, Lang::kEn, context);
    case Cause::kPolicyNone: return domain_fix_parts(cause, Lang::kEn, context);
    case Cause::kPolicyPartial: return domain_fix_parts(cause, Lang::kEn, context);
    case Cause::kPolicyTesting: return domain_fix_parts(cause, Lang::kEn, context);
    case Cause::kSubdomainPolicyMissing: return domain_fix_parts(cause, Lang::kEn, context);
    case Cause::kEnforcementReadiness: return domain_fix_parts(cause, Lang::kEn, context);
  }
  return {};
}

}  // namespace dmarcq::analysis
