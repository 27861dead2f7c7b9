// summary --by sender: the store groups by the facts that identify a sender (source IP
// and authentication results); here each such group is identified and the rows are
// merged per sender. Identification stays a function of (facts, catalog), so a new
// catalog regroups the same store differently without a re-import.
#include <algorithm>
#include <cmath>
#include <map>

#include "analysis/analysis.h"

namespace dmarcq::analysis {

void resolve_senders(core::Table& table, const Catalog& catalog) {
  const auto ip_at = std::find(table.columns.begin(), table.columns.end(), "sender_ip");
  if (ip_at == table.columns.end() || ip_at + 1 == table.columns.end() || *(ip_at + 1) != "sender_auth") return;
  const auto ip_column = static_cast<std::size_t>(ip_at - table.columns.begin());
  const Identifier identifier(catalog);

  std::vector<std::string> columns = table.columns;
  columns.erase(columns.begin() + static_cast<std::ptrdiff_t>(ip_column) + 1);
  columns[ip_column] = "sender";
  const auto messages_at = std::find(columns.begin(), columns.end(), "messages");
  const auto first_sum = static_cast<std::size_t>(messages_at - columns.begin());

  // Rows keyed by their key cells (the columns before the sums), in key order.
  std::map<std::vector<std::string>, std::vector<core::Cell>> merged;
  std::map<std::string, std::string> sender_of;  // by ip + auth
  for (std::vector<core::Cell>& row : table.rows) {
    const std::string ip = std::holds_alternative<std::string>(row[ip_column]) ? std::get<std::string>(row[ip_column]) : "";
    const std::string auth =
        std::holds_alternative<std::string>(row[ip_column + 1]) ? std::get<std::string>(row[ip_column + 1]) : "";
    auto known = sender_of.find(ip + '\n' + auth);
    if (known == sender_of.end()) {
      RecordFacts facts;
      facts.source_ip = ip;
      report::Record decoded;
      report::decode_auth(auth, decoded);
      facts.dkim = std::move(decoded.dkim_results);
      facts.spf = std::move(decoded.spf_results);
      known = sender_of.emplace(ip + '\n' + auth, sender_key(identifier.identify(facts))).first;
    }
    row.erase(row.begin() + static_cast<std::ptrdiff_t>(ip_column) + 1);
    row[ip_column] = known->second;
    std::vector<std::string> key;
    for (std::size_t i = 0; i < first_sum; ++i) {
      key.push_back(std::holds_alternative<std::string>(row[i]) ? std::get<std::string>(row[i]) : "");
    }
    auto [it, inserted] = merged.try_emplace(key, row);
    if (inserted) continue;
    for (std::size_t i = first_sum; i < columns.size(); ++i) {
      if (const auto* value = std::get_if<std::int64_t>(&row[i])) {
        if (auto* sum = std::get_if<std::int64_t>(&it->second[i])) *sum += *value;
      }
    }
  }
  table.columns = std::move(columns);
  table.rows.clear();
  const auto pass_at = std::find(table.columns.begin(), table.columns.end(), "dmarc_pass");
  const auto rate_at = std::find(table.columns.begin(), table.columns.end(), "pass_rate");
  for (auto& [key, row] : merged) {
    if (pass_at != table.columns.end() && rate_at != table.columns.end()) {
      const auto* total = std::get_if<std::int64_t>(&row[first_sum]);
      const auto* pass = std::get_if<std::int64_t>(&row[static_cast<std::size_t>(pass_at - table.columns.begin())]);
      core::Cell& rate = row[static_cast<std::size_t>(rate_at - table.columns.begin())];
      if (total != nullptr && pass != nullptr && *total > 0) {
        rate = std::round(1000.0 * static_cast<double>(*pass) / static_cast<double>(*total)) / 10.0;
      } else {
        rate = std::monostate{};
      }
    }
    table.rows.push_back(std::move(row));
  }
}

}  // namespace dmarcq::analysis
