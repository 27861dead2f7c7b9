// Private to store/: JSON text written into the store (fact result lists, the kinds of
// a remembered file's mails), read back by SQLite's json_each.
#ifndef DMARCQ_STORE_SQLITE_JSON_TEXT_H_
#define DMARCQ_STORE_SQLITE_JSON_TEXT_H_

#include <string>
#include <string_view>

namespace dmarcq::store {

// Appends a JSON string literal of `text`: quotes, backslashes and control characters
// escaped, other bytes as they are.
void append_json_string(std::string& out, std::string_view text);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_JSON_TEXT_H_
