// One number read from a store through its interface (Store::query), for the tests of
// the modules that write to it.
#ifndef DMARCQ_TESTS_SUPPORT_SCALAR_H_
#define DMARCQ_TESTS_SUPPORT_SCALAR_H_

#include <cstdint>
#include <string>
#include <variant>

#include "store/store.h"

namespace dmarcq::testing {

// The first column of the first row of `sql` over the store at `location`, opened
// read-only; -1 when there is no row or it is not an integer.
inline std::int64_t scalar(const std::string& location, const std::string& sql) {
  auto store = store::open(location, store::OpenMode::kReadOnly);
  if (!store) return -1;
  auto table = dmarcq::store::query_table(**store, sql);
  if (!table || table->rows.empty() || table->rows[0].empty()) return -1;
  const auto* value = std::get_if<std::int64_t>(&table->rows[0][0]);
  return value != nullptr ? *value : -1;
}

// The same for a text value; "(no row)" when there is none.
inline std::string text_of(const std::string& location, const std::string& sql) {
  auto store = store::open(location, store::OpenMode::kReadOnly);
  if (!store) return "(no store)";
  auto table = dmarcq::store::query_table(**store, sql);
  if (!table || table->rows.empty() || table->rows[0].empty()) return "(no row)";
  const auto* value = std::get_if<std::string>(&table->rows[0][0]);
  return value != nullptr ? *value : "(not text)";
}

}  // namespace dmarcq::testing

#endif  // DMARCQ_TESTS_SUPPORT_SCALAR_H_
