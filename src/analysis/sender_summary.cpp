// summary --by sender: the sender of each fact (identified once per distinct source
// range and authentication results), then the records streamed from the store and
// summed per (sender and the other keys). Memory grows with the facts (a few bytes
// each) and the rows of the answer, never with the records. Identification stays a
// function of (facts, catalog), so a new catalog regroups the same store without a
// re-import.
#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <unordered_map>

#include "analysis/analysis.h"
#include "core/date.h"

namespace dmarcq::analysis {

namespace {

// What summing needs of a fact.
struct FactInfo {
  std::int32_t sender = -1;  // index in the catalog; -1: unknown, -2: no such fact
  std::uint32_t ip = 0;      // interned source IP
  bool dkim_pass = false, spf_pass = false, quarantined = false, rejected = false;
};

struct Sums {
  std::int64_t messages = 0, pass = 0, spf = 0, dkim = 0, quarantined = 0, rejected = 0;
};

using Key = std::array<std::int64_t, 6>;  // one value per --by key, in order

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (std::int64_t part : key)
      hash = (hash ^ static_cast<std::uint64_t>(part)) * 0x100000001b3ull;
    return static_cast<std::size_t>(hash);
  }
};

// Strings by id, for keys that are text.
class Names {
 public:
  std::int64_t id(std::string_view name) {
    if (auto known = ids_.find(name); known != ids_.end()) return known->second;
    const auto id = static_cast<std::int64_t>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(names_.back(), id);
    return id;
  }
  const std::string& name(std::int64_t id) const { return names_[static_cast<std::size_t>(id)]; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>()(text);
    }
  };
  std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
};

}  // namespace

core::Result<core::Table> sender_summary(store::Store& store, const store::SummaryQuery& query,
                                         const Catalog& catalog) {
  const Identifier identifier(catalog);
  std::vector<FactInfo> facts;
  Names ips;
  {
    Names auths;
    std::vector<report::Record> decoded;                           // by auth id
    std::map<std::vector<const Sender*>, std::int64_t> range_ids;  // range senders
    std::unordered_map<std::int64_t, std::int32_t> senders;        // (range, auth) -> sender
    std::unordered_map<std::int64_t, std::int64_t> range_of_ip;    // ip id -> range id
    core::Error failure(core::ErrorCode::kDb, "");
    bool failed = false;
    auto status = store.scan_facts([&](std::int64_t id, const store::Fact& fact) {
      if (failed) return;
      if (id < 0 || id >= store::kMaxFactId) {
        failure = core::Error(core::ErrorCode::kDb, "fact id " + std::to_string(id) +
                                                        " is out of range; run dmarcq rebuild");
        failed = true;
        return;
      }
      FactInfo info;
      info.ip = static_cast<std::uint32_t>(ips.id(fact.source_ip));
      const std::int64_t auth = auths.id(fact.auth_key);
      if (auth == static_cast<std::int64_t>(decoded.size())) {
        decoded.emplace_back();
        report::decode_auth(fact.auth_key, decoded.back());
      }
      auto range = range_of_ip.find(info.ip);
      if (range == range_of_ip.end()) {
        const std::vector<const Sender*>& by_range = identifier.range_senders(ips.name(info.ip));
        auto [known, added] =
            range_ids.try_emplace(by_range, static_cast<std::int64_t>(range_ids.size()));
        range = range_of_ip.emplace(info.ip, known->second).first;
      }
      const std::int64_t identity_key = (range->second << 32) | auth;
      auto sender = senders.find(identity_key);
      if (sender == senders.end()) {
        RecordFacts record;
        record.source_ip = ips.name(info.ip);
        record.dkim = decoded[static_cast<std::size_t>(auth)].dkim_results;
        record.spf = decoded[static_cast<std::size_t>(auth)].spf_results;
        const Identity identity =
            identifier.identify(record, identifier.range_senders(record.source_ip));
        const std::int32_t index =
            identity.sender != nullptr
                ? static_cast<std::int32_t>(identity.sender - catalog.senders().data())
                : -1;
        sender = senders.emplace(identity_key, index).first;
      }
      info.sender = sender->second;
      info.dkim_pass = fact.dkim_aligned == "pass";
      info.spf_pass = fact.spf_aligned == "pass";
      info.quarantined = fact.disposition == "quarantine";
      info.rejected = fact.disposition == "reject";
      if (static_cast<std::size_t>(id) >= facts.size())
        facts.resize(static_cast<std::size_t>(id) + 1, FactInfo{-2});
      facts[static_cast<std::size_t>(id)] = info;
    });
    if (!status) return std::move(status).error();
    if (failed) return failure;
  }

  const bool by_day = std::any_of(query.by.begin(), query.by.end(), [](store::GroupKey key) {
    return key == store::GroupKey::kDay || key == store::GroupKey::kWeek;
  });
  // What one part of the record scan sums, on its own thread. Keys hold text ids of
  // the part's own Names.
  struct PartSums {
    Names texts;  // domains, reporters and weeks
    std::unordered_map<std::int64_t, std::int64_t> week_of_day;
    std::unordered_map<Key, Sums, KeyHash> sums;
    // Records come report by report: the text ids of the last domain and reporter.
    const std::string* domain = nullptr;
    const std::string* reporter = nullptr;
    std::int64_t domain_id = 0, reporter_id = 0;
    // Neighbouring records mostly share their key (a report's unknown sources on its
    // day): the last key's sums, found without hashing.
    Key last_key{};
    Sums* last_sum = nullptr;
    bool damaged = false;
  };
  std::vector<PartSums> parts(store.scan_parts());
  const store::RecordFilter filter{query.domains, query.from_day, query.to_day};
  auto status = store.scan_record_days(filter, by_day, [&](const store::RecordDay& record) {
    PartSums& part = parts[record.part];
    if (record.fact_id < 0 || static_cast<std::size_t>(record.fact_id) >= facts.size() ||
        facts[static_cast<std::size_t>(record.fact_id)].sender == -2) {
      part.damaged = true;
      return;
    }
    const FactInfo& fact = facts[static_cast<std::size_t>(record.fact_id)];
    Key key{};
    for (std::size_t i = 0; i < query.by.size() && i < key.size(); ++i) {
      switch (query.by[i]) {
        case store::GroupKey::kDomain:
          if (record.domain != part.domain) {
            part.domain = record.domain;
            part.domain_id = part.texts.id(*record.domain);
          }
          key[i] = part.domain_id;
          break;
        case store::GroupKey::kReporter:
          if (record.reporter != part.reporter) {
            part.reporter = record.reporter;
            part.reporter_id = part.texts.id(*record.reporter);
          }
          key[i] = part.reporter_id;
          break;
        case store::GroupKey::kSource: key[i] = fact.ip; break;
        case store::GroupKey::kDay: key[i] = record.day; break;
        case store::GroupKey::kWeek: {
          auto week = part.week_of_day.find(record.day);
          if (week == part.week_of_day.end()) {
            week = part.week_of_day.emplace(record.day, part.texts.id(core::iso_week(record.day)))
                       .first;
          }
          key[i] = week->second;
          break;
        }
        case store::GroupKey::kSender: key[i] = fact.sender; break;
      }
    }
    if (part.last_sum == nullptr || key != part.last_key) {
      part.last_key = key;
      part.last_sum = &part.sums[key];  // stays valid: unordered_map never moves its values
    }
    Sums& sum = *part.last_sum;
    const std::int64_t n = record.messages;
    sum.messages += n;
    sum.pass += fact.dkim_pass || fact.spf_pass ? n : 0;
    sum.spf += fact.spf_pass ? n : 0;
    sum.dkim += fact.dkim_pass ? n : 0;
    sum.quarantined += fact.quarantined ? n : 0;
    sum.rejected += fact.rejected ? n : 0;
  });
  if (!status) return std::move(status).error();

  // The parts summed into one, text ids made those of `texts`.
  Names texts;
  std::unordered_map<Key, Sums, KeyHash> sums;
  for (PartSums& part : parts) {
    if (part.damaged)
      return core::Error(core::ErrorCode::kDb,
                         "records refer to missing facts; run dmarcq rebuild");
    for (const auto& [part_key, part_sum] : part.sums) {
      Key key = part_key;
      for (std::size_t i = 0; i < query.by.size() && i < key.size(); ++i) {
        const store::GroupKey by = query.by[i];
        if (by == store::GroupKey::kDomain || by == store::GroupKey::kReporter ||
            by == store::GroupKey::kWeek) {
          key[i] = texts.id(part.texts.name(key[i]));
        }
      }
      Sums& sum = sums[key];
      sum.messages += part_sum.messages;
      sum.pass += part_sum.pass;
      sum.spf += part_sum.spf;
      sum.dkim += part_sum.dkim;
      sum.quarantined += part_sum.quarantined;
      sum.rejected += part_sum.rejected;
    }
  }

  core::Table table;
  for (store::GroupKey key : query.by) table.columns.push_back(store::group_key_name(key));
  for (const char* column : {"messages", "dmarc_pass", "dmarc_fail", "spf_aligned_pass",
                             "dkim_aligned_pass", "quarantined", "rejected", "pass_rate"}) {
    table.columns.push_back(column);
  }
  std::vector<std::pair<std::vector<std::string>, const Sums*>> rows;
  rows.reserve(sums.size());
  for (const auto& [key, sum] : sums) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < query.by.size() && i < key.size(); ++i) {
      switch (query.by[i]) {
        case store::GroupKey::kDomain:
        case store::GroupKey::kReporter:
        case store::GroupKey::kWeek: names.push_back(texts.name(key[i])); break;
        case store::GroupKey::kSource: names.push_back(ips.name(key[i])); break;
        case store::GroupKey::kDay: names.push_back(core::format_day(key[i])); break;
        case store::GroupKey::kSender:
          names.push_back(key[i] >= 0 ? catalog.senders()[static_cast<std::size_t>(key[i])].id
                                      : "unknown");
          break;
      }
    }
    rows.emplace_back(std::move(names), &sum);
  }
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [names, sum] : rows) {
    std::vector<core::Cell> cells(names.begin(), names.end());
    cells.insert(cells.end(), {sum->messages, sum->pass, sum->messages - sum->pass, sum->spf,
                               sum->dkim, sum->quarantined, sum->rejected});
    if (sum->messages > 0) {
      cells.emplace_back(core::percent_one_decimal(sum->pass, sum->messages));
    } else {
      cells.emplace_back(std::monostate{});
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace dmarcq::analysis
