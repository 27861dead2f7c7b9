// Unsigned option values that refuse what Boost.Program_options lets through: its
// lexical_cast reads "-1" into an unsigned type as 4294967295, and an option that sizes
// threads or buffers by such a value aborts the program. count_value() accepts decimal
// digits only, within a range, and anything else is a usage error naming the option.
#ifndef DMARCQ_CLI_COUNT_OPTION_H_
#define DMARCQ_CLI_COUNT_OPTION_H_

#include <boost/program_options.hpp>
#include <charconv>
#include <cstdint>
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

// A size in bytes: digits, optionally followed by K, M or G (KiB, MiB, GiB: powers of
// 1,024, as the accounting prints sizes), so that --max-document-size 64M works.
struct Size {
  std::uint64_t bytes;
};

inline void validate(boost::any& out, const std::vector<std::string>& values, Size*, int) {
  po::validators::check_first_occurrence(out);
  const std::string& text = po::validators::get_single_string(values);
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop == text.data()) {
    throw po::invalid_option_value(text);
  }
  const std::string unit(stop, end);
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "k" || unit == "KiB") {
    shift = 10;
  } else if (unit == "M" || unit == "m" || unit == "MiB") {
    shift = 20;
  } else if (unit == "G" || unit == "g" || unit == "GiB") {
    shift = 30;
  } else {
    throw po::invalid_option_value(text);
  }
  if (shift > 0 && value > (~std::uint64_t{0} >> shift)) throw po::invalid_option_value(text);
  out = Size{value << shift};
}

// "64M", "512K", "1000": the shortest exact form, for --help and messages.
inline std::string size_text(std::uint64_t bytes) {
  if (bytes != 0 && bytes % (std::uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + "G";
  if (bytes != 0 && bytes % (std::uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + "M";
  if (bytes != 0 && bytes % (std::uint64_t{1} << 10) == 0) return std::to_string(bytes >> 10) + "K";
  return std::to_string(bytes);
}

// An option `name` that stores a size from `min` to `max` bytes into `field`.
inline po::typed_value<Size>* size_value(const char* name, std::uint64_t& field, std::uint64_t min,
                                         std::uint64_t max) {
  return po::value<Size>()
      ->value_name("SIZE")
      ->default_value(Size{field}, size_text(field))
      ->notifier([name, &field, min, max](const Size& size) {
        if (size.bytes < min || size.bytes > max) {
          throw UsageError{std::string("--") + name + " must be from " + size_text(min) + " to " +
                           size_text(max)};
        }
        field = size.bytes;
      });
}

}  // namespace dmarcq::cli

#endif  // DMARCQ_CLI_COUNT_OPTION_H_
