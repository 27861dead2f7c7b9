#include "support/memory_store.h"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <thread>
#include <unordered_map>

#include "core/date.h"

namespace dmarcq::testing {

core::Error MemoryStore::refused(const char* what) {
  return core::Error(core::ErrorCode::kUnsupported,
                     std::string("the in-memory store has no ") + what);
}

namespace {

// Every result and reason of a record, each field length-prefixed.
std::string exact_results(const report::Record& record) {
  std::string out;
  auto add = [&](std::string_view field) {
    out += std::to_string(field.size()) + ':';
    out += field;
  };
  for (const report::DkimResult& dkim : record.dkim_results) {
    for (std::string_view field : std::initializer_list<std::string_view>{
             dkim.domain, dkim.selector, dkim.result, dkim.human_result})
      add(field);
  }
  out += '|';
  for (const report::SpfResult& spf : record.spf_results) {
    for (std::string_view field : std::initializer_list<std::string_view>{
             spf.domain, spf.scope, spf.result, spf.human_result})
      add(field);
  }
  out += '|';
  for (const report::PolicyReason& reason : record.reasons) {
    for (std::string_view field :
         std::initializer_list<std::string_view>{reason.type, reason.comment})
      add(field);
  }
  return out;
}

}  // namespace

bool MemoryStore::in_filter(const StoredReport& report, const store::RecordFilter& filter) const {
  if (!filter.domains.empty() && std::find(filter.domains.begin(), filter.domains.end(),
                                           report.domain) == filter.domains.end()) {
    return false;
  }
  if (filter.from_day && report.first_day + report.day_count - 1 < *filter.from_day) return false;
  if (filter.to_day && report.first_day > *filter.to_day) return false;
  return true;
}

core::Result<store::AddResult> MemoryStore::add_report(const report::Report& report,
                                                       const std::string&, const std::string&,
                                                       const store::PreparedReport*) {
  for (const StoredReport& stored : reports_) {
    if (stored.reporter == report.reporter() && stored.report_id == report.report_id &&
        stored.domain == report.policy.domain && stored.begin == report.begin &&
        stored.end == report.end) {
      return store::AddResult{store::Outcome::kDuplicate, "same report", 0, 0};
    }
  }
  const report::DaySpan span = report::day_span(report.begin, report.end);
  StoredReport stored{report.reporter(), report.report_id, report.policy.domain,
                      report.begin,      report.end,       span.first_day,
                      span.count,        report.policy,    {}};
  for (const report::Record& record : report.records) {
    FactRow fact{record.source_ip,   record.header_from,          record.dkim,          record.spf,
                 record.disposition, report::encode_auth(record), exact_results(record)};
    auto [slot, added] = fact_ids_.try_emplace(fact, static_cast<std::int64_t>(facts_.size()) + 1);
    if (added) facts_.push_back(fact);
    stored.records.push_back({slot->second, record.count});
  }
  reports_.push_back(std::move(stored));
  return store::AddResult{store::Outcome::kImported, "",
                          static_cast<std::int64_t>(report.records.size()), report.message_count()};
}

core::Result<store::RecordGroups> MemoryStore::record_groups(const store::RecordFilter& filter) {
  store::RecordGroups out;
  std::map<std::string, std::uint32_t> domain_index;
  std::map<std::int64_t, std::uint32_t> fact_index;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t>
      group_of;  // (domain, fact) -> group
  for (const StoredReport& report : reports_) {
    if (!in_filter(report, filter)) continue;
    auto [domain, new_domain] =
        domain_index.try_emplace(report.domain, static_cast<std::uint32_t>(out.domains.size()));
    if (new_domain) out.domains.push_back(report.domain);
    // The days of the report inside the filter; a count below the report's days lands
    // on its first `count` days (the interface's spreading rule).
    std::int64_t first = 0;
    std::int64_t last_of_report = report.day_count - 1;
    if (filter.from_day) first = std::max(first, *filter.from_day - report.first_day);
    if (filter.to_day) last_of_report = std::min(last_of_report, *filter.to_day - report.first_day);
    for (const StoredRecord& record : report.records) {
      std::int64_t messages = 0, first_day = INT64_MAX, last_day = INT64_MIN;
      for (std::int64_t i = first; i <= last_of_report; ++i) {
        const std::int64_t on_day =
            record.count / report.day_count + (i < record.count % report.day_count ? 1 : 0);
        if (on_day == 0) continue;
        messages += on_day;
        first_day = std::min(first_day, report.first_day + i);
        last_day = std::max(last_day, report.first_day + i);
      }
      if (messages == 0) continue;
      auto [fact, new_fact] =
          fact_index.try_emplace(record.fact_id, static_cast<std::uint32_t>(out.fact_ids.size()));
      if (new_fact) out.fact_ids.push_back(record.fact_id);
      auto [group, new_group] =
          group_of.try_emplace({domain->second, fact->second}, out.groups.size());
      if (new_group) out.groups.push_back({domain->second, fact->second, 0, first_day, last_day});
      store::RecordGroup& sum = out.groups[group->second];
      sum.messages += messages;
      sum.first_day = std::min(sum.first_day, first_day);
      sum.last_day = std::max(sum.last_day, last_day);
    }
  }
  return out;
}

core::Status MemoryStore::scan_facts(
    const std::function<void(std::int64_t id, const store::Fact& fact)>& visit,
    const std::vector<std::int64_t>* only) {
  auto show = [&](std::int64_t id) {
    if (id < 1 || id > static_cast<std::int64_t>(facts_.size())) return;
    const FactRow& row = facts_[static_cast<std::size_t>(id - 1)];
    visit(id, store::Fact{row.source_ip, row.header_from, row.dkim_aligned, row.spf_aligned,
                          row.disposition, row.auth_key});
  };
  if (only != nullptr) {
    for (std::int64_t id : *only) show(id);
  } else {
    for (std::int64_t id = 1; id <= static_cast<std::int64_t>(facts_.size()); ++id) show(id);
  }
  return {};
}

core::Status MemoryStore::scan_record_days(
    const store::RecordFilter& filter, bool by_day,
    const std::function<void(const store::RecordDay& record)>& visit) {
  by_day = by_day || filter.from_day || filter.to_day;
  // Each part on a thread of its own, as the interface allows: visit must keep what it
  // sums per part.
  std::vector<std::thread> threads;
  for (std::size_t part = 0; part < kParts; ++part) {
    threads.emplace_back([&, part] { scan_part(part, filter, by_day, visit); });
  }
  for (std::thread& thread : threads) thread.join();
  return {};
}

void MemoryStore::scan_part(std::size_t part, const store::RecordFilter& filter, bool by_day,
                            const std::function<void(const store::RecordDay& record)>& visit) {
  for (std::size_t index = part; index < reports_.size(); index += kParts) {
    const StoredReport& report = reports_[index];
    if (!in_filter(report, filter)) continue;
    store::RecordDay day;
    day.part = part;
    day.domain = &report.domain;
    day.reporter = &report.reporter;
    std::int64_t first = 0;
    std::int64_t last = report.day_count - 1;
    if (filter.from_day) first = std::max(first, *filter.from_day - report.first_day);
    if (filter.to_day) last = std::min(last, *filter.to_day - report.first_day);
    for (const StoredRecord& record : report.records) {
      day.fact_id = record.fact_id;
      if (!by_day) {
        day.day = report.first_day;
        day.messages = record.count;
        visit(day);
        continue;
      }
      for (std::int64_t i = first; i <= last; ++i) {
        day.day = report.first_day + i;
        day.messages =
            record.count / report.day_count + (i < record.count % report.day_count ? 1 : 0);
        visit(day);
      }
    }
  }
}

core::Result<std::vector<store::PublishedPolicy>> MemoryStore::published_policies(
    const store::RecordFilter& filter) {
  // Per domain, newest first: the reports of the newest week, merged field by field.
  std::vector<std::size_t> order(reports_.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (reports_[a].domain != reports_[b].domain) return reports_[a].domain < reports_[b].domain;
    if (reports_[a].end != reports_[b].end) return reports_[a].end > reports_[b].end;
    return a > b;
  });
  std::vector<store::PublishedPolicy> out;
  std::string current;
  std::int64_t newest_day = 0;
  for (std::size_t index : order) {
    const StoredReport& report = reports_[index];
    if (!in_filter(report, filter)) continue;
    const std::int64_t last_day = report.first_day + report.day_count - 1;
    const report::PolicyPublished& p = report.policy;
    if (out.empty() || report.domain != current) {
      current = report.domain;
      newest_day = last_day;
      out.push_back({report.domain, p.p, p.sp, p.np, p.adkim, p.aspf, p.pct, p.testing});
      continue;
    }
    if (last_day + 6 < newest_day) continue;  // an older week
    store::PublishedPolicy& merged = out.back();
    for (auto [field, value] :
         {std::pair{&merged.p, &p.p}, std::pair{&merged.sp, &p.sp}, std::pair{&merged.np, &p.np},
          std::pair{&merged.adkim, &p.adkim}, std::pair{&merged.aspf, &p.aspf},
          std::pair{&merged.testing, &p.testing}}) {
      if (field->empty()) *field = *value;
    }
    if (!merged.pct) merged.pct = p.pct;
  }
  return out;
}

core::Result<std::vector<std::string>> MemoryStore::weeks(const std::vector<std::string>& domains) {
  std::set<std::string> weeks;
  for (const StoredReport& report : reports_) {
    if (!domains.empty() &&
        std::find(domains.begin(), domains.end(), report.domain) == domains.end())
      continue;
    for (std::int64_t i = 0; i < report.day_count; ++i)
      weeks.insert(core::iso_week(report.first_day + i));
  }
  return std::vector<std::string>(weeks.begin(), weeks.end());
}

core::Result<core::Table> MemoryStore::summary(const store::SummaryQuery& query) {
  bool needs_days = query.from_day.has_value() || query.to_day.has_value();
  for (store::GroupKey key : query.by) {
    if (key == store::GroupKey::kSender) return refused("summary by sender (analysis answers it)");
    needs_days = needs_days || key == store::GroupKey::kDay || key == store::GroupKey::kWeek;
  }
  struct Sums {
    std::int64_t messages = 0, pass = 0, spf = 0, dkim = 0, quarantined = 0, rejected = 0;
  };
  std::map<std::vector<std::string>, Sums> sums;  // ordered as the keys' text, as SQL orders them
  const store::RecordFilter filter{query.domains, query.from_day, query.to_day};
  for (const StoredReport& report : reports_) {
    if (!in_filter(report, needs_days ? filter : store::RecordFilter{query.domains, {}, {}}))
      continue;
    for (const StoredRecord& record : report.records) {
      const FactRow& fact = facts_[static_cast<std::size_t>(record.fact_id - 1)];
      auto add = [&](std::int64_t day, std::int64_t n) {
        std::vector<std::string> key;
        for (store::GroupKey by : query.by) {
          switch (by) {
            case store::GroupKey::kDomain: key.push_back(report.domain); break;
            case store::GroupKey::kReporter: key.push_back(report.reporter); break;
            case store::GroupKey::kSource: key.push_back(fact.source_ip); break;
            case store::GroupKey::kDay: key.push_back(core::format_day(day)); break;
            case store::GroupKey::kWeek: key.push_back(core::iso_week(day)); break;
            case store::GroupKey::kSender: break;
          }
        }
        Sums& sum = sums[key];
        const bool dkim = fact.dkim_aligned == "pass", spf = fact.spf_aligned == "pass";
        sum.messages += n;
        sum.pass += dkim || spf ? n : 0;
        sum.spf += spf ? n : 0;
        sum.dkim += dkim ? n : 0;
        sum.quarantined += fact.disposition == "quarantine" ? n : 0;
        sum.rejected += fact.disposition == "reject" ? n : 0;
      };
      if (!needs_days) {
        add(report.first_day, record.count);
        continue;
      }
      for (std::int64_t i = 0; i < report.day_count; ++i) {
        const std::int64_t day = report.first_day + i;
        if ((query.from_day && day < *query.from_day) || (query.to_day && day > *query.to_day))
          continue;
        add(day, record.count / report.day_count + (i < record.count % report.day_count ? 1 : 0));
      }
    }
  }
  core::Table table;
  for (store::GroupKey key : query.by) table.columns.push_back(store::group_key_name(key));
  for (const char* column : {"messages", "dmarc_pass", "dmarc_fail", "spf_aligned_pass",
                             "dkim_aligned_pass", "quarantined", "rejected", "pass_rate"}) {
    table.columns.push_back(column);
  }
  for (const auto& [key, sum] : sums) {
    std::vector<core::Cell> row(key.begin(), key.end());
    for (std::int64_t value : {sum.messages, sum.pass, sum.messages - sum.pass, sum.spf, sum.dkim,
                               sum.quarantined, sum.rejected}) {
      row.emplace_back(value);
    }
    if (sum.messages > 0) {
      row.emplace_back(core::percent_one_decimal(sum.pass, sum.messages));
    } else {
      row.emplace_back(std::monostate{});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace dmarcq::testing
