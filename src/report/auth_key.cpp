#include <string>
#include <string_view>
#include <vector>

#include "report/report.h"

namespace dmarcq::report {

namespace {

void append_clean(std::string& out, std::string_view value) {
  const std::size_t start = out.size();
  out.append(value);
  for (std::size_t i = start; i < out.size(); ++i) {
    if (out[i] == '/' || out[i] == ';' || out[i] == '|') out[i] = '_';
  }
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    parts.push_back(
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::string encode_auth(const Record& record) {
  std::string out;
  bool first = true;
  for (const DkimResult& dkim : record.dkim_results) {
    if (!first) out += ';';
    first = false;
    out += "d:";
    append_clean(out, dkim.domain);
    out += '/';
    append_clean(out, dkim.selector);
    out += '/';
    append_clean(out, dkim.result);
  }
  out += '|';
  first = true;
  for (const SpfResult& spf : record.spf_results) {
    if (!first) out += ';';
    first = false;
    out += "s:";
    append_clean(out, spf.domain);
    out += '/';
    append_clean(out, spf.scope);
    out += '/';
    append_clean(out, spf.result);
  }
  out += '|';
  first = true;
  for (const PolicyReason& reason : record.reasons) {
    if (!first) out += ';';
    first = false;
    out += "r:";
    append_clean(out, reason.type);
    out += '/';
    append_clean(out, reason.comment);
  }
  return out;
}

void decode_auth(std::string_view key, Record& record) {
  const std::vector<std::string_view> sections = split(key, '|');
  for (std::string_view section : sections) {
    if (section.empty()) continue;
    for (std::string_view item : split(section, ';')) {
      if (item.size() < 2 || item[1] != ':') continue;
      const std::vector<std::string_view> fields = split(item.substr(2), '/');
      auto field = [&](std::size_t i) {
        return i < fields.size() ? std::string(fields[i]) : std::string();
      };
      switch (item[0]) {
        case 'd': record.dkim_results.push_back({field(0), field(1), field(2), ""}); break;
        case 's': record.spf_results.push_back({field(0), field(1), field(2), ""}); break;
        case 'r': record.reasons.push_back({field(0), field(1)}); break;
        default: break;
      }
    }
  }
}

}  // namespace dmarcq::report
