# Writes OUTPUT, a C++ file that defines dmarcq::store::kMigrations from the
# schema/NNNN_*.sql files in SCHEMA_DIR, in number order. Run at build time so that an
# edited migration rebuilds the binary.
file(GLOB migrations RELATIVE "${SCHEMA_DIR}" "${SCHEMA_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT migrations)
set(body "")
foreach(name IN LISTS migrations)
  file(READ "${SCHEMA_DIR}/${name}" sql)
  string(SUBSTRING "${name}" 0 4 number)
  math(EXPR number "${number}")
  string(APPEND body "    {${number}, \"${name}\", R\"dmarcq_sql(${sql})dmarcq_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp" "// Generated from schema/*.sql by cmake/embed_schema.cmake. Do not edit.
#include \"store/sqlite/migrations.h\"

namespace dmarcq::store {

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
${body}  };
  return kMigrations;
}

}  // namespace dmarcq::store
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
