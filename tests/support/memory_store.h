// A store that keeps reports in memory, written against store.h alone: the analysis
// tests run on it as well as on SQLite, so that analysis depends on the interface and
// nothing a backend happens to do. It implements what reading needs (records grouped
// and spread over days by the interface's rules, facts, published policies, summary,
// weeks), reading records in kParts parts as a large SQLite store is read. Of the
// import's bookkeeping it answers as a store that has seen no document, message, file
// or reject would, and refuses to record any (and refuses SQL and rollback).
#ifndef DMARCQ_TESTS_SUPPORT_MEMORY_STORE_H_
#define DMARCQ_TESTS_SUPPORT_MEMORY_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "store/store.h"

namespace dmarcq::testing {

class MemoryStore final : public store::Store {
 public:
  using store::Store::add_report;

  core::Status begin() override { return {}; }
  core::Status commit() override { return {}; }
  core::Status rollback() override { return refused("rollback"); }

  core::Result<std::optional<store::KnownInput>> find_input(const std::string&) override {
    return std::optional<store::KnownInput>();
  }
  std::unique_ptr<store::PreparedReport> prepare_report(const report::Report&) const override {
    return nullptr;
  }
  core::Result<store::AddResult> add_report(const report::Report& report, const std::string& origin,
                                            const std::string& content_hash,
                                            const store::PreparedReport* prepared) override;
  core::Result<std::optional<store::KnownMessage>> find_message(const std::string&) override {
    return std::optional<store::KnownMessage>();
  }
  core::Status add_message(const std::string&, const std::string&,
                           const store::KnownMessage&) override {
    return refused("add_message");
  }
  core::Result<std::optional<store::KnownFile>> find_file(const std::string&) override {
    return std::optional<store::KnownFile>();
  }
  core::Status add_file(const std::string&, const std::string&, const store::KnownFile&) override {
    return refused("add_file");
  }
  core::Status clear_reject(const std::string&) override { return refused("clear_reject"); }
  core::Status add_reject(const std::string&, const core::Error&, const std::string&,
                          std::string_view, std::uint64_t) override {
    return refused("add_reject");
  }
  core::Status rebuild() override { return {}; }

  core::Result<core::Table> summary(const store::SummaryQuery& query) override;
  core::Result<core::Table> rejects() override { return refused("rejects"); }
  core::Result<std::vector<store::RejectUnit>> reject_units() override {
    return std::vector<store::RejectUnit>();
  }
  core::Result<std::string> reject_bytes(const std::string&) override { return std::string(); }
  core::Result<std::int64_t> forget_rejects(const std::vector<std::string>&) override {
    return refused("forget_rejects");
  }
  core::Status update_reject(const std::string&, const core::Error&) override {
    return refused("update_reject");
  }
  core::Result<store::RecordGroups> record_groups(const store::RecordFilter& filter) override;
  core::Status scan_facts(
      const std::function<void(std::int64_t id, const store::Fact& fact)>& visit,
      const std::vector<std::int64_t>* only) override;
  std::size_t scan_parts() const override { return kParts; }
  core::Status scan_record_days(
      const store::RecordFilter& filter, bool by_day,
      const std::function<void(const store::RecordDay& record)>& visit) override;
  core::Result<std::vector<store::PublishedPolicy>> published_policies(
      const store::RecordFilter& filter) override;
  core::Result<std::vector<std::string>> weeks(const std::vector<std::string>& domains) override;
  core::Status query(const std::string&, core::RowSink&) override { return refused("query"); }

 private:
  // Reports go to parts in turn, so that analysis always merges what parts summed.
  static constexpr std::size_t kParts = 3;

  struct FactRow {
    std::string source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key;
    // The results as reported, human_result and policy reasons included: records that
    // differ only there are different facts, with the same visible Fact, as a backend
    // that stores results exactly may keep them.
    std::string exact_results;
    auto tie() const {
      return std::tie(source_ip, header_from, dkim_aligned, spf_aligned, disposition, auth_key,
                      exact_results);
    }
    bool operator<(const FactRow& other) const { return tie() < other.tie(); }
  };
  struct StoredRecord {
    std::int64_t fact_id;
    std::int64_t count;
  };
  struct StoredReport {
    std::string reporter, report_id, domain;
    std::int64_t begin, end;
    std::int64_t first_day, day_count;
    report::PolicyPublished policy;
    std::vector<StoredRecord> records;
  };

  static core::Error refused(const char* what);
  bool in_filter(const StoredReport& report, const store::RecordFilter& filter) const;
  void scan_part(std::size_t part, const store::RecordFilter& filter, bool by_day,
                 const std::function<void(const store::RecordDay& record)>& visit);

  std::vector<StoredReport> reports_;  // in the order added (the interface's report order)
  std::vector<FactRow> facts_;         // id - 1
  std::map<FactRow, std::int64_t> fact_ids_;
};

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_SUPPORT_MEMORY_STORE_H_
