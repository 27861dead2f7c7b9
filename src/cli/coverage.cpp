#include "cli/coverage.h"

#include <algorithm>

#include "cli/command.h"
#include "core/date.h"

namespace dmarcq::cli {

namespace {

template <typename Visit>
void for_each_domain(const Coverage& coverage, const std::vector<std::string>& domains,
                     Visit visit) {
  if (domains.empty()) {
    for (const auto& [name, days] : coverage.domains) visit(days);
    return;
  }
  for (const std::string& name : domains) {
    const auto found = coverage.domains.find(name);
    if (found != coverage.domains.end()) visit(found->second);
  }
}

std::string period_text(std::int64_t first, std::int64_t last) {
  return first == last ? core::format_day(first)
                       : core::format_day(first) + " to " + core::format_day(last);
}

}  // namespace

bool Coverage::covers(const std::vector<std::string>& names, std::optional<std::int64_t> from,
                      std::optional<std::int64_t> to) const {
  bool found = false;
  for_each_domain(*this, names, [&](const DomainDays& domain) {
    const auto first =
        std::lower_bound(domain.days.begin(), domain.days.end(), from.value_or(INT64_MIN));
    if (first != domain.days.end() && *first <= to.value_or(INT64_MAX)) found = true;
  });
  return found;
}

std::optional<std::int64_t> Coverage::newest_day(const std::vector<std::string>& names) const {
  std::optional<std::int64_t> newest;
  for_each_domain(*this, names, [&](const DomainDays& domain) {
    newest = std::max(newest.value_or(domain.last_day), domain.last_day);
  });
  return newest;
}

std::optional<std::int64_t> Coverage::oldest_day(const std::vector<std::string>& names) const {
  std::optional<std::int64_t> oldest;
  for_each_domain(*this, names, [&](const DomainDays& domain) {
    oldest = std::min(oldest.value_or(domain.first_day), domain.first_day);
  });
  return oldest;
}

core::Result<Coverage> read_coverage(store::Store& store) {
  store::SummaryQuery query;
  query.by = {store::GroupKey::kDomain, store::GroupKey::kDay};
  auto table = store.summary(query);
  if (!table) return std::move(table).error();
  Coverage coverage;
  for (const std::vector<core::Cell>& row : table->rows) {
    const auto* domain = std::get_if<std::string>(&row[0]);
    const auto* day_text = std::get_if<std::string>(&row[1]);
    const auto* messages = std::get_if<std::int64_t>(&row[2]);
    if (domain == nullptr || day_text == nullptr || (messages != nullptr && *messages == 0)) {
      continue;
    }
    const std::optional<std::int64_t> day = core::parse_day(*day_text);
    if (!day) continue;
    DomainDays& days = coverage.domains[*domain];
    if (days.days.empty()) days.first_day = days.last_day = *day;
    days.first_day = std::min(days.first_day, *day);
    days.last_day = std::max(days.last_day, *day);
    days.days.push_back(*day);
  }
  for (auto& [name, days] : coverage.domains) std::sort(days.days.begin(), days.days.end());
  return coverage;
}

std::size_t edit_distance(const std::string& a, const std::string& b, std::size_t limit) {
  const std::size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
  if (gap > limit) return limit + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    std::size_t best = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return std::min(row[b.size()], limit + 1);
}

void require_known_domains(const Coverage& coverage, const std::vector<std::string>& domains) {
  for (const std::string& domain : domains) {
    if (coverage.domains.count(domain) > 0) continue;
    std::string message = "no report in the store covers the domain " + domain;
    if (coverage.empty()) throw UsageError{message + "; the store holds no reports yet"};
    // The nearest names: a typo is a few edits away; past a quarter of the name it is another
    // domain, and then every domain is listed if they are few.
    const std::size_t limit = std::max<std::size_t>(2, domain.size() / 4);
    std::vector<std::pair<std::size_t, std::string>> near;
    for (const auto& [name, days] : coverage.domains) {
      const std::size_t distance = edit_distance(domain, name, limit);
      if (distance <= limit) near.emplace_back(distance, name);
    }
    std::sort(near.begin(), near.end());
    if (near.size() > 3) near.resize(3);
    if (near.empty() && coverage.domains.size() <= 3) {
      for (const auto& [name, days] : coverage.domains) near.emplace_back(0, name);
    }
    if (!near.empty()) {
      message += "; did you mean ";
      for (std::size_t i = 0; i < near.size(); ++i) {
        message += (i == 0 ? "" : i + 1 == near.size() ? " or " : ", ") + near[i].second;
      }
      message += "?";
    }
    message += " (dmarcq summary lists the " + std::to_string(coverage.domains.size()) +
               (coverage.domains.size() == 1 ? " domain)" : " domains)");
    throw UsageError{message};
  }
}

bool note_if_window_empty(const Coverage& coverage, const std::vector<std::string>& domains,
                          std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
  if (coverage.empty()) {
    print_warning("the store holds no reports yet: import some first (dmarcq import PATH)");
    return false;
  }
  if (coverage.covers(domains, from, to)) return true;
  const std::string window = from && to ? (*from == *to ? "" : "from ") + period_text(*from, *to)
                             : from     ? "from " + core::format_day(*from) + " on"
                             : to       ? "up to " + core::format_day(*to)
                                        : "any day";
  print_warning("no report covers " + window + "; the store holds reports from " +
                period_text(*coverage.oldest_day(domains), *coverage.newest_day(domains)));
  return false;
}

bool check_coverage(store::Store& store, const std::vector<std::string>& domains,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> to) {
  auto coverage = read_coverage(store);
  if (!coverage) {
    print_error(coverage.error().to_string());
    return false;
  }
  require_known_domains(*coverage, domains);
  note_if_window_empty(*coverage, domains, from, to);
  return true;
}

}  // namespace dmarcq::cli
