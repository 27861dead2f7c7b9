// report: the DMARC aggregate report model and its XML parser (RFC 7489 Appendix C and
// RFC 9990, with or without a namespace). The model keeps what the reporter said,
// normalised (case, whitespace, IP form, legacy words) but not reinterpreted: an
// absent optional element is an empty string, never a default. Defaults such as
// "sp = p" or "adkim = r" belong to the analysis, which can say it assumed them.
#ifndef DMARCQ_REPORT_REPORT_H_
#define DMARCQ_REPORT_REPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace dmarcq::report {

struct DkimResult {
  std::string domain;    // d=, lower-case
  std::string selector;  // s=, as given (selectors are case-insensitive in DNS: lower-cased)
  std::string result;    // none|pass|fail|policy|neutral|temperror|permerror
  std::string human_result;
};

struct SpfResult {
  std::string domain;        // lower-case
  std::string scope;         // mfrom|helo, empty when absent
  std::string result;        // none|neutral|pass|fail|softfail|temperror|permerror|policy
  std::string human_result;  // RFC 9990
};

struct PolicyReason {
  std::string type;  // forwarded|sampled_out|trusted_forwarder|mailing_list|
                     // local_policy|other|policy_test_mode (unknown words kept)
  std::string comment;
};

struct Record {
  std::string source_ip;   // canonical (core::canonical_ip)
  std::int64_t count = 0;  // messages; never negative
  // policy_evaluated: the reporter's verdict
  std::string disposition;  // none|quarantine|reject|pass, empty when absent
  std::string dkim;         // aligned DKIM verdict: pass|fail, empty when absent
  std::string spf;          // aligned SPF verdict: pass|fail, empty when absent
  std::vector<PolicyReason> reasons;
  // identifiers
  std::string header_from;
  std::string envelope_from;
  std::string envelope_to;
  // auth_results: raw results, in the reporter's order
  std::vector<DkimResult> dkim_results;
  std::vector<SpfResult> spf_results;
};

struct PolicyPublished {
  std::string domain;  // the DMARC policy domain, lower-case, no trailing dot
  std::string adkim;   // r|s, empty when absent
  std::string aspf;
  std::string p;  // none|quarantine|reject
  std::string sp;
  std::string np;                   // RFC 9990
  std::optional<std::int64_t> pct;  // RFC 7489 only
  std::string fo;
  std::string testing;           // RFC 9990: n|y
  std::string discovery_method;  // RFC 9990: psl|treewalk
};

struct Report {
  std::string version;
  std::string org_name;  // as given (trimmed); the email's domain if it was empty
  std::string email;
  std::string extra_contact_info;
  std::string report_id;
  std::int64_t begin = 0;           // seconds since the epoch, UTC
  std::int64_t end = 0;             // >= begin
  std::vector<std::string> errors;  // <error> elements, the reporter's own words
  std::string generator;            // RFC 9990
  std::string xml_namespace;        // namespace URI of <feedback>, empty when none
  PolicyPublished policy;
  std::vector<Record> records;
  // What the parser repaired, assumed or dropped, e.g. "record 3 (line 41): <count> 'x'
  // is not a number; record dropped". Kept with the report in the store.
  std::vector<std::string> warnings;
  std::int64_t dropped_records = 0;
  // Top-level <feedback> elements in the buffer this report came from (>= 1).
  std::size_t feedback_count = 1;

  // Who sent the report, for deduplication: org_name lower-cased.
  std::string reporter() const;
  // Sum of record counts, saturating at INT64_MAX.
  std::int64_t message_count() const;
};

// Upper bound on one record's count. No receiver sees ten billion messages from one IP
// in one report; a larger claim is a garbled or hostile number, and letting it in
// would make sums over the store overflow. Such a record is dropped with a warning.
constexpr std::int64_t kMaxRecordCount = 10'000'000'000;

// How much memory one parse may take. pugixml holds the whole document tree, 64 bytes
// per element or text node and 40 per attribute, on top of its copy of the text; a
// real report needs 3 to 5 times its size, a hostile one (`<a/>x` repeated) 26 times.
// So the parse estimates its memory from one linear scan of the text before
// building anything, keeps counting while it builds the reports, and stops with a
// kLimit error once the budget is spent.
struct ParseLimits {
  // Bytes for the UTF-8 conversion, pugixml's copy of the text, the tree and the
  // reports built from it. Default: 80 MiB, 2.5 times the default document size
  // limit (32 MiB): enough for about 25,000 records, and what keeps one import under
  // 256 MB of memory (README, "Limits and memory").
  std::uint64_t max_parse_bytes = 80ull << 20;

  // The budget that goes with a document size limit: 2.5 times it.
  static ParseLimits for_document_limit(std::uint64_t max_document_bytes);
};

// Upper bound on the length of a report period; a longer claim is rejected as implausible.
constexpr std::int64_t kMaxReportDays = 366;

// The UTC days a report period covers: the days that hold at least one second of
// [begin, end). Reporters end a day at +86399 (Google) or at +86400, the next
// midnight (Microsoft): both cover one day. A period with begin == end covers its day.
struct DaySpan {
  std::int64_t first_day;  // days since the epoch
  std::int64_t count;      // >= 1
};
DaySpan day_span(std::int64_t begin, std::int64_t end);

// Lower-case ASCII, whitespace trimmed, one trailing dot removed: how every domain in
// the store is written.
std::string normalize_domain(std::string_view text);

// Parses one report document. `xml` may carry a BOM, be UTF-16/32, or declare a
// legacy encoding (windows-1252, ISO-8859-x, Shift_JIS: anything iconv knows).
// Fails with ErrorCode::kCorrupt for malformed XML and kInvalid or kUnsupported when
// required report metadata is missing or unusable; the Error's context ends with the
// line number where that is known. A bad record does not fail the report: it is
// dropped and a warning says why.
//
// A buffer can hold several reports: two documents concatenated give two top-level
// <feedback> elements. parse_reports parses the buffer once and returns one result per
// <feedback>, in order (never empty): a report, or why that one cannot be read. The
// outer error is for the buffer as a whole (not XML, malformed, over the budget, no
// <feedback>). Every Report says how many the buffer holds (feedback_count).
core::Result<std::vector<core::Result<Report>>> parse_reports(std::string_view xml,
                                                              const ParseLimits& limits = {});

// One report of the buffer: `which` selects it (0 = the first). Parses the whole
// buffer like parse_reports; for tests and tools that look at one report.
core::Result<Report> parse_report(std::string_view xml, std::size_t which = 0,
                                  const ParseLimits& limits = {});

// A record's raw authentication results and override reasons in one compact string,
// so that records with the same facts group together in SQL (explain, summary by
// sender) without joining three child tables. Fields are separated by '/', items by
// ';', sections by '|'; those characters inside values become '_' (no domain,
// selector or result holds them; comments are free text, kept whole, only searched).
//   "d:example.com/s1/pass;d:x.gappssmtp.com/20230601/pass|s:example.com/mfrom/pass|r:local_policy/arc=pass"
std::string encode_auth(const Record& record);
// The inverse of encode_auth; fills the three vectors of `record`.
void decode_auth(std::string_view key, Record& record);

// A stable, line-oriented dump of every field, for golden tests and debugging.
std::string dump(const Report& report);

}  // namespace dmarcq::report

#endif  // DMARCQ_REPORT_REPORT_H_
