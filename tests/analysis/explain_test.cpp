// explain over a store: one finding per (domain, sender) with every cause, unknown
// sources grouped per domain, severities, order, transient results, and the
// domain-level findings.
#include <doctest/doctest.h>

#include "analysis/analysis.h"
#include "core/date.h"
#include "support/reports.h"
#include "support/stores.h"
#include "support/temp_db.h"

using namespace dmarcq;
using analysis::Cause;
using analysis::Severity;

namespace {

constexpr std::int64_t kNov9 = 1794182400;

report::Record salesforce_record(const std::string& ip, std::int64_t count) {
  report::Record record = testing::make_record(ip, count, "fail", "fail");
  record.spf_results.push_back({"x.na139.bnc.salesforce.com", "mfrom", "pass", ""});
  return record;
}

// "severity sender cause:severity:messages,... messages" per finding.
std::vector<std::string> summaries(const std::vector<analysis::Finding>& findings) {
  std::vector<std::string> out;
  for (const analysis::Finding& f : findings) {
    std::string causes;
    for (const analysis::FindingCause& c : f.causes) {
      causes += (causes.empty() ? "" : ",") + std::string(analysis::cause_id(c.cause)) + ":" +
                analysis::severity_name(c.severity) + ":" + std::to_string(c.messages);
    }
    out.push_back(std::string(analysis::severity_name(f.severity)) + " " +
                  (f.sender != nullptr ? f.sender->id : "-") + " " + causes + " " +
                  std::to_string(f.messages));
  }
  return out;
}

// Findings point into the catalog: it outlives them.
const analysis::Catalog& catalog() {
  static const analysis::Catalog instance = *analysis::Catalog::builtin();
  return instance;
}

// explain over `store` within `filter`, in `lang`.
std::vector<analysis::Finding> explain_store(store::Store& store,
                                             const store::RecordFilter& filter = {},
                                             analysis::Lang lang = analysis::Lang::kEn,
                                             const analysis::ExplainOptions& options = {}) {
  auto findings = analysis::explain(store, filter, catalog(), lang, options);
  REQUIRE(findings.ok());
  return std::move(*findings);
}

// Every line of the findings, texts included: what two backends must agree on.
std::vector<std::string> everything(const std::vector<analysis::Finding>& findings) {
  std::vector<std::string> out = summaries(findings);
  for (const analysis::Finding& f : findings) {
    out.push_back(f.domain + " " + std::to_string(f.dmarc_fail) + " " +
                  std::to_string(f.source_count) + " " + std::to_string(f.first_day) + "-" +
                  std::to_string(f.last_day));
    out.push_back(f.evidence);
    out.push_back(f.fix);
  }
  return out;
}

}  // namespace

TEST_CASE("explain: findings per sender and cause, worst first, with domain findings") {
  std::vector<report::Report> reports;
  for (int day = 0; day < 2; ++day) {
    report::Report r = testing::make_report("google.com", std::to_string(day), "example.com",
                                            kNov9 + day * 86400, kNov9 + day * 86400 + 86399);
    r.policy.p = "none";
    r.records.push_back(salesforce_record("13.110.74.200", 100));
    r.records.push_back(salesforce_record("13.110.242.177", 50 + day));
    report::Record google = testing::make_record("209.85.220.41", 30, "pass", "pass");
    google.dkim_results.push_back({"example.com", "google", "pass", ""});
    google.spf_results.push_back({"example.com", "mfrom", "pass", ""});
    r.records.push_back(google);
    report::Record spoof = testing::make_record("203.0.113.77", 3, "fail", "fail", "reject");
    spoof.spf_results.push_back({"example.com", "mfrom", "fail", ""});
    r.records.push_back(spoof);
    reports.push_back(r);
  }
  for (testing::Backend backend : testing::kBackends) {
    CAPTURE(testing::backend_name(backend));
    testing::TempDb temp;
    const auto store = testing::store_with(backend, reports, temp);
    const std::vector<analysis::Finding> findings = explain_store(*store);
    CHECK(summaries(findings) ==
          std::vector<std::string>{
              "fail salesforce dkim_not_activated:fail:301,spf_not_aligned:fail:301 301",
              "fail - unauthorized:fail:6 6",
              "warn - policy_none:warn:367 367",
              "warn - enforcement_readiness:warn:367 367",
              "info - subdomain_policy_missing:info:367 367",
          });
    const analysis::Finding& first = findings.front();
    CHECK(first.domain == "example.com");
    CHECK(first.dmarc_fail == 301);
    REQUIRE(first.sources.size() == 2);
    CHECK(first.sources[0].ip == "13.110.74.200");
    CHECK(first.sources[0].messages == 200);
    CHECK(core::format_day(first.first_day) == "2026-11-09");
    CHECK(core::format_day(first.last_day) == "2026-11-10");
    CHECK(first.evidence.find("x.na139.bnc.salesforce.com") != std::string::npos);
    CHECK(first.fix.find("Deliverability") != std::string::npos);
    const analysis::Finding& readiness = findings[3];
    CHECK(readiness.evidence.rfind("16.6% of 361 legitimate messages pass DMARC", 0) == 0);

    store::RecordFilter one_day;
    one_day.from_day = core::day_of(kNov9 + 86400);
    one_day.to_day = one_day.from_day;
    const std::vector<analysis::Finding> later =
        explain_store(*store, one_day, analysis::Lang::kJa);
    CHECK(later.front().messages == 151);
    CHECK(later.front().evidence.find("整合") != std::string::npos);
  }
}

// summary --by source goes through sender_summary (the facts and scan_record_days);
// the store's own summary gives the reference figures, and every backend gives the
// same ones.
TEST_CASE(
    "summary by source: the per-fact sums equal the store's record-level sums, with days, filters "
    "and zero counts") {
  // Three days with counts smaller than the days, a zero count, two domains, and the
  // same fact in two reports.
  report::Report three_days =
      testing::make_report("Mimecast", "m", "example.com", kNov9, kNov9 + 3 * 86400 - 1);
  three_days.records.push_back(salesforce_record("13.110.74.200", 7));
  three_days.records.push_back(salesforce_record("13.110.74.200", 2));
  three_days.records.push_back(testing::make_record("203.0.113.77", 1, "fail", "fail", "reject"));
  three_days.records.push_back(testing::make_record("198.51.100.9", 0, "pass", "pass"));
  report::Report day =
      testing::make_report("google.com", "g", "example.org", kNov9 + 86400, kNov9 + 2 * 86400 - 1);
  day.records.push_back(salesforce_record("13.110.74.200", 11));
  day.records.push_back(testing::make_record("209.85.220.41", 5, "pass", "fail", "quarantine"));
  using store::GroupKey;
  const std::int64_t nov9 = core::day_of(kNov9);
  std::vector<std::vector<std::vector<core::Cell>>> first_backend_rows;  // per query
  for (testing::Backend backend : testing::kBackends) {
    CAPTURE(testing::backend_name(backend));
    testing::TempDb temp;
    const auto reader = testing::store_with(backend, {three_days, day}, temp);
    std::size_t compared = 0;
    for (const std::vector<GroupKey>& by : std::vector<std::vector<GroupKey>>{
             {GroupKey::kSource},
             {GroupKey::kSource, GroupKey::kDay},
             {GroupKey::kDomain, GroupKey::kSource},
             {GroupKey::kWeek, GroupKey::kSource, GroupKey::kReporter}}) {
      for (int filtered = 0; filtered < 2; ++filtered) {
        store::SummaryQuery query;
        query.by = by;
        if (filtered == 1) {
          query.from_day = nov9 + 1;
          query.to_day = nov9 + 2;
        }
        auto per_fact = analysis::sender_summary(*reader, query, catalog());
        auto per_record = reader->summary(query);
        REQUIRE(per_fact.ok());
        REQUIRE(per_record.ok());
        CHECK(per_fact->columns == per_record->columns);
        CHECK(per_fact->rows == per_record->rows);
        CHECK(!per_fact->rows.empty());
        if (backend == testing::kBackends[0]) {
          first_backend_rows.push_back(per_record->rows);
        } else {
          REQUIRE(compared < first_backend_rows.size());
          CHECK(per_record->rows == first_backend_rows[compared]);
        }
        ++compared;
      }
    }
    CHECK(compared == 8);
  }
}

// A finding sums the records of one sender and cause; some may identify the sender by
// its SPF pass, others only by its IP ranges. The evidence names the strongest, in
// whatever order the records were stored.
TEST_CASE("explain: a finding's identification is the strongest of its records, in any order") {
  report::Record by_spf = salesforce_record("13.110.74.200", 10);  // bnc SPF pass
  report::Record by_range = testing::make_record("13.110.242.177", 5, "fail", "fail");
  by_range.spf_results.push_back({"example.com", "mfrom", "softfail", ""});
  std::vector<std::string> evidence;
  for (const auto& records : {std::vector<report::Record>{by_spf, by_range},
                              std::vector<report::Record>{by_range, by_spf}}) {
    for (testing::Backend backend : testing::kBackends) {
      CAPTURE(testing::backend_name(backend));
      report::Report r =
          testing::make_report("google.com", "1", "example.com", kNov9, kNov9 + 86399);
      r.records = records;
      testing::TempDb temp;
      const auto store = testing::store_with(backend, {r}, temp);
      const std::vector<analysis::Finding> findings = explain_store(*store);
      const auto dkim = std::find_if(
          findings.begin(), findings.end(),
          [](const analysis::Finding& f) { return f.cause == Cause::kDkimNotActivated; });
      REQUIRE(dkim != findings.end());
      CHECK(dkim->messages == 15);
      evidence.push_back(dkim->evidence);
    }
  }
  REQUIRE(evidence.size() == 4);
  for (const std::string& text : evidence) CHECK(text == evidence[0]);
  CHECK(evidence[0].find("identified by an SPF pass for the sender's own envelope domain") !=
        std::string::npos);
}

namespace {

// Stores `reports` in each backend and explains them: the backends must agree on
// every finding, texts included; the SQLite one is returned.
std::vector<analysis::Finding> explain_reports(const std::vector<report::Report>& reports,
                                               const analysis::ExplainOptions& options = {}) {
  std::vector<analysis::Finding> first;
  for (testing::Backend backend : testing::kBackends) {
    testing::TempDb temp;
    const auto store = testing::store_with(backend, reports, temp);
    std::vector<analysis::Finding> findings =
        explain_store(*store, {}, analysis::Lang::kEn, options);
    if (backend == testing::kBackends[0]) {
      first = std::move(findings);
    } else {
      CAPTURE(testing::backend_name(backend));
      CHECK(everything(findings) == everything(first));
    }
  }
  return first;
}

report::Report day_report(const std::string& reporter, int day,
                          const std::string& policy = "reject") {
  report::Report r = testing::make_report(reporter, reporter + std::to_string(day), "example.com",
                                          kNov9 + day * 86400, kNov9 + day * 86400 + 86399);
  r.policy.p = policy;
  r.policy.sp = policy;
  return r;
}

}  // namespace

TEST_CASE("explain: unknown sources make one finding per domain, or one per IP with all_sources") {
  report::Report r = day_report("google.com", 0);
  for (int i = 0; i < 12; ++i) {
    report::Record spoof = testing::make_record("203.0.113." + std::to_string(i + 1), 20 - i,
                                                "fail", "fail", "reject");
    spoof.spf_results.push_back({"example.com", "mfrom", "fail", ""});
    r.records.push_back(spoof);
  }
  report::Record service = testing::make_record("198.51.100.7", 3, "fail", "fail", "reject");
  service.spf_results.push_back({"mailer.example.org", "mfrom", "pass", ""});
  r.records.push_back(service);
  const std::vector<analysis::Finding> grouped = explain_reports({r});
  const auto unknown = std::find_if(grouped.begin(), grouped.end(), [](const analysis::Finding& f) {
    return f.subject == analysis::Subject::kUnknownSources;
  });
  REQUIRE(unknown != grouped.end());
  CHECK(std::count_if(grouped.begin(), grouped.end(), [](const analysis::Finding& f) {
          return f.cause == Cause::kUnauthorized;
        }) == 1);
  CHECK(unknown->source_count == 13);
  CHECK(unknown->sources.size() == 10);
  CHECK(unknown->sources.front().ip == "203.0.113.1");
  CHECK(unknown->messages == 20 * 12 - 66 + 3);
  CHECK(unknown->evidence.find(
            "3 pass SPF or DKIM for the sender's own domain (mailer.example.org)") !=
        std::string::npos);
  CHECK(unknown->fix.find("already p=reject") != std::string::npos);
  CHECK(unknown->fix.find("move the DMARC policy") == std::string::npos);

  analysis::ExplainOptions all;
  all.all_sources = true;
  const std::vector<analysis::Finding> each = explain_reports({r}, all);
  CHECK(std::count_if(each.begin(), each.end(), [](const analysis::Finding& f) {
          return f.cause == Cause::kUnauthorized;
        }) == 13);
}

TEST_CASE("explain: one reporter's DKIM temperror or failure among passes is transient") {
  std::vector<report::Report> reports;
  for (int day = 0; day < 3; ++day) {
    report::Report google = day_report("google.com", day);
    report::Record pass = salesforce_record("13.110.74.200", 100);
    pass.dkim = "pass";
    pass.dkim_results.push_back({"example.com", "sf1", "pass", ""});
    google.records.push_back(pass);
    reports.push_back(google);
  }
  report::Report odd = day_report("small-isp.example", 1);
  report::Record failing = salesforce_record("13.110.74.200", 4);
  failing.dkim_results.push_back({"example.com", "sf1", "fail", ""});
  odd.records.push_back(failing);
  reports.push_back(odd);
  const std::vector<analysis::Finding> findings = explain_reports(reports);
  CHECK(summaries(findings) == std::vector<std::string>{
                                   "info salesforce spf_not_aligned:info:304,transient:info:4 304",
                                   "info - enforcement_readiness:info:304 304",
                               });
}

TEST_CASE("explain: readiness is unknown without legitimate mail, never ready") {
  report::Report r = day_report("google.com", 0, "none");
  report::Record spoof = testing::make_record("203.0.113.5", 40, "fail", "fail");
  spoof.spf_results.push_back({"example.com", "mfrom", "fail", ""});
  r.records.push_back(spoof);
  const std::vector<analysis::Finding> findings = explain_reports({r});
  const auto readiness = std::find_if(
      findings.begin(), findings.end(),
      [](const analysis::Finding& f) { return f.cause == Cause::kEnforcementReadiness; });
  REQUIRE(readiness != findings.end());
  CHECK(readiness->severity == Severity::kInfo);
  CHECK(readiness->evidence.find("readiness unknown") != std::string::npos);
  CHECK(readiness->fix.find("ready for enforcement") == std::string::npos);
  const auto none = std::find_if(findings.begin(), findings.end(), [](const analysis::Finding& f) {
    return f.cause == Cause::kPolicyNone;
  });
  REQUIRE(none != findings.end());
  CHECK(none->fix.find("no legitimate mail was identified") != std::string::npos);
}

TEST_CASE("explain: testing=y is a domain finding") {
  report::Report r = day_report("gmx.net", 0);
  r.policy.testing = "y";
  r.policy.np = "reject";
  report::Record google = testing::make_record("209.85.220.41", 30, "pass", "pass");
  google.dkim_results.push_back({"example.com", "google", "pass", ""});
  google.spf_results.push_back({"example.com", "mfrom", "pass", ""});
  r.records.push_back(google);
  const std::vector<analysis::Finding> findings = explain_reports({r});
  CHECK(summaries(findings) == std::vector<std::string>{
                                   "warn - policy_testing:warn:30 30",
                                   "info - enforcement_readiness:info:30 30",
                               });
  CHECK(findings.front().fix.find("t=y from the TXT record") != std::string::npos);
}

namespace {

// A Google Workspace record of `reporter` on `day`: DKIM s=google with `dkim_result`,
// SPF softfail for example.com (the include is missing).
report::Report workspace_day(const std::string& reporter, int day, const std::string& dkim_result,
                             std::int64_t count) {
  report::Report r = day_report(reporter, day);
  report::Record record =
      testing::make_record("209.85.220.41", count, dkim_result == "pass" ? "pass" : "fail", "fail");
  record.dkim_results.push_back({"example.com", "google", dkim_result, ""});
  record.spf_results.push_back({"example.com", "mfrom", "softfail", ""});
  r.records.push_back(record);
  return r;
}

const analysis::Finding& workspace_finding(const std::vector<analysis::Finding>& findings) {
  const auto found = std::find_if(findings.begin(), findings.end(), [](const analysis::Finding& f) {
    return f.sender != nullptr && f.sender->id == "google-workspace";
  });
  REQUIRE(found != findings.end());
  return *found;
}

}  // namespace

TEST_CASE("weights: a failure every reporter sees on the same days is not transient") {
  std::vector<report::Report> reports;
  for (int day = 0; day < 10; ++day) {
    const std::string result = day >= 3 && day <= 5 ? "fail" : "pass";
    reports.push_back(workspace_day("google.com", day, result, 100));
    reports.push_back(workspace_day("yahoo.com", day, result, 50));
  }
  const std::vector<analysis::Finding> findings = explain_reports(reports);
  const analysis::Finding& f = workspace_finding(findings);
  CHECK(f.severity == Severity::kFail);
  REQUIRE(f.causes.size() == 2);
  CHECK(f.causes[0].cause == Cause::kSpfIncludeMissing);
  CHECK(f.causes[1].cause == Cause::kDkimKeyUnpublished);
  CHECK(f.causes[1].messages == 450);
  CHECK(f.causes[1].dmarc_fail == 450);
}

TEST_CASE("weights: one reporter's failure on a day others pass is transient, and only that part") {
  std::vector<report::Report> reports;
  for (int day = 0; day < 3; ++day) {
    reports.push_back(workspace_day("google.com", day, "pass", 100));
    reports.push_back(workspace_day("enterprise.protection.outlook.com", day, "pass", 60));
  }
  reports.push_back(workspace_day("small-isp.example", 1, "fail", 7));  // others pass that day
  reports.push_back(workspace_day("small-isp.example", 5, "fail", 3));  // nobody passes that day
  const std::vector<analysis::Finding> findings = explain_reports(reports);
  const analysis::Finding& f = workspace_finding(findings);
  std::vector<std::string> causes;
  for (const analysis::FindingCause& c : f.causes) {
    causes.push_back(std::string(analysis::cause_id(c.cause)) + ":" +
                     analysis::severity_name(c.severity) + ":" + std::to_string(c.messages));
  }
  CHECK(causes == std::vector<std::string>{"spf_include_missing:fail:490",
                                           "dkim_key_unpublished:fail:3", "transient:info:7"});
}

TEST_CASE("weights: a DKIM temperror is transient unless two reporters see it on three days") {
  std::vector<report::Report> once = {workspace_day("google.com", 0, "pass", 100),
                                      workspace_day("yahoo.com", 0, "temperror", 20)};
  const std::vector<analysis::Finding> once_findings = explain_reports(once);
  const analysis::Finding& transient = workspace_finding(once_findings);
  CHECK(transient.causes.back().cause == Cause::kTransient);
  CHECK(std::none_of(
      transient.causes.begin(), transient.causes.end(),
      [](const analysis::FindingCause& c) { return c.cause == Cause::kDkimKeyUnpublished; }));
  // No one passes, but one reporter on one day: still the receiver's DNS.
  const std::vector<analysis::Finding> lone_findings =
      explain_reports({workspace_day("yahoo.com", 0, "temperror", 20)});
  const analysis::Finding& lone = workspace_finding(lone_findings);
  CHECK(lone.causes.back().cause == Cause::kTransient);
  CHECK(lone.causes.front().severity ==
        Severity::kWarn);  // the include, graded as if DKIM had passed

  std::vector<report::Report> persistent;
  for (int day = 0; day < 3; ++day) {
    persistent.push_back(workspace_day("google.com", day, "temperror", 100));
    persistent.push_back(workspace_day("yahoo.com", day, "temperror", 50));
  }
  const std::vector<analysis::Finding> dns_findings = explain_reports(persistent);
  const analysis::Finding& dns = workspace_finding(dns_findings);
  REQUIRE(dns.causes.size() == 2);
  CHECK(dns.causes[0].cause == Cause::kDkimKeyUnpublished);  // the root, on equal messages
  CHECK(dns.causes[0].severity == Severity::kFail);
  CHECK(dns.causes[1].cause == Cause::kSpfIncludeMissing);
  CHECK(dns.fix.find("temperror") != std::string::npos);
}
