// catalog: the senders dmarcq knows, as data. The built-in catalog is
// schema/senders.toml compiled into the binary; a user's file (--catalog) is merged
// over it. The format is documented in schema/senders.md. Every value is checked at
// load, with the file and line of the problem in the error: a catalog is edited by
// hand, and a wrong CIDR silently attributing mail to the wrong sender is the worst
// kind of wrong.
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <set>

#include "analysis/analysis.h"
#include "core/date.h"
#include "core/ip.h"

namespace dmarcq::analysis {

std::string_view builtin_catalog_text();  // generated from schema/senders.toml

namespace {

using core::Error;
using core::ErrorCode;

class Loader {
 public:
  // Bounds on what a catalog gives a fix text: enough for any vendor's records and
  // console path, small enough that a hostile file cannot make explain slow.
  static constexpr std::size_t kMaxRecords = 16;
  static constexpr std::size_t kMaxTextBytes = 1024;

  explicit Loader(std::string source) : source_(std::move(source)) {}

  core::Result<Catalog> load(const toml::table& root, Catalog catalog_out) {
    for (auto&& [key, value] : root) {
      if (key.str() != "sender")
        return error(key.source(), "unknown top-level key '" + std::string(key.str()) + "'");
    }
    const toml::array* senders = root["sender"].as_array();
    if (senders == nullptr) return error(root.source(), "no [[sender]] tables");
    std::vector<Sender> out;
    std::set<std::string> ids;
    for (const toml::node& node : *senders) {
      const toml::table* table = node.as_table();
      if (table == nullptr) return error(node.source(), "[[sender]] must be a table");
      auto sender = load_sender(*table);
      if (!sender) return std::move(sender).error();
      if (!ids.insert(sender->id).second) {
        return error(table->source(), "duplicate sender id '" + sender->id + "'");
      }
      out.push_back(std::move(*sender));
    }
    catalog_out.merge_all(std::move(out));
    return catalog_out;
  }

 private:
  Error error(const toml::source_region& where, const std::string& message) const {
    return Error(ErrorCode::kInvalid, message)
        .within(source_ + ":" + std::to_string(where.begin.line));
  }

  core::Result<std::string> string_of(const toml::table& table, std::string_view key,
                                      bool required) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (required) return error(table.source(), "missing key '" + std::string(key) + "'");
      return std::string();
    }
    const auto* value = node->as_string();
    if (value == nullptr)
      return error(node->source(), "'" + std::string(key) + "' must be a string");
    return value->get();
  }

  core::Result<std::vector<std::string>> strings_of(const toml::table& table,
                                                    std::string_view key) {
    std::vector<std::string> out;
    const toml::node* node = table.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr)
      return error(node->source(), "'" + std::string(key) + "' must be an array of strings");
    for (const toml::node& item : *array) {
      const auto* value = item.as_string();
      if (value == nullptr)
        return error(item.source(), "'" + std::string(key) + "' must hold strings only");
      std::string text = value->get();
      std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
      });
      out.push_back(std::move(text));
    }
    return out;
  }

  // A catalog text is one line of a fix: a control character (a newline, an escape
  // sequence) would forge steps or lines of its own.
  static bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  }

  // { en = "...", ja = "..." }: a text in each language, both required.
  core::Result<LocalText> local_text_of(const toml::table& table, std::string_view key) {
    LocalText text;
    const toml::node* node = table.get(key);
    if (node == nullptr) return text;
    const toml::table* languages = node->as_table();
    if (languages == nullptr)
      return error(node->source(), "'" + std::string(key) + "' must be { en = \"…\", ja = \"…\" }");
    for (auto&& [language, value] : *languages) {
      if (language.str() != "en" && language.str() != "ja") {
        return error(language.source(), "unknown language '" + std::string(language.str()) +
                                            "' in '" + std::string(key) + "' (en, ja)");
      }
    }
    for (auto [field, language] : {std::pair{&text.en, "en"}, std::pair{&text.ja, "ja"}}) {
      auto value = string_of(*languages, language, true);
      if (!value) return std::move(value).error();
      if (value->empty()) {
        return error(languages->get(language)->source(),
                     "'" + std::string(key) + "." + language + "' is empty");
      }
      if (has_control(*value) || value->size() > kMaxTextBytes) {
        return error(languages->get(language)->source(),
                     "'" + std::string(key) + "." + language + "' must be one line of at most " +
                         std::to_string(kMaxTextBytes) + " bytes");
      }
      *field = *value;
    }
    return text;
  }

  // [{ type = "CNAME", name = "k2._domainkey.{domain}", value = "dkim2.mcsv.net" }, ...]
  core::Result<std::vector<RecordTemplate>> records_of(const toml::table& table,
                                                       std::string_view key) {
    std::vector<RecordTemplate> records;
    const toml::node* node = table.get(key);
    if (node == nullptr) return records;
    const toml::array* array = node->as_array();
    if (array == nullptr)
      return error(node->source(), "'" + std::string(key) + "' must be an array");
    if (array->size() > kMaxRecords) {
      return error(node->source(), "'" + std::string(key) + "' holds more than " +
                                       std::to_string(kMaxRecords) + " records");
    }
    for (const toml::node& item : *array) {
      const toml::table* row = item.as_table();
      if (row == nullptr)
        return error(item.source(), "'" + std::string(key) + "' must hold tables");
      for (auto&& [field, value] : *row) {
        if (field.str() != "type" && field.str() != "name" && field.str() != "value") {
          return error(field.source(), "unknown key '" + std::string(field.str()) + "' in " +
                                           std::string(key) + " (type, name, value)");
        }
      }
      RecordTemplate record;
      for (auto [target, field] : {std::pair{&record.type, "type"}, std::pair{&record.name, "name"},
                                   std::pair{&record.value, "value"}}) {
        auto value = string_of(*row, field, true);
        if (!value) return std::move(value).error();
        *target = *value;
      }
      if (record.type != "CNAME" && record.type != "TXT") {
        return error(row->get("type")->source(),
                     "record type '" + record.type + "' must be CNAME or TXT");
      }
      // A name under the customer's domain: labels (letters, digits, '-', '_', or "…"
      // for a part the console shows), then {domain} once, at the end.
      const std::string_view name = record.name;
      const std::size_t at = name.find("{domain}");
      const bool name_ok =
          at != std::string_view::npos && at + 8 == name.size() &&
          (at == 0 || name[at - 1] == '.') && name.size() <= 253 &&
          std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(at), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return std::isalnum(byte) || c == '-' || c == '_' || c == '.' || byte >= 0x80;
          });
      if (!name_ok) {
        return error(row->get("name")->source(),
                     "record name '" + record.name +
                         "' must be labels under the customer's domain, ending in .{domain}");
      }
      // The value is printed as dig prints it: quotes and backslashes would be escaped
      // there and not here.
      if (record.value.empty() || record.value.size() > kMaxTextBytes ||
          has_control(record.value) || record.value.find_first_of("\"\\") != std::string::npos) {
        return error(row->get("value")->source(), "record value must be one line of at most " +
                                                      std::to_string(kMaxTextBytes) +
                                                      " bytes, without quotes or backslashes");
      }
      records.push_back(std::move(record));
    }
    return records;
  }

  core::Result<Sender> load_sender(const toml::table& table) {
    static const std::set<std::string_view> kKeys = {"id",
                                                     "name",
                                                     "type",
                                                     "spf_includes",
                                                     "spf_include_per_account",
                                                     "envelope_is_customer_domain",
                                                     "envelope_suffixes",
                                                     "dkim_domain_suffixes",
                                                     "dkim_cname_suffixes",
                                                     "ptr_bases",
                                                     "fix",
                                                     "sources",
                                                     "ip_ranges",
                                                     "role",
                                                     "dkim_console",
                                                     "dkim_request",
                                                     "dkim_records",
                                                     "spf_include_hint",
                                                     "return_path"};
    for (auto&& [key, value] : table) {
      if (kKeys.count(key.str()) == 0) {
        return error(key.source(), "unknown key '" + std::string(key.str()) + "'");
      }
    }
    Sender sender;
    sender.origin = source_ + ":" + std::to_string(table.source().begin.line);
    auto id = string_of(table, "id", true);
    if (!id) return std::move(id).error();
    sender.id = *id;
    const bool id_ok =
        !sender.id.empty() && std::all_of(sender.id.begin(), sender.id.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        });
    if (!id_ok)
      return error(table.source(),
                   "id '" + sender.id + "' must be lower-case letters, digits and '-'");
    for (auto [field, key] : {std::pair{&sender.name, "name"}, std::pair{&sender.type, "type"}}) {
      auto value = string_of(table, key, true);
      if (!value) return std::move(value).error();
      if (value->empty())
        return error(table.get(key)->source(), "'" + std::string(key) + "' is empty");
      *field = *value;
    }
    const toml::node* customer = table.get("envelope_is_customer_domain");
    if (customer == nullptr || !customer->is_boolean()) {
      return error(customer != nullptr ? customer->source() : table.source(),
                   "'envelope_is_customer_domain' must be true or false");
    }
    sender.envelope_is_customer_domain = customer->as_boolean()->get();
    if (const toml::node* per_account = table.get("spf_include_per_account")) {
      if (!per_account->is_boolean()) {
        return error(per_account->source(), "'spf_include_per_account' must be true or false");
      }
      sender.spf_include_per_account = per_account->as_boolean()->get();
    }
    struct ListField {
      std::vector<std::string>* target;
      const char* key;
    };
    for (ListField field : {ListField{&sender.spf_includes, "spf_includes"},
                            ListField{&sender.envelope_suffixes, "envelope_suffixes"},
                            ListField{&sender.dkim_domain_suffixes, "dkim_domain_suffixes"},
                            ListField{&sender.dkim_cname_suffixes, "dkim_cname_suffixes"},
                            ListField{&sender.ptr_bases, "ptr_bases"}}) {
      auto values = strings_of(table, field.key);
      if (!values) return std::move(values).error();
      // A suffix like "com" would make every .com domain this sender's: domains here
      // need at least two labels.
      for (const std::string& value : *values) {
        const std::string_view name =
            std::string_view(value).substr(value.starts_with('.') ? 1 : 0);
        const bool plausible = name.find('.') != std::string_view::npos && !name.starts_with('.') &&
                               !name.ends_with('.') && name.find("..") == std::string_view::npos &&
                               name.find_first_of(" /\\:@") == std::string_view::npos;
        if (!plausible) {
          return error(table.get(field.key)->source(),
                       "'" + std::string(field.key) + "' entry '" + value +
                           "' is not a domain name of two or more labels");
        }
      }
      *field.target = std::move(*values);
    }
    auto sources = strings_of(table, "sources");
    if (!sources) return std::move(sources).error();
    auto fix = string_of(table, "fix", true);
    if (!fix) return std::move(fix).error();
    if (*fix == "salesforce") {
      sender.fix_style = FixStyle::kSalesforce;
    } else if (*fix == "customer-envelope") {
      sender.fix_style = FixStyle::kCustomerEnvelope;
    } else if (*fix == "vendor-envelope") {
      sender.fix_style = FixStyle::kVendorEnvelope;
    } else {
      return error(table.get("fix")->source(),
                   "fix '" + *fix + "' must be salesforce, customer-envelope or vendor-envelope");
    }
    for (auto [field, key] : {std::pair{&sender.dkim_console, "dkim_console"},
                              std::pair{&sender.dkim_request, "dkim_request"},
                              std::pair{&sender.return_path, "return_path"},
                              std::pair{&sender.spf_include_hint, "spf_include_hint"}}) {
      auto value = local_text_of(table, key);
      if (!value) return std::move(value).error();
      *field = std::move(*value);
    }
    auto dkim_records = records_of(table, "dkim_records");
    if (!dkim_records) return std::move(dkim_records).error();
    sender.dkim_records = std::move(*dkim_records);
    auto role = string_of(table, "role", false);
    if (!role) return std::move(role).error();
    if (*role == "forwarder") {
      sender.role = Role::kForwarder;
    } else if (!role->empty() && *role != "sender") {
      return error(table.get("role")->source(), "role '" + *role + "' must be sender or forwarder");
    }
    if (const toml::node* ranges = table.get("ip_ranges")) {
      const toml::array* array = ranges->as_array();
      if (array == nullptr)
        return error(ranges->source(), "'ip_ranges' must be [[sender.ip_ranges]] tables");
      for (const toml::node& item : *array) {
        const toml::table* range = item.as_table();
        if (range == nullptr) return error(item.source(), "'ip_ranges' must be tables");
        for (auto&& [key, value] : *range) {
          if (key.str() != "cidrs" && key.str() != "source" && key.str() != "date") {
            return error(key.source(), "unknown key '" + std::string(key.str()) + "' in ip_ranges");
          }
        }
        auto source = string_of(*range, "source", true);
        if (!source) return std::move(source).error();
        auto date = string_of(*range, "date", true);
        if (!date) return std::move(date).error();
        if (!core::parse_day(*date)) {
          return error(range->get("date")->source(), "date '" + *date + "' is not YYYY-MM-DD");
        }
        const toml::array* cidrs = (*range)["cidrs"].as_array();
        if (cidrs == nullptr) return error(range->source(), "ip_ranges needs 'cidrs'");
        for (const toml::node& cidr : *cidrs) {
          const auto* text = cidr.as_string();
          std::string why;
          if (text == nullptr || !core::parse_network(text->get(), &why)) {
            return error(cidr.source(),
                         "bad CIDR " + (text != nullptr ? "'" + text->get() + "': " + why
                                                        : std::string("(not a string)")));
          }
          sender.ip_ranges.push_back(IpRange{text->get(), *source, *date});
        }
      }
    }
    return sender;
  }

  std::string source_;
};

}  // namespace

bool domain_matches_suffix(std::string_view domain, std::string_view suffix) {
  if (suffix.empty() || domain.empty()) return false;
  if (suffix.front() == '.') {
    return domain.size() > suffix.size() && domain.ends_with(suffix);
  }
  if (domain == suffix) return true;
  return domain.size() > suffix.size() && domain.ends_with(suffix) &&
         domain[domain.size() - suffix.size() - 1] == '.';
}

core::Result<Catalog> Catalog::parse(std::string_view text, const std::string& source) {
  try {
    const toml::table root = toml::parse(text, source);
    return Loader(source).load(root, Catalog());
  } catch (const toml::parse_error& failure) {
    return Error(ErrorCode::kInvalid, std::string(failure.description()))
        .within(source + ":" + std::to_string(failure.source().begin.line));
  }
}

core::Result<Catalog> Catalog::builtin() {
  return parse(builtin_catalog_text(), "schema/senders.toml");
}

void Catalog::merge_all(std::vector<Sender> senders) {
  for (Sender& sender : senders) {
    auto existing = std::find_if(senders_.begin(), senders_.end(),
                                 [&](const Sender& s) { return s.id == sender.id; });
    if (existing != senders_.end()) {
      *existing = std::move(sender);
    } else {
      senders_.push_back(std::move(sender));
    }
  }
}

void Catalog::merge(Catalog other) { merge_all(std::move(other.senders_)); }

const Sender* Catalog::find(std::string_view id) const {
  for (const Sender& sender : senders_) {
    if (sender.id == id) return &sender;
  }
  return nullptr;
}

}  // namespace dmarcq::analysis
