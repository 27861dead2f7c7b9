// analysis: from reported facts to answers. The sender catalog (schema/senders.toml,
// extendable with --catalog), identification of each record's source, DMARC
// alignment recomputed with the Public Suffix List as evidence, attribution of every
// failing source to a cause (stable ids of DESIGN.md), and the fix texts in English
// and Japanese. Everything here is a pure function of (stored facts, catalog): change
// the catalog and the answers change, with no re-import.
#ifndef DMARCQ_ANALYSIS_ANALYSIS_H_
#define DMARCQ_ANALYSIS_ANALYSIS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/table.h"
#include "report/report.h"
#include "store/store.h"

namespace dmarcq::analysis {

// ---- sender catalog -----------------------------------------------------------

// Which fix texts apply to a sender's causes.
enum class FixStyle {
  kSalesforce,        // Salesforce core: Setup paths for DKIM keys and Deliverability
  kCustomerEnvelope,  // the envelope is the customer's domain (Google, Microsoft, Zoho...):
                      // a missing include breaks SPF alignment
  kVendorEnvelope,    // the envelope is the vendor's domain (SendGrid, Mailchimp...):
                      // alignment comes from DKIM (domain authentication at the vendor)
};

struct IpRange {
  std::string cidr;    // as written in the catalog, e.g. "13.110.0.0/16"
  std::string source;  // where the range comes from
  std::string date;    // when it was read (YYYY-MM-DD)
};

enum class Lang { kEn, kJa };

// A catalog text in each language; empty where the catalog has none.
struct LocalText {
  std::string en;
  std::string ja;
  const std::string& in(Lang lang) const { return lang == Lang::kJa ? ja : en; }
  bool empty() const { return en.empty() && ja.empty(); }
};

// A DNS record a sender has its customers publish: "{domain}" in the name or value
// stands for the customer's From domain, "…" for what the sender's console shows.
struct RecordTemplate {
  std::string type;   // "CNAME", "TXT", "MX"
  std::string name;   // "k2._domainkey.{domain}"
  std::string value;  // "dkim2.mcsv.net"
};

// What a catalog entry stands for. A forwarder (a mailing-list service such as Google
// Groups) relays other people's mail: identifying it explains a failure, it never
// calls for a fix at the customer's side.
enum class Role { kSender, kForwarder };

struct Sender {
  std::string id;    // stable, e.g. "salesforce"
  std::string name;  // "Salesforce"
  std::string type;  // parsedmarc's vocabulary: SaaS, Marketing, Email Provider...
  std::vector<std::string> spf_includes;  // "_spf.salesforce.com"
  // The includes are alternatives (by region, data centre or age): a customer
  // publishes the one the vendor shows for the account, never all of them.
  bool spf_include_per_account = false;
  bool envelope_is_customer_domain = false;       // by default
  std::vector<std::string> envelope_suffixes;     // ".bnc.salesforce.com" or "sendgrid.net"
  std::vector<std::string> dkim_domain_suffixes;  // the vendor's own signing domains
  std::vector<std::string> dkim_cname_suffixes;   // ".custdkim.salesforce.com"
  std::vector<IpRange> ip_ranges;
  std::vector<std::string> ptr_bases;  // "salesforce.com"
  FixStyle fix_style = FixStyle::kVendorEnvelope;
  // For the fix texts: where in the sender's console DKIM is set up, the DKIM records
  // it has customers publish, and how a customer tells which per-account include is
  // theirs.
  LocalText dkim_console;
  // Where a sender has no screen for it: the request that sets DKIM up (a sentence,
  // "{domain}" for the From domain), said instead of "open <console>".
  LocalText dkim_request;
  std::vector<RecordTemplate> dkim_records;
  LocalText spf_include_hint;
  // How to set a custom return path under the customer's domain (a sentence part,
  // "{domain}" for the From domain), for SPF to align too.
  LocalText return_path;
  Role role = Role::kSender;
  std::string origin;  // "schema/senders.toml:12" or the user's file and line
};

// A suffix matches a domain when it is the domain itself (without a leading dot) or
// a proper ending of it at a label boundary: ".bnc.salesforce.com" matches
// "x.na139.bnc.salesforce.com"; "sendgrid.net" matches "sendgrid.net" and
// "em123.sendgrid.net".
bool domain_matches_suffix(std::string_view domain, std::string_view suffix);

class Catalog {
 public:
  // The catalog compiled into dmarcq (schema/senders.toml).
  static core::Result<Catalog> builtin();
  // Parses catalog text; `source` names it in errors ("file.toml:12: unknown key 'x'").
  static core::Result<Catalog> parse(std::string_view text, const std::string& source);
  // Adds `other`'s senders; one with an id already present replaces it.
  void merge(Catalog other);

  const std::vector<Sender>& senders() const { return senders_; }
  const Sender* find(std::string_view id) const;
  // Adds senders, replacing those with the same id (catalog order is kept).
  void merge_all(std::vector<Sender> senders);

 private:
  std::vector<Sender> senders_;
};

// ---- identification -----------------------------------------------------------

// How a record's source was identified, strongest first.
enum class Evidence {
  kNone,      // unknown source
  kSpfPass,   // SPF passed for one of the sender's envelope domains
  kDkimPass,  // DKIM passed for one of the sender's signing domains
  kIpRange,   // the source IP is in one of the sender's ranges (longest prefix wins)
};

// The facts of one record that identification and attribution read.
struct RecordFacts {
  std::string policy_domain;  // policy_published domain
  std::string header_from;
  std::string source_ip;
  std::string dkim_aligned;  // policy_evaluated: pass|fail|''
  std::string spf_aligned;
  std::vector<report::DkimResult> dkim;
  std::vector<report::SpfResult> spf;
  std::vector<report::PolicyReason> reasons;
};

struct Identity {
  const Sender* sender = nullptr;  // null: unknown source
  Evidence evidence = Evidence::kNone;
  // The source IP is in one of the sender's ranges. A DKIM pass for a vendor's
  // signing domain from outside its ranges is a forwarded message, not the vendor.
  bool in_range = false;
};

class Identifier {
 public:
  explicit Identifier(const Catalog& catalog);
  ~Identifier();
  Identifier(const Identifier&) = delete;
  Identifier& operator=(const Identifier&) = delete;

  Identity identify(const RecordFacts& record) const;
  // The same, with the senders whose longest matching range holds the source IP given
  // (range_senders): records that differ only in IPs with the same range senders are
  // identified alike, so callers can remember identities per (range senders, results).
  Identity identify(const RecordFacts& record, const std::vector<const Sender*>& by_range) const;
  // The senders with the longest catalog range holding `ip` (empty for none); the
  // reference stays valid until the next call.
  const std::vector<const Sender*>& range_senders(const std::string& ip) const;

 private:
  struct Index;
  const Catalog& catalog_;
  std::unique_ptr<Index> index_;
};

// ---- attribution ----------------------------------------------------------------

// Stable cause identifiers (DESIGN.md), plus the domain-level findings.
enum class Cause {
  kSpfIncludeMissing,   // "spf_include_missing"
  kSpfNotAligned,       // "spf_not_aligned"
  kDkimNotActivated,    // "dkim_not_activated"
  kDkimKeyUnpublished,  // "dkim_key_unpublished"
  kSpfPermerror,        // "spf_permerror"
  kForwarded,           // "forwarded"
  kUnauthorized,        // "unauthorized"
  kTransient,           // "transient": temperror, or one receiver's result that others contradict
  kPolicyNone,          // "policy_none": p=none
  kPolicyPartial,       // "policy_pct": pct below 100
  kPolicyTesting,       // "policy_testing": testing=y (RFC 9990) / t=y (RFC 9989)
  kSubdomainPolicyMissing,  // "subdomain_policy_missing": no sp= (and no np=)
  kEnforcementReadiness,    // "enforcement_readiness": share of legitimate mail passing
};

// Lines of a fix text that start with kFixVerbatim (a DNS record's fields, a command,
// the answer it gives) are to be printed as they are, never wrapped.
inline constexpr std::string_view kFixVerbatim = "    ";

// "spf_include_missing", ...
const char* cause_id(Cause cause);
// The cause with this id; nullopt for an unknown id.
std::optional<Cause> parse_cause(std::string_view id);

enum class Severity { kFail, kWarn, kInfo };
const char* severity_name(Severity severity);  // "fail", "warn", "info"

// What the table view shows: the id in English, a Japanese name in Japanese
// ("DKIM 未設定"); "FAIL" or "要対応".
const char* cause_label(Cause cause, Lang lang);
std::string severity_label(Severity severity, Lang lang);

// Whose mail a record is. On a shared platform (Google, Microsoft, SES...) the source
// IP says only whose servers sent it: the customer's own use of the platform needs the
// customer's envelope domain, or the platform's default for every customer; mail that
// kept the customer's DKIM signature but arrived with a stranger's envelope was
// forwarded; mail with neither is someone else's account sending as the customer.
enum class Party {
  kSender,     // the customer's own use of a catalog sender
  kForwarder,  // forwarded, or relayed by a mailing list: nothing to fix at the source
  kUnknown,    // an unknown source, or another account on a shared platform
};

struct CauseAt {
  Cause cause = Cause::kUnauthorized;
  Severity severity = Severity::kInfo;
};

// What one record (or group of records with the same facts) is and why it fails.
struct Attribution {
  Party party = Party::kUnknown;
  // kSender: the customer's sender. kForwarder and kUnknown: the catalog sender whose
  // servers the mail came from (Google for Gmail forwarding), or null.
  const Sender* sender = nullptr;
  std::vector<CauseAt> causes;  // one per failing mechanism; empty when nothing fails
  bool strict_spf = false;      // the SPF cause comes from aspf=s alone
  bool strict_dkim = false;     // the DKIM cause comes from adkim=s alone
  // The From domain's signatures failed with temperror only: the cause is
  // dkim_key_unpublished only if the weighing across reporters finds it persistent.
  bool dkim_temperror_only = false;
  // The envelope's SPF result was temperror: spf_permerror only if persistent.
  bool spf_temperror_only = false;
  // kUnknown: SPF or DKIM passed for the source's own domain, not aligned with the
  // From domain: a service the customer may use rather than a forgery.
  bool own_domain_pass = false;

  // Counts toward enforcement readiness: the customer's own mail.
  bool legitimate() const {
    return party == Party::kSender || (party == Party::kUnknown && causes.empty());
  }
};

// The attribution of one record (or group of identical records), by the rules of
// senders.md section 6; strict_* are the published adkim=s / aspf=s.
Attribution attribute_record(const RecordFacts& facts, const Identity& identity, bool strict_dkim,
                             bool strict_spf);

// Which findings explain makes of the unknown sources of a domain.
struct ExplainOptions {
  bool all_sources = false;  // one unauthorized finding per source IP instead of one per domain
};

// A cause of a finding, with the messages it affects.
struct FindingCause {
  Cause cause = Cause::kUnauthorized;
  Severity severity = Severity::kInfo;  // the worst of its messages'
  std::int64_t messages = 0;
  std::int64_t dmarc_fail = 0;  // of those, failing DMARC
};

// A source IP of a finding.
struct FindingSource {
  std::string ip;
  std::int64_t messages = 0;
  std::string
      platform;  // the catalog sender whose range holds it, for unknown sources and forwarders
};

// What a finding is about.
enum class Subject {
  kSender,          // one catalog sender the customer uses
  kForwarders,      // every forwarded or mailing-list source of the domain
  kUnknownSources,  // every unknown source of the domain (or one, with all_sources)
  kDomain,          // the domain's published policy
};

// One finding per (domain, sender): every cause found for it, the messages affected
// (each once), and one merged fix. Unknown sources make one finding per domain, as do
// forwarders; domain findings have no sources.
struct Finding {
  std::string domain;
  Subject subject = Subject::kDomain;
  const Sender* sender = nullptr;      // kSender only
  Cause cause = Cause::kUnauthorized;  // the first of causes
  Severity severity = Severity::kInfo;
  std::vector<FindingCause> causes;    // most severe first, then most messages
  std::int64_t messages = 0;           // messages with at least one of the causes
  std::int64_t dmarc_fail = 0;         // of those, failing DMARC
  std::vector<FindingSource> sources;  // most messages first: up to 10, or all with all_sources
  std::int64_t source_count = 0;       // distinct source IPs
  std::int64_t first_day = 0;          // days since the epoch
  std::int64_t last_day = 0;
  std::string evidence;  // what the reports show, in the chosen language
  std::string fix;       // what to change, in the chosen language
};

// Attributes every failing source in the store (within `filter`) to its causes.
// Findings are sorted by domain, then severity (fail first), then messages.
core::Result<std::vector<Finding>> explain(store::Store& store, const store::RecordFilter& filter,
                                           const Catalog& catalog, Lang lang,
                                           const ExplainOptions& options = {});

// The sender of each record group (summary --by sender): catalog id, or "unknown".
std::string sender_key(const Identity& identity);

// summary with "sender" among its keys: the same columns and order as the store's
// summary, with the catalog id (or "unknown") as the sender.
core::Result<core::Table> sender_summary(store::Store& store, const store::SummaryQuery& query,
                                         const Catalog& catalog);

// ---- weekly digest ----------------------------------------------------------------

// The weekly digest of one ISO week (Monday `week_monday`, days since the epoch). Each
// domain opens with its total row (sender "all": the domain's messages, its
// reporters this week and the week before, and the findings explain makes on its
// published policy), then one row per (domain, sender the customer uses), one for the
// domain's forwarded mail ("forwarders") and one for its unknown sources ("unknown").
// Columns: week, domain, sender, sender_name, source_ips, messages, dmarc_pass,
// dmarc_fail, pass_rate, spf_aligned_pass, dkim_aligned_pass, quarantined, rejected,
// causes, severity, fix, messages_prev_week, pass_rate_prev_week, pass_rate_change,
// reporters, reporters_prev_week; named in `lang` when `localized_columns`, with
// causes and severities in `lang` too; else by these ids (JSON keys), with cause ids
// space-separated and severity ids. Within a domain: severity (fail, warn, info, ok), then
// messages. Messages are spread over days like summary, so the rows other than "all"
// add up to it and to the domain's summary for the week.
// The reporters with messages in the days `from` to `to`, by policy domain (of
// `domains`, all when empty): how complete a week's reports are.
core::Result<std::map<std::string, std::set<std::string>>> reporters_by_domain(
    store::Store& store, const std::vector<std::string>& domains, std::int64_t from,
    std::int64_t to);

core::Result<core::Table> digest(store::Store& store, std::int64_t week_monday,
                                 const std::vector<std::string>& domains, const Catalog& catalog,
                                 Lang lang, bool localized_columns = true);

// ---- alignment ------------------------------------------------------------------

// The organizational domain (registrable domain by the Public Suffix List) of `domain`;
// the domain itself when the PSL knows no rule for it.
std::string organizational_domain(std::string_view domain);
// RFC 7489 identifier alignment: strict = equal; relaxed = same organizational domain.
bool aligned(std::string_view a, std::string_view b, bool strict);

}  // namespace dmarcq::analysis

#endif  // DMARCQ_ANALYSIS_ANALYSIS_H_
