// Shared by the import job's tests: a minimal valid aggregate report.
#ifndef DMARCQ_TESTS_IMPORT_REPORT_FIXTURE_H_
#define DMARCQ_TESTS_IMPORT_REPORT_FIXTURE_H_

#include <cstdint>
#include <string>

namespace dmarcq::testing {

// One report from google.com for example.com, one record of `count` messages from
// 192.0.2.1 (DKIM pass, SPF fail), identified by `id`.
inline std::string report_xml(const std::string& id, std::int64_t count) {
  return "<feedback><report_metadata><org_name>google.com</org_name><report_id>" + id +
         "</report_id><date_range><begin>1794182400</begin><end>1794268799</end></date_range>"
         "</report_metadata><policy_published><domain>example.com</domain><p>none</p>"
         "</policy_published><record><row><source_ip>192.0.2.1</source_ip><count>" +
         std::to_string(count) +
         "</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim>"
         "<spf>fail</spf></policy_evaluated></row><identifiers><header_from>example.com"
         "</header_from></identifiers></record></feedback>";
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_IMPORT_REPORT_FIXTURE_H_
