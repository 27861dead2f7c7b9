// Private to analysis/: the fix texts, in English (fixes_en.cpp) and Japanese
// (fixes_ja.cpp). Each text tells a mail admin exactly what to change, in DNS or at
// the sender, with the values seen in the reports filled in.
#ifndef DMARCQ_ANALYSIS_FIXES_H_
#define DMARCQ_ANALYSIS_FIXES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

// The values a fix text is written from. Lists are sorted by messages, most first,
// and hold at most a few entries.
struct FixContext {
  std::string domain;                     // the DMARC policy domain
  std::string header_from;                // the From domain of the affected mail (may be a subdomain)
  const Sender* sender = nullptr;         // null for an unknown source
  std::vector<std::string> spf_domains;   // SPF (envelope) domains seen in the records
  std::vector<std::string> dkim_domains;  // DKIM d= seen
  std::vector<std::string> dkim_selectors;// selectors seen (for dkim_key_unpublished: the failing ones)
  std::vector<std::string> dkim_results;  // the failing DKIM results seen (fail, permerror, ...)
  std::vector<std::string> source_ips;    // top source IPs
  std::string policy;                     // p= as published ('' when absent)
  std::int64_t pct = 100;                 // pct= (100 when absent)
  double pass_share = 0;                  // enforcement readiness: percent of legitimate mail passing
};

// The fix for `cause` in `lang`: one paragraph, plain text, no trailing newline.
// Lines may be separated by '\n' for steps ("1. ...\n2. ...").
std::string fix_text(Cause cause, Lang lang, const FixContext& context);
std::string fix_text_en(Cause cause, const FixContext& context);
std::string fix_text_ja(Cause cause, const FixContext& context);

// ---- shared by fixes_en.cpp and fixes_ja.cpp (defined in fixes_en.cpp) ------------
// Both languages must pick the same text variant and the same verdict, so the choices
// are made once, here.

// Services whose fix texts name their own console paths or DNS records. Recognised by
// catalog id (and, for the two mailbox providers, by their SPF include, so a user's
// catalog entry under another id gets the same texts); kOther gets the generic texts.
enum class FixService {
  kOther,
  kSalesforce,       // fix style kSalesforce
  kGoogleWorkspace,  // "google-workspace" or include _spf.google.com
  kMicrosoft365,     // "microsoft-365" or include spf.protection.outlook.com
  kAmazonSes,
  kSendgrid,
  kMailchimp,
  kMandrill,
  kMailgun,
  kPostmark,
  kSparkpost,
  kBrevo,
  kHubspot,
  kZendesk,
};
FixService fix_service(const Sender* sender);

// Share of legitimate mail passing DMARC (percent) from which a domain is called ready
// for enforcement.
inline constexpr double kEnforcementReadyShare = 98.0;

// `percent` for a fix text: rounded down to one decimal, without a trailing ".0"
// ("97.9", "100"), so a share just below the threshold never prints as "98".
std::string format_share(double percent);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_FIXES_H_
