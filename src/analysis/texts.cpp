#include "analysis/texts.h"

#include <toml++/toml.h>

#include <map>
#include <vector>

namespace dmarcq::analysis {

std::string_view builtin_text_en();  // generated from schema/text/en.toml
std::string_view builtin_text_ja();  // generated from schema/text/ja.toml

namespace {

constexpr TextSpec kSpecs[] = {
    {"severity.fail", ""},
    {"severity.warn", ""},
    {"severity.info", ""},
    {"severity.ok", ""},
    {"cause.spf_include_missing", ""},
    {"cause.spf_not_aligned", ""},
    {"cause.dkim_not_activated", ""},
    {"cause.dkim_key_unpublished", ""},
    {"cause.spf_permerror", ""},
    {"cause.forwarded", ""},
    {"cause.unauthorized", ""},
    {"cause.transient", ""},
    {"cause.policy_none", ""},
    {"cause.policy_pct", ""},
    {"cause.policy_testing", ""},
    {"cause.subdomain_policy_missing", ""},
    {"cause.enforcement_readiness", ""},
    {"digest.week", ""},
    {"digest.domain", ""},
    {"digest.sender", ""},
    {"digest.sender_name", ""},
    {"digest.source_ips", ""},
    {"digest.messages", ""},
    {"digest.dmarc_pass", ""},
    {"digest.dmarc_fail", ""},
    {"digest.pass_rate", ""},
    {"digest.spf_aligned_pass", ""},
    {"digest.dkim_aligned_pass", ""},
    {"digest.quarantined", ""},
    {"digest.rejected", ""},
    {"digest.causes", ""},
    {"digest.severity", ""},
    {"digest.fix", ""},
    {"digest.messages_prev_week", ""},
    {"digest.pass_rate_prev_week", ""},
    {"digest.pass_rate_change", ""},
    {"digest.cause_separator", ""},
    {"digest.forwarders", ""},
    {"digest.unknown", ""},
    {"fix.dns_check_first", ""},
    {"fix.dns_check_again", ""},
    {"fix.reports_check", ""},
    {"fix.run_again", ""},
    {"fix.record_name", "name"},
    {"fix.record_type", "type"},
    {"fix.record_value", "value"},
    {"fix.record_other_value", "value"},
    {"fix.host_field", "host"},
    {"fix.host_field_apex", ""},
};

using Texts = std::map<std::string, std::string, std::less<>>;

// "severity.fail" -> wording, for every string under the file's tables.
void flatten(const toml::table& table, const std::string& prefix, Texts& out) {
  for (auto&& [key, node] : table) {
    const std::string id =
        prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
    if (const toml::table* inner = node.as_table()) {
      flatten(*inner, id, out);
    } else if (const auto* value = node.as_string()) {
      out.emplace(id, value->get());
    }
  }
}

Texts load(std::string_view source) {
  Texts texts;
  // The files are part of the build and checked by the guard test; a file that does
  // not parse leaves every id showing as itself, which the test reports.
  try {
    flatten(toml::parse(source), "", texts);
  } catch (const toml::parse_error&) {
    texts.clear();
  }
  return texts;
}

const Texts& texts_of(Lang lang) {
  static const Texts en = load(builtin_text_en());
  static const Texts ja = load(builtin_text_ja());
  return lang == Lang::kJa ? ja : en;
}

}  // namespace

std::span<const TextSpec> text_specs() { return kSpecs; }

std::optional<std::string> raw_text(Lang lang, std::string_view id) {
  const Texts& texts = texts_of(lang);
  const auto found = texts.find(id);
  if (found == texts.end()) return std::nullopt;
  return found->second;
}

std::vector<std::string> text_ids(Lang lang) {
  std::vector<std::string> ids;
  for (const auto& [id, wording] : texts_of(lang)) ids.push_back(id);
  return ids;
}

std::string text(Lang lang, std::string_view id, std::initializer_list<TextValue> values) {
  const Texts& texts = texts_of(lang);
  const auto found = texts.find(id);
  if (found == texts.end()) return std::string(id);
  const std::string& wording = found->second;
  if (values.size() == 0) return wording;
  std::string out;
  out.reserve(wording.size() + 64);
  for (std::size_t pos = 0; pos < wording.size();) {
    const std::size_t open = wording.find('{', pos);
    const std::size_t close = open == std::string::npos ? open : wording.find('}', open);
    if (close == std::string::npos) {
      out.append(wording, pos, std::string::npos);
      break;
    }
    out.append(wording, pos, open - pos);
    const std::string_view name(wording.data() + open + 1, close - open - 1);
    const TextValue* value = nullptr;
    for (const TextValue& candidate : values) {
      if (candidate.first == name) value = &candidate;
    }
    if (value != nullptr) {
      out += value->second;
    } else {
      out.append(wording, open, close - open + 1);  // left for the guard test to find
    }
    pos = close + 1;
  }
  return out;
}

}  // namespace dmarcq::analysis
