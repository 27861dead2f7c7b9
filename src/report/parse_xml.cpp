// Parsing DMARC aggregate reports.
//
// Two dialects arrive and both must parse: RFC 7489 Appendix C (no namespace in
// practice, though some reporters declare unused xsd/xsi/ns1 prefixes) and RFC 9990
// (default namespace urn:ietf:params:xml:ns:dmarc-2.0, new elements generator, np,
// testing, discovery_method, disposition "pass"), plus hybrids. The schema is a poor
// guide to what reporters send: order is violated everywhere, "required" elements are
// missing, enumerations come in any case and in legacy words (hardfail), numbers are
// padded with whitespace. So elements are matched by local name (the part after any
// prefix, case-insensitively) in any order, and every value is trimmed.
//
// What must never happen is a missing or garbled number becoming 0: pugixml's
// as_int() does exactly that, so numbers go through strict parsers here. A report
// without its identity (report_id, date range, policy domain, reporter) is rejected
// with the element and line; a bad record is dropped with a warning that stays with
// the report, and the report's other records are kept.
#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <optional>
#include <pugixml.hpp>

#include "core/date.h"
#include "core/ip.h"
#include "core/text.h"
#include "report/encoding.h"
#include "report/normalize.h"
#include "report/report.h"

namespace dmarcq::report {

namespace {

using core::Error;
using core::ErrorCode;

constexpr std::size_t kMaxWarnings = 100;
// 2100-01-01T00:00:00Z: a report period beyond this is a garbled number, not a date.
constexpr std::int64_t kLatestPlausibleTime = 4102444800;
// A 12-digit epoch value is the year 5138; such values are milliseconds (SFR).
constexpr std::int64_t kMillisecondThreshold = 100000000000;

// `lower` is an element name as written here, in lower case.
bool iequals(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    if (c != lower[i]) return false;
  }
  return true;
}

std::string_view local_name(const char* name) {
  const char* local = name;
  const char* end = name;
  for (; *end != '\0'; ++end) {
    if (*end == ':') local = end + 1;
  }
  return std::string_view(local, static_cast<std::size_t>(end - local));
}

// True when element name `name` is `lower` exactly, the way nearly every reporter
// writes names: then no pass over the name is needed to find a prefix, so this test
// runs before the general one. Stops at the first difference, at the latest at the
// NUL that ends `name` (`lower` holds no NUL).
bool is_exactly(const char* name, std::string_view lower) {
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if (name[i] != lower[i]) return false;
  }
  return name[lower.size()] == '\0';
}

bool has_local_name(const char* name, std::string_view lower) {
  return is_exactly(name, lower) || iequals(local_name(name), lower);
}

bool is_named(const pugi::xml_node& node, std::string_view name) {
  return node.type() == pugi::node_element && has_local_name(node.name(), name);
}

pugi::xml_node child(const pugi::xml_node& parent, std::string_view name) {
  for (pugi::xml_node node : parent.children()) {
    if (is_named(node, name)) return node;
  }
  return {};
}

// The first element child with each of `names`, as child() would find them, in one
// pass: a record needs a dozen lookups, and a pass per lookup (a local name computed
// for every sibling each time) made walking a record cost more than pugixml's parse.
// Which of the `names` not yet `seen` element name `name` has, or N. The names are
// distinct, so at most one matches and the exact pass cannot pick a different one
// than the general pass would.
template <std::size_t N>
std::size_t unseen_name_index(const char* name, const std::array<std::string_view, N>& names,
                              const std::array<bool, N>& seen) {
  for (std::size_t i = 0; i < N; ++i) {
    if (!seen[i] && is_exactly(name, names[i])) return i;
  }
  const std::string_view local = local_name(name);
  for (std::size_t i = 0; i < N; ++i) {
    if (!seen[i] && iequals(local, names[i])) return i;
  }
  return N;
}

template <std::size_t N>
std::array<pugi::xml_node, N> first_children(const pugi::xml_node& parent,
                                             const std::array<std::string_view, N>& names) {
  std::array<pugi::xml_node, N> found{};
  std::array<bool, N> seen{};
  std::size_t missing = N;
  for (pugi::xml_node node = parent.first_child(); node && missing > 0;
       node = node.next_sibling()) {
    if (node.type() != pugi::node_element) continue;
    const std::size_t i = unseen_name_index(node.name(), names, seen);
    if (i == N) continue;
    found[i] = node;
    seen[i] = true;
    --missing;
  }
  return found;
}

std::vector<pugi::xml_node> children(const pugi::xml_node& parent, std::string_view name) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node node : parent.children()) {
    if (is_named(node, name)) out.push_back(node);
  }
  return out;
}

std::string element_name(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '<';
  out += name;
  out += '>';
  return out;
}

// The trimmed text of an element. It borrows pugixml's buffer when the text is valid
// UTF-8, as it nearly always is, so that a value normalized into the model is copied
// once rather than twice; otherwise it holds the repaired copy. It is neither copied
// nor moved because the view may point into its own string.
class ElementText {
 public:
  ElementText() = default;
  explicit ElementText(std::string_view valid) : view_(valid) {}
  explicit ElementText(std::string repaired) : repaired_(std::move(repaired)), view_(repaired_) {}
  ElementText(const ElementText&) = delete;
  ElementText& operator=(const ElementText&) = delete;

  std::string_view view() const { return view_; }
  std::string str() const { return std::string(view_); }

 private:
  std::string repaired_;
  std::string_view view_;
};

// Strict non-negative integer: optional surrounding whitespace (already trimmed), digits
// only, within int64.
std::optional<std::int64_t> parse_count(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  if (text.front() < '0' || text.front() > '9') return std::nullopt;  // no sign
  return value;
}

// 1-based line numbers of offsets into the parsed text. Lookups mostly move forward
// through the document (records in order, reports in order), so counting resumes from
// the last one and a whole parse counts each byte about once.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}

  std::int64_t line_at(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < counted_offset_) {
      counted_offset_ = 0;
      counted_line_ = 1;
    }
    counted_line_ += std::count(text_.begin() + static_cast<std::ptrdiff_t>(counted_offset_),
                                text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    counted_offset_ = offset;
    return counted_line_;
  }

  std::int64_t line_of(const pugi::xml_node& node) {
    const std::ptrdiff_t offset = node.offset_debug();
    return offset < 0 ? 0 : line_at(static_cast<std::size_t>(offset));
  }

 private:
  std::string_view text_;
  std::size_t counted_offset_ = 0;
  std::int64_t counted_line_ = 1;
};

// Heap bytes a string holds beyond its own object (nothing while it fits inline).
std::size_t heap_bytes(const std::string& text) {
  static const std::size_t inline_capacity = std::string().capacity();
  return text.capacity() > inline_capacity ? text.capacity() + 1 : 0;
}

// The memory a record holds in the report model, beyond sizeof(Record).
std::size_t record_heap_bytes(const Record& record) {
  std::size_t bytes = heap_bytes(record.source_ip) + heap_bytes(record.disposition) +
                      heap_bytes(record.dkim) + heap_bytes(record.spf) +
                      heap_bytes(record.header_from) + heap_bytes(record.envelope_from) +
                      heap_bytes(record.envelope_to);
  bytes += record.reasons.capacity() * sizeof(PolicyReason);
  for (const PolicyReason& reason : record.reasons) {
    bytes += heap_bytes(reason.type) + heap_bytes(reason.comment);
  }
  bytes += record.dkim_results.capacity() * sizeof(DkimResult);
  for (const DkimResult& dkim : record.dkim_results) {
    bytes += heap_bytes(dkim.domain) + heap_bytes(dkim.selector) + heap_bytes(dkim.result) +
             heap_bytes(dkim.human_result);
  }
  bytes += record.spf_results.capacity() * sizeof(SpfResult);
  for (const SpfResult& spf : record.spf_results) {
    bytes += heap_bytes(spf.domain) + heap_bytes(spf.scope) + heap_bytes(spf.result) +
             heap_bytes(spf.human_result);
  }
  return bytes;
}

// What the reports of one parse may still allocate; shared by the reports of a buffer.
std::uint64_t tree_bytes(std::string_view text);

struct ModelBudget {
  std::uint64_t left = 0;
  std::uint64_t total = 0;  // the whole parse budget, for the message
  // When the tree was charged at its upper bound instead of being counted (see
  // parse_reports): the text to count and the bound charged, for a refund.
  std::string_view uncounted;
  std::uint64_t tree_charged = 0;

  // False once `bytes` more would overspend.
  bool spend(std::uint64_t bytes) {
    if (bytes > left && !uncounted.empty()) {
      // Only now does the exact size of the tree matter.
      left += tree_charged - tree_bytes(uncounted);
      uncounted = {};
    }
    if (bytes > left) {
      left = 0;
      return false;
    }
    left -= bytes;
    return true;
  }
};

// The offset of the first character reference to U+0000 ("&#0;", "&#x000;") in
// `text`, or npos.
std::size_t find_nul_reference(std::string_view text) {
  for (std::size_t at = text.find("&#"); at != std::string_view::npos;
       at = text.find("&#", at + 2)) {
    std::size_t i = at + 2;
    if (i < text.size() && text[i] == 'x') ++i;
    const std::size_t digits = i;
    while (i < text.size() && text[i] == '0') ++i;
    if (i > digits && i < text.size() && text[i] == ';') return at;
  }
  return std::string_view::npos;
}

// Finds element text or an attribute value holding a reference to U+0000.
class NulReferenceFinder final : public pugi::xml_tree_walker {
 public:
  std::ptrdiff_t offset = -1;

  bool for_each(pugi::xml_node& node) override {
    bool found = node.type() == pugi::node_pcdata &&
                 find_nul_reference(node.value()) != std::string_view::npos;
    for (const pugi::xml_attribute attribute : node.attributes()) {
      found = found || find_nul_reference(attribute.value()) != std::string_view::npos;
    }
    if (found) offset = node.offset_debug();
    return !found;
  }
};

// pugixml decodes a reference to U+0000 into a NUL byte, and its strings end at the
// first NUL: the rest of the value would be dropped without a word. XML does not allow
// the character, so such a document is malformed; the offset of the node holding it is
// returned. The text is scanned once; only a document that has the characters is
// parsed again, without decoding references, to tell element text and attribute
// values from comments and CDATA, where "&#0;" is only text.
std::optional<std::ptrdiff_t> nul_reference(std::string_view text) {
  if (find_nul_reference(text) == std::string_view::npos) return std::nullopt;
  pugi::xml_document raw;
  if (!raw.load_buffer(text.data(), text.size(), pugi::parse_default & ~pugi::parse_escapes,
                       pugi::encoding_utf8)) {
    return std::nullopt;  // malformed anyway: the real parse says where
  }
  NulReferenceFinder finder;
  raw.traverse(finder);
  if (finder.offset < 0) return std::nullopt;
  return finder.offset;
}

Error over_budget(std::uint64_t budget, const std::string& what) {
  return Error(ErrorCode::kLimit, what + " would take more than the parse budget of " +
                                      std::to_string(budget >> 20) +
                                      " MiB (2.5 times the document size limit)");
}

// Turns a parse into a Report, collecting warnings; the first fatal problem is
// returned as an Error (leveldb's DecodeFrom shape: one place that names the field).
class ReportParser {
 public:
  ReportParser(LineCounter& lines, ModelBudget& budget) : lines_(lines), budget_(budget) {}

  core::Result<Report> parse(const pugi::xml_node& feedback) {
    const pugi::xml_node metadata = child(feedback, "report_metadata");
    if (!metadata) return missing("report_metadata", feedback);
    if (auto status = parse_metadata(metadata); !status) return std::move(status).error();

    const std::vector<pugi::xml_node> policies = children(feedback, "policy_published");
    if (policies.empty()) return missing("policy_published", feedback);
    if (policies.size() > 1) {
      warn(std::to_string(policies.size()) + " <policy_published> elements; the first (line " +
           std::to_string(line_of(policies[0])) + ") is used");
    }
    if (auto status = parse_policy(policies[0]); !status) return std::move(status).error();

    report_.version = text_of(child(feedback, "version"));
    // The records are counted first so that their vector is allocated once, at its
    // size: growing by doubling would hold up to three times as much for a moment.
    std::size_t records = 0;
    for (pugi::xml_node node : feedback.children()) {
      if (is_named(node, "record")) ++records;
    }
    if (!budget_.spend(records * sizeof(Record) + report_heap_bytes())) {
      return over_budget(budget_.total, "the report's " + std::to_string(records) + " records");
    }
    warning_bytes_ = 0;
    report_.records.reserve(records);
    std::int64_t index = 0;
    for (pugi::xml_node node : feedback.children()) {
      if (!is_named(node, "record")) continue;
      ++index;
      const std::size_t kept = report_.records.size();
      parse_record(node, index);
      const std::size_t record_bytes =
          report_.records.size() > kept ? record_heap_bytes(report_.records.back()) : 0;
      if (!budget_.spend(record_bytes + warning_bytes_)) {
        return over_budget(budget_.total,
                           "the report's records (at record " + std::to_string(index) + ")");
      }
      warning_bytes_ = 0;
    }
    current_record_ = pugi::xml_node();
    if (index == 0) warn("the report has no <record>");
    return std::move(report_);
  }

 private:
  Error missing(std::string_view name, const pugi::xml_node& parent) {
    Error error(ErrorCode::kInvalid,
                element_name(local_name(parent.name())) + " has no " + element_name(name));
    error.at("line " + std::to_string(line_of(parent)));
    return error;
  }

  Error bad_value(std::string_view name, const pugi::xml_node& node, const std::string& value,
                  std::string_view why) {
    Error error(ErrorCode::kInvalid,
                element_name(name) + " '" + core::terminal_safe(value) + "' " + std::string(why));
    error.at("line " + std::to_string(line_of(node)));
    return error;
  }

  core::Status parse_metadata(const pugi::xml_node& metadata) {
    report_.org_name = text_of(child(metadata, "org_name"));
    report_.email = text_of(child(metadata, "email"));
    report_.extra_contact_info = text_of(child(metadata, "extra_contact_info"));
    report_.generator = text_of(child(metadata, "generator"));
    for (const pugi::xml_node& error : children(metadata, "error")) {
      std::string text = text_of(error);
      if (!text.empty()) report_.errors.push_back(std::move(text));
    }
    if (report_.org_name.empty()) {
      const std::size_t at = report_.email.rfind('@');
      if (at == std::string::npos || at + 1 == report_.email.size()) {
        return missing("org_name", metadata);
      }
      report_.org_name = normalize_domain(report_.email.substr(at + 1));
      warn("empty <org_name>; the email's domain '" + report_.org_name + "' is used");
    }

    report_.report_id = text_of(child(metadata, "report_id"));
    if (report_.report_id.empty()) return missing("report_id", metadata);

    const pugi::xml_node range = child(metadata, "date_range");
    if (!range) return missing("date_range", metadata);
    auto begin = timestamp(range, "begin");
    if (!begin) return std::move(begin).error();
    auto end = timestamp(range, "end");
    if (!end) return std::move(end).error();
    report_.begin = *begin;
    report_.end = *end;
    if (report_.end < report_.begin) {
      warn("<date_range> ends before it begins; begin and end swapped");
      std::swap(report_.begin, report_.end);
    }
    const std::int64_t days = day_span(report_.begin, report_.end).count;
    if (days > kMaxReportDays) {
      Error error(ErrorCode::kInvalid, "<date_range> spans " + std::to_string(days) +
                                           " days (more than " + std::to_string(kMaxReportDays) +
                                           ")");
      error.at("line " + std::to_string(line_of(range)));
      return error;
    }
    return {};
  }

  core::Result<std::int64_t> timestamp(const pugi::xml_node& range, std::string_view name) {
    const pugi::xml_node node = child(range, name);
    if (!node) return missing(name, range);
    const std::string text = text_of(node);
    if (text.empty()) return bad_value(name, node, text, "is empty");
    std::int64_t seconds = 0;
    const std::size_t dot = text.find_first_of(".,");
    const std::string_view whole = std::string_view(text).substr(0, dot);
    if (auto value = parse_count(whole);
        value && (dot == std::string::npos ||
                  std::all_of(text.begin() + static_cast<std::ptrdiff_t>(dot) + 1, text.end(),
                              [](char c) { return c >= '0' && c <= '9'; }))) {
      seconds = *value;
      if (dot != std::string::npos) {
        warn(element_name(name) + " '" + text + "' has a fraction; truncated to whole seconds");
      }
      if (seconds >= kMillisecondThreshold) {
        warn(element_name(name) + " '" + text + "' is in milliseconds; divided by 1000");
        seconds /= 1000;
      }
    } else if (auto parsed = core::parse_iso8601(text); parsed && *parsed >= 0) {
      seconds = *parsed;
      warn(element_name(name) + " '" + core::terminal_safe(text) +
           "' is an ISO 8601 date, not epoch seconds; converted");
    } else {
      return bad_value(name, node, text, "is not a timestamp");
    }
    if (seconds > kLatestPlausibleTime) {
      return bad_value(name, node, text, "is after the year 2100");
    }
    return seconds;
  }

  core::Status parse_policy(const pugi::xml_node& policy) {
    PolicyPublished& out = report_.policy;
    out.domain = normalize_domain(element_text(child(policy, "domain")).view());
    if (out.domain.empty()) return missing("domain", policy);
    out.adkim = enum_of(policy, "adkim", Vocabulary::kAlignment);
    out.aspf = enum_of(policy, "aspf", Vocabulary::kAlignment);
    out.p = enum_of(policy, "p", Vocabulary::kPolicy);
    out.sp = enum_of(policy, "sp", Vocabulary::kPolicy);
    out.np = enum_of(policy, "np", Vocabulary::kPolicy);
    out.fo = text_of(child(policy, "fo"));
    out.testing = enum_of(policy, "testing", Vocabulary::kTesting);
    out.discovery_method = enum_of(policy, "discovery_method", Vocabulary::kDiscovery);
    if (const pugi::xml_node pct = child(policy, "pct")) {
      const std::string text = text_of(pct);
      if (auto value = parse_count(text); value && *value <= 100) {
        out.pct = *value;
      } else if (!text.empty()) {
        warn("<pct> '" + core::terminal_safe(text) + "' (line " + std::to_string(line_of(pct)) +
             ") is not a percentage; ignored");
      }
    }
    return {};
  }

  void parse_record(const pugi::xml_node& node, std::int64_t index) {
    // Warnings name the record by index and line; the line is only looked up when a
    // warning is actually written.
    current_record_ = node;
    current_index_ = index;
    auto drop = [&](const std::string& why) {
      warn(record_place() + ": " + why + "; record dropped");
      ++report_.dropped_records;
    };
    Record record;
    const auto [row, identifiers_node, identities_node, auth] =
        first_children<4>(node, {"row", "identifiers", "identities", "auth_results"});
    if (!row) return drop("no <row>");

    const auto [ip_node, count_node, evaluated] =
        first_children<3>(row, {"source_ip", "count", "policy_evaluated"});
    if (!ip_node) return drop("no <source_ip>");
    const ElementText ip_element = element_text(ip_node);
    const std::string_view ip_text = ip_element.view();
    if (ip_text.empty()) return drop("empty <source_ip>");
    auto ip = core::canonical_ip(ip_text);
    if (!ip) return drop("<source_ip> '" + core::terminal_safe(ip_text) + "' is not an IP address");
    if (ip->had_zone)
      warn(record_place() + ": zone id removed from <source_ip> '" + core::terminal_safe(ip_text) +
           "'");
    record.source_ip = std::move(ip->text);

    if (!count_node) return drop("no <count>");
    const ElementText count_element = element_text(count_node);
    const std::string_view count_text = count_element.view();
    auto count = parse_count(count_text);
    if (!count) {
      const bool digits =
          !count_text.empty() && std::all_of(count_text.begin(), count_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; });
      return drop("<count> '" + core::terminal_safe(count_text) + "' " +
                  (digits ? "is out of range" : "is not a non-negative number"));
    }
    if (*count > kMaxRecordCount) {
      return drop("<count> " + count_element.str() + " is implausibly large (over " +
                  std::to_string(kMaxRecordCount) + ")");
    }
    record.count = *count;

    if (evaluated) {
      const auto [disposition, dkim, spf] =
          first_children<3>(evaluated, {"disposition", "dkim", "spf"});
      record.disposition = enum_text(disposition, "disposition", Vocabulary::kDisposition);
      record.dkim = enum_text(dkim, "dkim", Vocabulary::kVerdict);
      record.spf = enum_text(spf, "spf", Vocabulary::kVerdict);
      for (const pugi::xml_node& reason : children(evaluated, "reason")) {
        PolicyReason out;
        if (const pugi::xml_node type = child(reason, "type")) {
          out.type = enum_of(reason, "type", Vocabulary::kReason);
          out.comment = text_of(child(reason, "comment"));
        } else {
          // rspamd writes <reason>sampled_out</reason> with no <type>.
          out.type = normalize_word(element_text(reason).view(), Vocabulary::kReason).word;
        }
        if (!out.type.empty() || !out.comment.empty()) record.reasons.push_back(std::move(out));
      }
    } else {
      warn(record_place() + ": no <policy_evaluated>");
    }

    // <identities> is seen in the wild.
    const pugi::xml_node identifiers = identifiers_node ? identifiers_node : identities_node;
    const auto [header_from, envelope_from, envelope_to] =
        first_children<3>(identifiers, {"header_from", "envelope_from", "envelope_to"});
    record.header_from = normalize_domain(element_text(header_from).view());
    if (record.header_from.empty()) return drop("no <header_from>");
    record.envelope_from = normalize_domain(element_text(envelope_from).view());
    record.envelope_to = normalize_domain(element_text(envelope_to).view());

    for (pugi::xml_node result : auth.children()) {
      if (is_named(result, "dkim")) {
        const auto [domain, selector, verdict, human] =
            first_children<4>(result, {"domain", "selector", "result", "human_result"});
        DkimResult dkim;
        dkim.domain = normalize_domain(element_text(domain).view());
        dkim.selector = core::ascii_lower(element_text(selector).view());
        dkim.result = enum_text(verdict, "result", Vocabulary::kDkimResult);
        dkim.human_result = text_of(human);
        record.dkim_results.push_back(std::move(dkim));
      } else if (is_named(result, "spf")) {
        const auto [domain, scope, verdict, human] =
            first_children<4>(result, {"domain", "scope", "result", "human_result"});
        SpfResult spf;
        spf.domain = normalize_domain(element_text(domain).view());
        spf.scope = enum_text(scope, "scope", Vocabulary::kScope);
        spf.result = enum_text(verdict, "result", Vocabulary::kSpfResult);
        spf.human_result = text_of(human);
        record.spf_results.push_back(std::move(spf));
      }
    }
    report_.records.push_back(std::move(record));
  }

  // Text of an element, trimmed, valid UTF-8; empty for a missing element.
  ElementText element_text(const pugi::xml_node& node) {
    if (!node) return ElementText();
    const std::string_view raw = core::trim(node.text().get());
    if (core::is_valid_utf8(raw)) return ElementText(raw);
    if (!warned_utf8_) {
      warned_utf8_ = true;
      warn("invalid UTF-8 in " + element_name(local_name(node.name())) + " (line " +
           std::to_string(line_of(node)) + ") replaced with U+FFFD");
    }
    return ElementText(core::to_valid_utf8(raw));
  }

  std::string text_of(const pugi::xml_node& node) { return element_text(node).str(); }

  std::string enum_of(const pugi::xml_node& parent, std::string_view name, Vocabulary vocabulary) {
    return enum_text(child(parent, name), name, vocabulary);
  }

  // The word of element `node` (named `name`, possibly absent) in `vocabulary`.
  std::string enum_text(const pugi::xml_node& node, std::string_view name, Vocabulary vocabulary) {
    const ElementText text = element_text(node);
    NormalizedWord word = normalize_word(text.view(), vocabulary);
    if (!word.known && !word.word.empty()) {
      const std::string place = record_place();
      warn((place.empty() ? "" : place + ": ") + "unknown " + element_name(name) + " '" +
           core::terminal_safe(text.view()) + "' kept as is");
    }
    return std::move(word.word);
  }

  void warn(std::string message) {
    if (report_.warnings.size() < kMaxWarnings) {
      warning_bytes_ += sizeof(std::string) + heap_bytes(message);
      report_.warnings.push_back(std::move(message));
    } else {
      ++suppressed_warnings_;
    }
  }

 public:
  // Closes the warning list with the number of warnings that did not fit.
  void finish_warnings(Report& report) const {
    if (suppressed_warnings_ > 0) {
      report.warnings.push_back(std::to_string(suppressed_warnings_) +
                                " further warnings suppressed");
    }
  }

 private:
  // "record 3 (line 41)" while a record is being parsed, else empty.
  std::string record_place() {
    if (!current_record_) return {};
    return "record " + std::to_string(current_index_) + " (line " +
           std::to_string(line_of(current_record_)) + ")";
  }

  std::int64_t line_of(const pugi::xml_node& node) { return lines_.line_of(node); }

  // What the report-level strings hold (metadata, policy, <error> elements).
  std::size_t report_heap_bytes() const {
    std::size_t bytes = heap_bytes(report_.version) + heap_bytes(report_.org_name) +
                        heap_bytes(report_.email) + heap_bytes(report_.extra_contact_info) +
                        heap_bytes(report_.report_id) + heap_bytes(report_.generator) +
                        heap_bytes(report_.policy.domain) + heap_bytes(report_.policy.fo) +
                        report_.errors.capacity() * sizeof(std::string) + warning_bytes_;
    for (const std::string& error : report_.errors) bytes += heap_bytes(error);
    return bytes;
  }

  LineCounter& lines_;
  ModelBudget& budget_;
  std::size_t warning_bytes_ = 0;  // warnings kept since the budget was last charged
  pugi::xml_node current_record_;  // the record being parsed, for warnings
  std::int64_t current_index_ = 0;
  Report report_;
  bool warned_utf8_ = false;
  std::size_t suppressed_warnings_ = 0;
};

// pugixml 1.13 on 64-bit (the Debian build, not PUGIXML_COMPACT): an element, text or
// CDATA node is 8 pointers, an attribute 5, allocated from 32 KiB pages. Measured with
// heaptrack: 2,000,000 `<a/>x` take 256 MB.
constexpr std::uint64_t kNodeBytes = 64;
constexpr std::uint64_t kAttributeBytes = 40;
// Page headers and the unused end of each page, as a fraction of the tree: 1/64.
constexpr std::uint64_t kPageOverheadDivisor = 64;

struct TreeEstimate {
  std::uint64_t nodes = 0;
  std::uint64_t attributes = 0;

  std::uint64_t bytes() const {
    const std::uint64_t tree = nodes * kNodeBytes + attributes * kAttributeBytes;
    return tree + tree / kPageOverheadDivisor;
  }
};

bool is_xml_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// An upper bound on the nodes and attributes pugixml builds from `text` with
// parse_default, in one pass: every '<' that does not start an end tag may open a node
// (comments and declarations, which parse_default drops, are counted anyway); every
// '>' followed by something other than whitespace and '<' may start a text node
// (whitespace-only text makes no node); every '=' may belong to an attribute.
TreeEstimate estimate_tree(std::string_view text) {
  TreeEstimate estimate;
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size; ++i) {
    const char c = text[i];
    if (c == '<') {
      if (i + 1 >= size || text[i + 1] != '/') ++estimate.nodes;
    } else if (c == '=') {
      ++estimate.attributes;
    } else if (c == '>') {
      std::size_t next = i + 1;
      while (next < size && is_xml_space(text[next])) ++next;
      if (next < size && text[next] != '<') ++estimate.nodes;
      i = next - 1;  // the whitespace is not looked at again
    }
  }
  return estimate;
}

std::uint64_t tree_bytes(std::string_view text) { return estimate_tree(text).bytes(); }

// The top-level elements called feedback, in order: usually one; two when two
// documents were concatenated. Other top-level elements (trailing garbage) are ignored.
std::vector<pugi::xml_node> feedback_roots(const pugi::xml_document& document) {
  std::vector<pugi::xml_node> roots;
  for (pugi::xml_node node : document.children()) {
    if (is_named(node, "feedback")) roots.push_back(node);
  }
  return roots;
}

std::string namespace_of(const pugi::xml_node& element) {
  const std::string_view name(element.name());
  const std::size_t colon = name.find(':');
  const std::string attribute =
      colon == std::string_view::npos ? "xmlns" : "xmlns:" + std::string(name.substr(0, colon));
  return std::string(core::trim(element.attribute(attribute.c_str()).value()));
}

}  // namespace

ParseLimits ParseLimits::for_document_limit(std::uint64_t max_document_bytes) {
  const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
  return ParseLimits{max_document_bytes > max / 5 * 2 ? max : max_document_bytes / 2 * 5};
}

core::Result<std::vector<core::Result<Report>>> parse_reports(std::string_view xml,
                                                              const ParseLimits& limits) {
  const std::uint64_t budget = limits.max_parse_bytes;
  // pugixml copies the converted text as well, so a conversion may take half the budget.
  auto utf8 = to_utf8(xml, static_cast<std::size_t>(std::min<std::uint64_t>(
                               budget / 2, std::numeric_limits<std::size_t>::max())));
  if (!utf8) return std::move(utf8).error();
  const std::string_view text = utf8->text(xml);

  // Bound the tree before building it: pugixml allocates it all at once, and a
  // document of 32 MiB can ask for 800 MiB of nodes. Every node or attribute takes at
  // least one of the bytes counted, so a document whose tree fits the budget even at
  // one node per byte is not counted here (counting cost as much as a tenth of the
  // parse): the model is charged that bound, and refunded from an exact count only if
  // it ever needs the difference, so what is accepted does not change.
  const std::uint64_t text_bytes = utf8->converted.size() + text.size();
  const std::uint64_t tree_bound = TreeEstimate{text.size(), 0}.bytes();
  ModelBudget model;
  model.total = budget;
  if (text_bytes <= budget && tree_bound <= budget - text_bytes) {
    model.left = budget - text_bytes - tree_bound;
    model.uncounted = text;
    model.tree_charged = tree_bound;
  } else {
    const TreeEstimate tree = estimate_tree(text);
    const std::uint64_t before_reports = text_bytes + tree.bytes();
    if (before_reports > budget) {
      return over_budget(budget, "a document of " + std::to_string(text.size()) + " bytes with " +
                                     std::to_string(tree.nodes) + " XML nodes and " +
                                     std::to_string(tree.attributes) + " attributes");
    }
    model.left = budget - before_reports;
  }

  if (const auto nul = nul_reference(text)) {
    Error error(ErrorCode::kCorrupt,
                "malformed XML: a character reference to U+0000 (&#0;), which XML does not allow");
    error.at("line " + std::to_string(LineCounter(text).line_at(static_cast<std::size_t>(*nul))));
    return error;
  }

  pugi::xml_document document;
  // load_buffer copies, so `text` stays intact for line numbers (and the caller's bytes
  // for a reject); offsets match because the encoding is fixed to UTF-8 (no conversion
  // inside pugixml).
  const pugi::xml_parse_result parsed =
      document.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (parsed.status == pugi::status_no_document_element) {
    return Error(ErrorCode::kNotReport, "not an XML document (no root element)");
  }
  const std::vector<pugi::xml_node> roots = feedback_roots(document);
  if (const pugi::xml_node root = document.document_element(); !parsed && root && roots.empty()) {
    // Broken XML whose root is something else (an HTML page): not a broken report.
    return Error(ErrorCode::kNotReport, "not a DMARC aggregate report (root element <" +
                                            core::terminal_safe(root.name()) + ">)");
  }
  LineCounter lines(text);
  if (!parsed) {
    Error error(ErrorCode::kCorrupt, std::string("malformed XML: ") + parsed.description());
    error.at("line " + std::to_string(lines.line_at(
                           static_cast<std::size_t>(std::max<std::ptrdiff_t>(parsed.offset, 0)))));
    return error;
  }
  if (roots.empty()) {
    const pugi::xml_node root = document.document_element();
    return Error(ErrorCode::kNotReport, "not a DMARC aggregate report (root element <" +
                                            core::terminal_safe(root.name()) +
                                            ">, expected <feedback>)");
  }
  std::vector<core::Result<Report>> reports;
  reports.reserve(roots.size());
  for (const pugi::xml_node& feedback : roots) {
    ReportParser parser(lines, model);
    auto report = parser.parse(feedback);
    if (!report && report.error().code() == ErrorCode::kLimit) return std::move(report).error();
    if (report) {
      parser.finish_warnings(*report);
      report->xml_namespace = namespace_of(feedback);
      report->feedback_count = roots.size();
      if (!utf8->converted_from.empty()) {
        report->warnings.insert(report->warnings.begin(), "converted from " + utf8->converted_from);
      }
      if (utf8->replaced > 0) {
        report->warnings.insert(report->warnings.begin(),
                                std::to_string(utf8->replaced) + " bytes invalid in " +
                                    utf8->converted_from + " replaced with U+FFFD");
      }
    }
    reports.push_back(std::move(report));
  }
  return reports;
}

core::Result<Report> parse_report(std::string_view xml, std::size_t which,
                                  const ParseLimits& limits) {
  auto reports = parse_reports(xml, limits);
  if (!reports) return std::move(reports).error();
  if (which >= reports->size()) {
    return Error(ErrorCode::kUsage,
                 "the document holds " + std::to_string(reports->size()) + " reports");
  }
  return std::move((*reports)[which]);
}

DaySpan day_span(std::int64_t begin, std::int64_t end) {
  const std::int64_t first = core::day_of(begin);
  const std::int64_t last = end > begin ? core::day_of(end - 1) : first;
  return {first, last - first + 1};
}

std::string Report::reporter() const { return core::ascii_lower(org_name); }

std::int64_t Report::message_count() const {
  std::int64_t total = 0;
  for (const Record& record : records) {
    if (record.count > std::numeric_limits<std::int64_t>::max() - total) {
      return std::numeric_limits<std::int64_t>::max();
    }
    total += record.count;
  }
  return total;
}

}  // namespace dmarcq::report
