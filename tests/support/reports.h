// Small reports built in code, for the tests of every module that reads them.
#ifndef DMARCQ_TESTS_SUPPORT_REPORTS_H_
#define DMARCQ_TESTS_SUPPORT_REPORTS_H_

#include <cstdint>
#include <string>

#include "report/report.h"

namespace dmarcq::testing {

inline report::Record make_record(const std::string& ip, std::int64_t count,
                                  const std::string& dkim, const std::string& spf,
                                  const std::string& disposition = "none") {
  report::Record record;
  record.source_ip = ip;
  record.count = count;
  record.dkim = dkim;
  record.spf = spf;
  record.disposition = disposition;
  record.header_from = "example.com";
  return record;
}

inline report::Report make_report(const std::string& org, const std::string& id,
                                  const std::string& domain, std::int64_t begin, std::int64_t end) {
  report::Report report;
  report.org_name = org;
  report.report_id = id;
  report.policy.domain = domain;
  report.policy.p = "none";
  report.begin = begin;
  report.end = end;
  return report;
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_SUPPORT_REPORTS_H_
