#include "store/fact_key.h"

#include <string_view>

#include "core/hash.h"

namespace dmarcq::store {

namespace {

bool has_separator(std::string_view value) { return value.find_first_of("/;|") != std::string_view::npos; }

void append_part(std::string& out, std::string_view part) {
  out += std::to_string(part.size());
  out += ':';
  out += part;
}

}  // namespace

std::string fact_details(const report::Record& record) {
  // encode_auth drops human_result and replaces separator characters: exact otherwise.
  bool exact = true;
  for (const report::DkimResult& dkim : record.dkim_results) {
    exact = exact && dkim.human_result.empty() && !has_separator(dkim.domain) && !has_separator(dkim.selector) &&
            !has_separator(dkim.result);
  }
  for (const report::SpfResult& spf : record.spf_results) {
    exact = exact && spf.human_result.empty() && !has_separator(spf.domain) && !has_separator(spf.scope) &&
            !has_separator(spf.result);
  }
  for (const report::PolicyReason& reason : record.reasons) {
    exact = exact && !has_separator(reason.type) && !has_separator(reason.comment);
  }
  if (exact) return {};
  std::string out;
  for (const report::DkimResult& dkim : record.dkim_results) {
    out += 'd';
    for (std::string_view part : {std::string_view(dkim.domain), std::string_view(dkim.selector),
                                  std::string_view(dkim.result), std::string_view(dkim.human_result)}) {
      append_part(out, part);
    }
  }
  for (const report::SpfResult& spf : record.spf_results) {
    out += 's';
    for (std::string_view part : {std::string_view(spf.domain), std::string_view(spf.scope),
                                  std::string_view(spf.result), std::string_view(spf.human_result)}) {
      append_part(out, part);
    }
  }
  for (const report::PolicyReason& reason : record.reasons) {
    out += 'r';
    append_part(out, reason.type);
    append_part(out, reason.comment);
  }
  return out;
}

FactKey fact_key(const report::Record& record) {
  FactKey key;
  key.auth_key = report::encode_auth(record);
  key.details = fact_details(record);
  // Length-prefixed, so that no two different facts share a text whatever their bytes.
  for (std::string_view part : {std::string_view(record.source_ip), std::string_view(record.header_from),
                                std::string_view(record.dkim), std::string_view(record.spf),
                                std::string_view(record.disposition), std::string_view(key.auth_key),
                                std::string_view(key.details)}) {
    append_part(key.text, part);
  }
  key.hash = core::sha256_key64(key.text);
  return key;
}

std::vector<FactKey> fact_keys(const report::Report& report) {
  std::vector<FactKey> keys;
  keys.reserve(report.records.size());
  for (const report::Record& record : report.records) keys.push_back(fact_key(record));
  return keys;
}

}  // namespace dmarcq::store
