// Origin: the chain of places a document came from, outermost first.
#include <string>
#include <utility>

#include "ingest/ingest.h"

namespace dmarcq::ingest {

Origin Origin::child(std::string place) const {
  Origin out{chain};
  out.chain.push_back(std::move(place));
  return out;
}

std::string Origin::to_string() const {
  std::string out;
  for (const std::string& place : chain) {
    if (!out.empty()) out += " \xE2\x80\xBA ";  // U+203A, the same separator as core::Error
    out += place;
  }
  return out;
}

}  // namespace dmarcq::ingest
