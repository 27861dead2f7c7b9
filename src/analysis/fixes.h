// Private to analysis/: the fix texts. One implementation per cause picks the variant,
// the steps and the records (fixes_domain.cpp, fixes_sources.cpp, fixes_senders.cpp);
// the wording in each language comes from schema/text/<lang>.toml (texts.h). Each text
// tells a mail admin exactly what to change, in DNS or at
// the sender, with the values seen in the reports filled in.
#ifndef DMARCQ_ANALYSIS_FIXES_H_
#define DMARCQ_ANALYSIS_FIXES_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

// The values a fix text is written from. Lists are sorted by messages, most first,
// and hold at most a few entries.
struct FixContext {
  std::string domain;              // the DMARC policy domain
  std::string header_from;         // the From domain of the affected mail (may be a subdomain)
  const Sender* sender = nullptr;  // null for an unknown source
  std::vector<std::string> spf_domains;   // SPF (envelope) domains seen in the records
  std::vector<std::string> spf_results;   // their SPF results (fail, softfail, none, ...)
  std::vector<std::string> dkim_domains;  // DKIM d= seen
  std::vector<std::string>
      dkim_selectors;  // selectors seen (for dkim_key_unpublished: the failing ones)
  std::vector<std::string> dkim_results;  // the failing DKIM results seen (fail, permerror, ...)
  std::vector<std::string> source_ips;    // top source IPs
  std::string policy;                     // p= as published ('' when absent)
  std::string subdomain_policy;           // sp= as published ('' when absent)
  std::int64_t pct = 100;                 // pct= (100 when absent)
  bool testing = false;                   // testing=y (t=y): receivers do not enforce the policy
  double pass_share = 0;        // enforcement readiness: percent of legitimate mail passing
  bool readiness_known = true;  // false when no legitimate mail was seen
  std::int64_t receivers_only =
      0;  // legitimate mail counted as passing: it failed only at receivers
  // Of the legitimate mail, percent with an SPF pass and with a DKIM pass (any domain):
  // two of the bulk-sender requirements of Gmail and Yahoo.
  double spf_pass_share = 0;
  double dkim_pass_share = 0;
  // The messages of the cause pass DMARC on the customer's DKIM signature: whatever
  // else fails is a choice, not a fault (spf_not_aligned through a vendor envelope).
  bool dkim_passes = false;
  // ...and it really passed for all of them (not only graded so because DKIM failed for
  // the receiver alone): only then may a text say "DMARC passes on DKIM".
  bool dkim_really_passes = false;
  // The finding also has dkim_key_unpublished: the key exists, its signatures fail.
  bool dkim_key_exists = false;
  bool strict_spf = false;   // the cause comes from aspf=s alone
  bool strict_dkim = false;  // the cause comes from adkim=s alone
  // Unknown sources (unauthorized): how many, and those passing for their own domain.
  std::int64_t source_count = 0;
  std::int64_t messages = 0;
  std::int64_t own_domain_messages = 0;  // pass SPF or DKIM for their own domain
  std::vector<std::string> own_domains;  // those domains, most messages first
  std::int64_t platform_messages = 0;    // other accounts on a catalog sender's platform
  std::vector<std::string> platforms;    // those platforms' names
};

// A DNS record a step has the user publish. It is printed as a block of its own, one
// field per line and never wrapped, so that a name or a value is copied whole; the
// query that shows it is live follows the step (DnsCheck).
struct DnsRecord {
  std::string type;         // "TXT", "CNAME", "MX"; "" for a query only, no record
  std::string name;         // the full name: "sf1._domainkey.example.co.jp"
  std::string value;        // "…" stands for what the console shows or what is already there
  std::string alternative;  // another form of the value a console may show, or ""
  std::string check_type;   // the type to query when not `type`, or ""
  std::string expect;       // dig +short's answer when not the value as dig prints it, or ""
};

// A fix in parts, so that the fixes of several causes of one sender merge into one
// text without repeating a step.
struct FixStep {
  FixStep() = default;
  FixStep(std::string key_, std::string text_, std::vector<DnsRecord> records_ = {})
      : key(std::move(key_)), text(std::move(text_)), records(std::move(records_)) {}

  std::string key;  // steps with the same non-empty key are the same step; "" compares by text
  std::string text;
  std::vector<DnsRecord> records;  // printed under the text
};

// A DNS record a fix asks for, and what a query for it answers once the change is
// live: the check a user runs before waiting days for the next reports.
struct DnsCheck {
  std::string step;    // the key of the step that publishes the record: checked right after it
  std::string type;    // "TXT", "CNAME"
  std::string name;    // the full name queried: "_dmarc.example.com"
  std::string expect;  // what the answer shows, "…" for what varies
};

struct FixParts {
  std::string summary;      // what is wrong, one or two sentences
  std::string steps_title;  // printed above the steps when set ("Preferred fix, DKIM:")
  std::vector<FixStep> steps;
  std::string alternative_title;  // a second way out, numbered apart
  std::vector<FixStep> alternative;
  std::vector<std::string> notes;  // lines after the steps
  // What the next reports show once the fix worked ("Salesforce mail should show DKIM
  // pass with d=example.com"), without closing punctuation: the checks of merged
  // causes become one closing step.
  std::vector<std::string> checks;
  // The DNS queries that show the steps' records are published; merged causes share
  // them (a record is checked once).
  std::vector<DnsCheck> dns_checks;
};

// Step keys that merging treats specially: an "also set up DKIM" step is left out when
// another cause of the same finding brings the DKIM steps themselves (keys that start
// with kDkimStepPrefix).
inline constexpr std::string_view kAlsoDkimKey = "also-dkim";
inline constexpr std::string_view kDkimStepPrefix = "dkim-";

// What to type in a DNS panel's host field for the record `name`: the part before
// the registered domain ("sf1._domainkey" for sf1._domainkey.example.co.jp), or "@"
// for the domain itself.
std::string host_field(const std::string& name);

inline constexpr std::string_view kVerbatim = kFixVerbatim;

// The fix for `cause` in `lang`, in parts.
FixParts fix_parts(Cause cause, Lang lang, const FixContext& context);
// The fixes of the domain's published policy (policy_none, policy_pct, policy_testing,
// subdomain_policy_missing, enforcement_readiness), worded from schema/text/<lang>.toml.
FixParts domain_fix_parts(Cause cause, Lang lang, const FixContext& context);
// The fixes of mail from no sender of the customer's (spf_permerror, forwarded,
// unauthorized, transient), worded from schema/text/<lang>.toml.
FixParts source_fix_parts(Cause cause, Lang lang, const FixContext& context);
// ---- steps at a sender's console, shared by every language (fixes_senders.cpp) -----
std::string sender_display_name(Lang lang, const FixContext& context);
// The closing checks ("Salesforce mail from example.com should show DKIM pass with d=…").
std::string dkim_check(Lang lang, const FixContext& context, const std::string& d);
std::string spf_check(Lang lang, const FixContext& context, const std::string& envelope);
std::vector<FixStep> salesforce_dkim_steps(Lang lang, const FixContext& context);
std::vector<FixStep> salesforce_settings_off_steps(Lang lang, const std::string& h);
std::vector<FixStep> google_dkim_steps(Lang lang, const std::string& h);
std::vector<FixStep> microsoft_dkim_steps(Lang lang, const std::string& h);
// A catalog vendor's domain authentication: where to start, the records, the check.
std::vector<FixStep> vendor_dkim_steps(Lang lang, const FixContext& context);

// The SPF and DKIM causes of a sender (fixes_senders.cpp).
FixParts spf_include_missing(Lang lang, const FixContext& context);
FixParts spf_not_aligned(Lang lang, const FixContext& context);
FixParts dkim_not_activated(Lang lang, const FixContext& context);
FixParts dkim_key_unpublished(Lang lang, const FixContext& context);

// One text from the parts of several causes, in order: the summaries, then the steps
// numbered once (a step already given, by key or text, is not repeated) with the
// checks as the last step, then the alternatives and notes. Plain text, lines
// separated by '\n', no trailing newline.
std::string render_fix(const std::vector<FixParts>& parts, Lang lang);

// The fix for one cause: render_fix({fix_parts(cause, lang, context)}).
std::string fix_text(Cause cause, Lang lang, const FixContext& context);

// ---- the choices every fix text shares (fixes.cpp) ----------------------------------
// Both languages must pick the same text variant and the same verdict, so the choices
// are made once, here.

// The senders whose DKIM is set up in steps of their own (Salesforce's DKIM keys,
// Google Workspace's "Authenticate email", Microsoft 365's Defender portal), not the
// catalog's dkim_console and dkim_records. Recognised by fix style or catalog id (and,
// for the two mailbox providers, by their SPF include, so a user's catalog entry under
// another id gets the same texts).
enum class FixService {
  kOther,
  kSalesforce,       // fix style kSalesforce
  kGoogleWorkspace,  // "google-workspace" or include _spf.google.com
  kMicrosoft365,     // "microsoft-365" or include spf.protection.outlook.com
};
FixService fix_service(const Sender* sender);

// Share of legitimate mail passing DMARC (percent) from which a domain is called ready
// for enforcement.
inline constexpr double kEnforcementReadyShare = 98.0;

// Whether legitimate mail is ready for enforcement: known, and passing at or above
// kEnforcementReadyShare.
inline bool ready_for_enforcement(const FixContext& context) {
  return context.readiness_known && context.pass_share >= kEnforcementReadyShare;
}

// Gmail's and Yahoo's rules for senders of 5,000 or more messages a day, and what the
// reports show of each for the domain. Sources: Google, "Email sender guidelines"
// (support.google.com/mail/answer/81126) and its FAQ (support.google.com/a/answer/14229414),
// both read 2026-12-07; Yahoo, "Sender Best Practices" (senders.yahooinc.com/best-practices).
enum class BulkRule {
  kDmarcRecord,  // a DMARC record; p=none is enough
  kSpfPass,      // SPF passes
  kDkimPass,     // DKIM passes
  kAligned,      // the From domain aligned with SPF or DKIM: DMARC passes
  kUnsubscribe,  // one-click unsubscribe (RFC 8058) in marketing mail
  kSpamRate,     // a spam rate under 0.3% in Google Postmaster Tools
};
enum class Shown { kMet, kNotMet, kNotInReports };
struct BulkRuleState {
  BulkRule rule;
  Shown shown;
  double share = 0;  // of legitimate mail, for SPF, DKIM and alignment
};
// Met for a share at or above kEnforcementReadyShare; the last two never show in
// DMARC reports.
std::vector<BulkRuleState> bulk_sender_rules(const FixContext& context);

// `percent` for a fix text: rounded down to one decimal, without a trailing ".0"
// ("97.9", "100"), so a share just below the threshold never prints as "98".
std::string format_share(double percent);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_FIXES_H_
