#include "store/sqlite/fact_total_writer.h"

#include <algorithm>

namespace dmarcq::store {

core::Result<FactTotalWriter> FactTotalWriter::prepare(Database& db) {
  // OR FAIL: a multi-row statement that may abort halfway keeps a statement journal
  // to undo its own rows, and SQLite wrote it to a temporary file: 22,000 page
  // writes for 2,000 reports. A failed insert fails the import, whose transaction
  // is rolled back whole, so the statement has nothing of its own to undo.
  auto upsert = RowBatches::prepare(
      db,
      "INSERT OR FAIL INTO fact_total (fact_ref, domain, messages, first_day, last_day) VALUES ", 5,
      " ON CONFLICT (fact_ref, domain) DO UPDATE SET messages = messages + excluded.messages, "
      "first_day = min(first_day, excluded.first_day), last_day = max(last_day, "
      "excluded.last_day)");
  if (!upsert) return std::move(upsert).error();
  return FactTotalWriter(std::move(*upsert));
}

void FactTotalWriter::set_domain(const std::string& domain) {
  auto [slot, added] = domain_ids_.try_emplace(domain, static_cast<std::uint32_t>(domains_.size()));
  if (added) domains_.push_back(domain);
  domain_ = slot->second;
}

core::Status FactTotalWriter::flush() {
  std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
    return a.fact != b.fact ? a.fact < b.fact : a.domain < b.domain;
  });
  std::size_t rows = 0;  // summed in place: pending_[0, rows)
  for (const Pending& next : pending_) {
    if (rows > 0 && pending_[rows - 1].fact == next.fact &&
        pending_[rows - 1].domain == next.domain) {
      Pending& total = pending_[rows - 1];
      total.messages += next.messages;
      total.first_day = std::min(total.first_day, next.first_day);
      total.last_day = std::max(total.last_day, next.last_day);
    } else {
      pending_[rows++] = next;
    }
  }
  auto status = upsert_.run(rows, [&](Statement& upsert, int base, std::size_t index) {
    const Pending& row = pending_[index];
    upsert.bind(base + 1, row.fact).bind_unowned(base + 2, domains_[row.domain]);
    upsert.bind(base + 3, row.messages).bind(base + 4, row.first_day).bind(base + 5, row.last_day);
  });
  if (!status) return status;
  clear();
  return {};
}

void FactTotalWriter::clear() {
  pending_.clear();
  domains_.clear();
  domain_ids_.clear();
  domain_ = 0;
}

}  // namespace dmarcq::store
