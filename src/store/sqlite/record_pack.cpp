#include "store/sqlite/record_pack.h"

#include <algorithm>

namespace dmarcq::store {

namespace {

constexpr char kFormat = 1;

void append_varint(std::string& out, std::uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

}  // namespace

void pack_records(std::vector<FactCount>& records, std::string& out) {
  std::sort(records.begin(), records.end(), [](const FactCount& a, const FactCount& b) {
    return a.fact_id != b.fact_id ? a.fact_id < b.fact_id : a.messages < b.messages;
  });
  out.clear();
  out += kFormat;
  // Unsigned arithmetic: differences wrap instead of overflowing, and unpacking
  // wraps them back, whatever the ids (a damaged store may hold any).
  std::uint64_t previous = 0;
  for (const FactCount& record : records) {
    const auto fact = static_cast<std::uint64_t>(record.fact_id);
    append_varint(out, fact - previous);
    append_varint(out, static_cast<std::uint64_t>(record.messages));
    previous = fact;
  }
}

core::Status unpack_records(std::string_view packed, std::vector<FactCount>& records) {
  records.clear();
  if (packed.empty() || packed[0] != kFormat) {
    return core::Error(core::ErrorCode::kDb, "packed records of an unknown format");
  }
  const auto* next = reinterpret_cast<const unsigned char*>(packed.data()) + 1;
  const auto* const end = reinterpret_cast<const unsigned char*>(packed.data()) + packed.size();
  auto read_varint = [&](std::uint64_t& value) {
    value = 0;
    for (int shift = 0; shift < 64 && next != end; shift += 7) {
      const unsigned char byte = *next++;
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;  // ran out of bytes, or more than ten of them
  };
  std::uint64_t fact = 0;
  while (next != end) {
    std::uint64_t increase = 0;
    std::uint64_t messages = 0;
    if (!read_varint(increase) || !read_varint(messages)) {
      return core::Error(core::ErrorCode::kDb, "packed records end inside a number");
    }
    fact += increase;
    records.push_back(
        FactCount{static_cast<std::int64_t>(fact), static_cast<std::int64_t>(messages)});
  }
  return {};
}

}  // namespace dmarcq::store
