// The parts of the store interface that are the same for every backend.
#include "store/store.h"

namespace dmarcq::store {

namespace {

struct KeyName {
  GroupKey key;
  const char* name;
};

constexpr KeyName kKeyNames[] = {
    {GroupKey::kDomain, "domain"}, {GroupKey::kReporter, "reporter"}, {GroupKey::kSource, "source"},
    {GroupKey::kDay, "day"},       {GroupKey::kWeek, "week"},         {GroupKey::kSender, "sender"},
};

}  // namespace

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kImported: return "imported";
    case Outcome::kDuplicate: return "duplicate";
    case Outcome::kRejected: return "rejected";
  }
  return "unknown";
}

const char* group_key_name(GroupKey key) {
  for (const KeyName& entry : kKeyNames) {
    if (entry.key == key) return entry.name;
  }
  return "domain";
}

std::optional<GroupKey> parse_group_key(std::string_view name) {
  for (const KeyName& entry : kKeyNames) {
    if (name == entry.name) return entry.key;
  }
  return std::nullopt;
}

namespace {

class TableCollector final : public core::RowSink {
 public:
  explicit TableCollector(core::Table& table) : table_(table) {}
  void columns(const std::vector<std::string>& names) override { table_.columns = names; }
  bool row(const std::vector<core::Cell>& cells) override {
    table_.rows.push_back(cells);
    return true;
  }
  void finish() override {}

 private:
  core::Table& table_;
};

}  // namespace

core::Result<core::Table> query_table(Store& store, const std::string& sql) {
  core::Table table;
  TableCollector collector(table);
  if (core::Status status = store.query(sql, collector); !status) return std::move(status).error();
  return table;
}

}  // namespace dmarcq::store
