# Writes OUTPUT, a C++ file defining `std::string_view <FUNCTION>()` in namespace
# NAMESPACE that returns the contents of INPUT. Run at build time so that an edited
# data file (the sender catalog) rebuilds the binary.
file(READ "${INPUT}" text)
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp" "// Generated from ${name} by cmake/embed_text.cmake. Do not edit.
#include <string_view>

namespace ${NAMESPACE} {

std::string_view ${FUNCTION}() {
  static constexpr std::string_view kText = R\"dmarcq_embed(${text})dmarcq_embed\";
  return kText;
}

}  // namespace ${NAMESPACE}
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
