// The one place that knows which backends exist.
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace dmarcq::store {

core::Result<std::unique_ptr<Store>> open(const std::string& location, OpenMode mode) {
  return open_sqlite(location, mode);
}

}  // namespace dmarcq::store
