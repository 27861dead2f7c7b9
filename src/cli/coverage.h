// What the store holds, by domain and day, so that a query never answers a typo or an
// empty window with a silent "No findings.": a domain no report covers is a usage
// error naming the nearest domains, and a window without reports says so.
#ifndef DMARCQ_CLI_COVERAGE_H_
#define DMARCQ_CLI_COVERAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/store.h"

namespace dmarcq::cli {

struct DomainDays {
  std::int64_t first_day = 0;  // days since the epoch
  std::int64_t last_day = 0;
  std::vector<std::int64_t> days;  // ascending, each with messages
};

struct Coverage {
  std::map<std::string, DomainDays> domains;  // policy domains with reports

  bool empty() const { return domains.empty(); }
  // Whether any report of `domains` (all when empty) covers a day from `from` to `to`.
  bool covers(const std::vector<std::string>& domains, std::optional<std::int64_t> from,
              std::optional<std::int64_t> to) const;
  // The newest day with reports among `domains` (all when empty).
  std::optional<std::int64_t> newest_day(const std::vector<std::string>& domains) const;
  std::optional<std::int64_t> oldest_day(const std::vector<std::string>& domains) const;
};

// Reads the coverage from the store's daily totals (a few rows per domain and day).
core::Result<Coverage> read_coverage(store::Store& store);

// Throws UsageError when no report covers one of `domains`, naming up to three
// domains of the store nearest to it by edit distance.
void require_known_domains(const Coverage& coverage, const std::vector<std::string>& domains);

// Prints a note on stderr when no report covers the window (or the store holds none),
// with the period the store does hold. Returns whether the window has reports.
bool note_if_window_empty(const Coverage& coverage, const std::vector<std::string>& domains,
                          std::optional<std::int64_t> from, std::optional<std::int64_t> to);

// What summary and explain do before they answer: reads the coverage, refuses a
// domain no report covers (UsageError), and notes an empty window. Returns false
// after printing the error when the store cannot be read.
bool check_coverage(store::Store& store, const std::vector<std::string>& domains,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> to);

// The edit distance (Levenshtein) of two ASCII strings, capped at `limit` + 1.
std::size_t edit_distance(const std::string& a, const std::string& b, std::size_t limit);

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_COVERAGE_H_
