// Private to store/: the SQLite backend, the embedded default (store::open picks it).
#ifndef DMARCQ_STORE_SQLITE_SQLITE_STORE_H_
#define DMARCQ_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

namespace dmarcq::store {

// Opens (and in kReadWrite mode creates and migrates) a SQLite database file. A
// database whose schema is newer than this dmarcq knows is refused.
core::Result<std::unique_ptr<Store>> open_sqlite(const std::string& path, OpenMode mode);

}  // namespace dmarcq::store

#endif  // DMARCQ_STORE_SQLITE_SQLITE_STORE_H_
