#include "store/sql/summary_sql.h"

#include "core/date.h"

namespace dmarcq::store {

namespace {

struct KeyColumn {
  GroupKey key;
  const char* expression;  // inside the spread sub-query
  bool needs_days;
};

constexpr KeyColumn kKeyColumns[] = {
    {GroupKey::kDomain, "rp.domain", false},    {GroupKey::kReporter, "rp.reporter", false},
    {GroupKey::kSource, "rc.source_ip", false}, {GroupKey::kDay, "d.day", true},
    {GroupKey::kWeek, "d.week", true},          {GroupKey::kSender, "", false},
};

const KeyColumn& column_of(GroupKey key) {
  for (const KeyColumn& column : kKeyColumns) {
    if (column.key == key) return column;
  }
  return kKeyColumns[0];
}

}  // namespace

namespace {

// " WHERE ..." for the query's domain and day filters over the given columns; the
// values go to `parameters` (?1, ?2, ...).
std::string where_clause(const SummaryQuery& query, const std::string& domain_column,
                         const std::string& day_column, std::vector<std::string>& parameters) {
  std::string where;
  auto add_condition = [&](const std::string& condition) {
    where += where.empty() ? " WHERE " : " AND ";
    where += condition;
  };
  if (!query.domains.empty()) {
    std::string list;
    for (const std::string& domain : query.domains) {
      parameters.push_back(domain);
      list += (list.empty() ? "?" : ", ?") + std::to_string(parameters.size());
    }
    add_condition(domain_column + " IN (" + list + ")");
  }
  if (query.from_day) {
    parameters.push_back(core::format_day(*query.from_day));
    add_condition(day_column + " >= ?" + std::to_string(parameters.size()));
  }
  if (query.to_day) {
    parameters.push_back(core::format_day(*query.to_day));
    add_condition(day_column + " <= ?" + std::to_string(parameters.size()));
  }
  return where;
}

// The same figures from day_total, which import keeps per (domain, day, reporter): a
// few rows per day instead of every record.
SummarySql build_rollup_sql(const SummaryQuery& query) {
  SummarySql sql;
  std::string keys;
  for (GroupKey key : query.by)
    keys += (keys.empty() ? "" : ", ") + std::string(group_key_name(key));
  const std::string where = where_clause(query, "domain", "day", sql.parameters);
  sql.text = "SELECT " + keys +
             ", SUM(messages) AS messages, SUM(dmarc_pass) AS dmarc_pass, "
             "SUM(messages - dmarc_pass) AS dmarc_fail, SUM(spf_aligned_pass) AS spf_aligned_pass, "
             "SUM(dkim_aligned_pass) AS dkim_aligned_pass, SUM(quarantined) AS quarantined, "
             "SUM(rejected) AS rejected FROM day_total" +
             where + " GROUP BY " + keys + " ORDER BY " + keys;
  return sql;
}

}  // namespace

SummarySql build_summary_sql(const SummaryQuery& query, SummarySource source) {
  bool rollup = source == SummarySource::kBest;
  for (GroupKey key : query.by)
    rollup = rollup && key != GroupKey::kSource && key != GroupKey::kSender;
  if (rollup) return build_rollup_sql(query);
  bool needs_days = query.from_day.has_value() || query.to_day.has_value();
  for (GroupKey key : query.by) needs_days = needs_days || column_of(key).needs_days;

  SummarySql sql;
  std::string keys;
  std::string inner_keys;
  for (GroupKey key : query.by) {
    const KeyColumn& column = column_of(key);
    if (!keys.empty()) keys += ", ";
    keys += group_key_name(key);
    inner_keys += std::string(column.expression) + " AS " + group_key_name(key) + ", ";
  }
  // A record's count is spread over the days of its report (see schema/0001_init.sql):
  // day i of n gets count / n, plus one while i < count % n.
  const std::string messages = needs_days
                                   ? "rc.message_count / rp.day_count + CASE WHEN d.day_index < "
                                     "rc.message_count % rp.day_count THEN 1 ELSE 0 END"
                                   : "rc.message_count";
  const std::string where = where_clause(query, "rp.domain", "d.day", sql.parameters);
  const char* passed = "(dkim_aligned = 'pass' OR spf_aligned = 'pass')";
  sql.text = "SELECT " + keys + ", SUM(n) AS messages, " + "SUM(CASE WHEN " + passed +
             " THEN n ELSE 0 END) AS dmarc_pass, " + "SUM(CASE WHEN " + passed +
             " THEN 0 ELSE n END) AS dmarc_fail, " +
             "SUM(CASE WHEN spf_aligned = 'pass' THEN n ELSE 0 END) AS spf_aligned_pass, " +
             "SUM(CASE WHEN dkim_aligned = 'pass' THEN n ELSE 0 END) AS dkim_aligned_pass, " +
             "SUM(CASE WHEN disposition = 'quarantine' THEN n ELSE 0 END) AS quarantined, " +
             "SUM(CASE WHEN disposition = 'reject' THEN n ELSE 0 END) AS rejected " +
             "FROM (SELECT " + inner_keys + messages + " AS n, rc.dkim_aligned AS dkim_aligned, " +
             "rc.spf_aligned AS spf_aligned, rc.disposition AS disposition " +
             "FROM record rc JOIN report rp ON rp.id = rc.report_ref" +
             (needs_days ? " JOIN report_day d ON d.report_ref = rp.id" : "") + where +
             ") spread GROUP BY " + keys + " ORDER BY " + keys;
  return sql;
}

void add_pass_rate(core::Table& table) {
  std::size_t messages = 0;
  std::size_t passed = 0;
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    if (table.columns[i] == "messages") messages = i;
    if (table.columns[i] == "dmarc_pass") passed = i;
  }
  table.columns.push_back("pass_rate");
  for (std::vector<core::Cell>& row : table.rows) {
    const auto* total = std::get_if<std::int64_t>(&row[messages]);
    const auto* pass = std::get_if<std::int64_t>(&row[passed]);
    if (total == nullptr || pass == nullptr || *total == 0) {
      row.emplace_back(std::monostate{});
      continue;
    }
    row.emplace_back(core::percent_one_decimal(*pass, *total));
  }
}

}  // namespace dmarcq::store
