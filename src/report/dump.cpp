#include <sstream>

#include "core/date.h"
#include "core/text.h"
#include "report/report.h"

namespace dmarcq::report {

namespace {

// One "  key: value" line; absent (empty) values are written as "-" so that a golden
// file shows the difference between "absent" and a value.
void line(std::ostringstream& out, std::string_view key, std::string_view value) {
  out << "  " << key << ": " << (value.empty() ? "-" : core::terminal_safe(value)) << '\n';
}

}  // namespace

std::string dump(const Report& report) {
  std::ostringstream out;
  out << "report\n";
  line(out, "version", report.version);
  line(out, "org_name", report.org_name);
  line(out, "email", report.email);
  line(out, "extra_contact_info", report.extra_contact_info);
  line(out, "report_id", report.report_id);
  line(out, "begin", std::to_string(report.begin) + " " + core::format_timestamp(report.begin));
  line(out, "end", std::to_string(report.end) + " " + core::format_timestamp(report.end));
  line(out, "generator", report.generator);
  line(out, "namespace", report.xml_namespace);
  for (const std::string& error : report.errors) line(out, "error", error);
  const PolicyPublished& policy = report.policy;
  out << "policy_published\n";
  line(out, "domain", policy.domain);
  line(out, "adkim", policy.adkim);
  line(out, "aspf", policy.aspf);
  line(out, "p", policy.p);
  line(out, "sp", policy.sp);
  line(out, "np", policy.np);
  line(out, "pct", policy.pct ? std::to_string(*policy.pct) : "");
  line(out, "fo", policy.fo);
  line(out, "testing", policy.testing);
  line(out, "discovery_method", policy.discovery_method);
  int index = 0;
  for (const Record& record : report.records) {
    out << "record " << ++index << '\n';
    line(out, "source_ip", record.source_ip);
    line(out, "count", std::to_string(record.count));
    line(out, "disposition", record.disposition);
    line(out, "dkim", record.dkim);
    line(out, "spf", record.spf);
    for (const PolicyReason& reason : record.reasons) {
      line(out, "reason", "type=" + reason.type + " comment=" + reason.comment);
    }
    line(out, "header_from", record.header_from);
    line(out, "envelope_from", record.envelope_from);
    line(out, "envelope_to", record.envelope_to);
    for (const DkimResult& dkim : record.dkim_results) {
      line(out, "auth dkim",
           "domain=" + dkim.domain + " selector=" + dkim.selector + " result=" + dkim.result +
               " human_result=" + dkim.human_result);
    }
    for (const SpfResult& spf : record.spf_results) {
      line(out, "auth spf",
           "domain=" + spf.domain + " scope=" + spf.scope + " result=" + spf.result +
               " human_result=" + spf.human_result);
    }
  }
  out << "dropped_records: " << report.dropped_records << '\n';
  for (const std::string& warning : report.warnings) {
    out << "warning: " << core::terminal_safe(warning) << '\n';
  }
  return out.str();
}

}  // namespace dmarcq::report
