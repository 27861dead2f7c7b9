// Unsigned option values that refuse what Boost.Program_options lets through: its
// lexical_cast reads "-1" into an unsigned type as 4294967295, and an option that sizes
// threads or buffers by such a value aborts the program. count_value() accepts decimal
// digits only, within a range, and anything else is a usage error naming the option.
#ifndef DMARCQ_CLI_COUNT_OPTION_H_
#define DMARCQ_CLI_COUNT_OPTION_H_

#include <boost/program_options.hpp>
#include <charconv>
#include <string>
#include <system_error>
#include <vector>

#include "cli/command.h"

namespace dmarcq::cli {

template <typename T>
struct Count {
  T value;
};

// Found by Boost.Program_options through argument-dependent lookup.
template <typename T>
void validate(boost::any& out, const std::vector<std::string>& values, Count<T>*, int) {
  po::validators::check_first_occurrence(out);
  const std::string& text = po::validators::get_single_string(values);
  T value{};
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) throw po::invalid_option_value(text);
  out = Count<T>{value};
}

// An option `name` that stores a count from `min` to `max` into `field`; --help shows
// the field's value as the default.
template <typename T>
po::typed_value<Count<T>>* count_value(const char* name, T& field, T min, T max) {
  return po::value<Count<T>>()
      ->default_value(Count<T>{field}, std::to_string(field))
      ->notifier([name, &field, min, max](const Count<T>& count) {
        if (count.value < min || count.value > max) {
          throw UsageError{std::string("--") + name + " must be from " + std::to_string(min) +
                           " to " + std::to_string(max)};
        }
        field = count.value;
      });
}

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_COUNT_OPTION_H_
