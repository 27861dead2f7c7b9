#include "core/error.h"

namespace dmarcq::core {

const char* error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kIo: return "io";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kLimit: return "limit";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kInvalid: return "invalid";
    case ErrorCode::kDb: return "db";
    case ErrorCode::kUsage: return "usage";
    case ErrorCode::kNotReport: return "not a report";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out;
  for (const std::string& place : context_) {
    if (!out.empty()) out += " \xE2\x80\xBA ";  // U+203A, reads as a path separator
    out += place;
  }
  if (!out.empty()) out += ": ";
  out += message_;
  return out;
}

}  // namespace dmarcq::core
