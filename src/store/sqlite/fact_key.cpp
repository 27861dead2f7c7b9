#include "store/sqlite/fact_key.h"

#include <array>
#include <charconv>
#include <string_view>
#include <tuple>

#include "core/hash.h"
#include "store/sqlite/json_text.h"

namespace dmarcq::store {

namespace {

void append_part(std::string& out, std::string_view part) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, part.size()).ptr;
  out.append(digits, end);
  out += ':';
  out += part;
}

// [[a, b, ...], ...]: one inner array per result, in the record's order.
template <typename Item, typename Fields>
std::string json_lists(const std::vector<Item>& items, Fields fields) {
  std::string out = "[";
  for (const Item& item : items) {
    if (out.size() > 1) out += ',';
    out += '[';
    bool first = true;
    for (std::string_view field : fields(item)) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, field);
    }
    out += ']';
  }
  out += ']';
  return out;
}

}  // namespace

FactKey fact_key(const report::Record& record) {
  FactKey key;
  key.auth_key = report::encode_auth(record);
  key.dkim_results = json_lists(record.dkim_results, [](const report::DkimResult& dkim) {
    return std::array<std::string_view, 4>{dkim.domain, dkim.selector, dkim.result,
                                           dkim.human_result};
  });
  key.spf_results = json_lists(record.spf_results, [](const report::SpfResult& spf) {
    return std::array<std::string_view, 4>{spf.domain, spf.scope, spf.result, spf.human_result};
  });
  key.policy_reasons = json_lists(record.reasons, [](const report::PolicyReason& reason) {
    return std::array<std::string_view, 2>{reason.type, reason.comment};
  });
  // Length-prefixed, so that no two different facts share a text whatever their bytes.
  std::string text;
  text.reserve(64 + record.source_ip.size() + record.header_from.size() + key.dkim_results.size() +
               key.spf_results.size() + key.policy_reasons.size());
  // (auth_key is a function of the lists.)
  for (std::string_view part :
       {std::string_view(record.source_ip), std::string_view(record.header_from),
        std::string_view(record.dkim), std::string_view(record.spf),
        std::string_view(record.disposition), std::string_view(key.dkim_results),
        std::string_view(key.spf_results), std::string_view(key.policy_reasons)}) {
    append_part(text, part);
  }
  std::tie(key.hash, key.check) = core::sha256_key128(text);
  return key;
}

std::vector<FactKey> fact_keys(const report::Report& report) {
  std::vector<FactKey> keys;
  keys.reserve(report.records.size());
  for (const report::Record& record : report.records) keys.push_back(fact_key(record));
  return keys;
}

}  // namespace dmarcq::store
