#include "core/text.h"

#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace dmarcq::core {
namespace {

using namespace std::literals;

constexpr std::string_view kFffd = "\xEF\xBF\xBD";

// A plain encoder, independent of the code under test, for round-trip checks.
std::string encode(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

std::string hex(char32_t cp) {
  char buffer[8];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, cp, 16);
  return std::string(buffer, result.ptr);
}

TEST_CASE("is_valid_utf8 accepts well-formed text") {
  for (const std::string_view text : {
           ""sv, "plain ascii"sv,
           "a\0b"sv,              // NUL is a valid code point
           "\xC3\xA9"sv,          // U+00E9
           "\xE2\x82\xAC"sv,      // U+20AC
           "\xEF\xBF\xBF"sv,      // U+FFFF
           "\xF0\x9D\x84\x9E"sv,  // U+1D11E
           "\xF4\x8F\xBF\xBF"sv,  // U+10FFFF
       }) {
    CAPTURE(text);
    CHECK(is_valid_utf8(text));
  }
}

TEST_CASE("is_valid_utf8 rejects ill-formed text") {
  for (const std::string_view text : {
           "\xC0\xAF"sv,          // overlong '/'
           "\xC1\xBF"sv,          // overlong
           "\xE0\x80\xAF"sv,      // overlong 3-byte
           "\xF0\x80\x80\xAF"sv,  // overlong 4-byte
           "\xED\xA0\x80"sv,      // surrogate U+D800
           "\xED\xBF\xBF"sv,      // surrogate U+DFFF
           "\xF4\x90\x80\x80"sv,  // U+110000
           "\xF5\x80\x80\x80"sv,  // lead byte beyond U+10FFFF
           "\xFF"sv,
           "\x80"sv,      // lone continuation
           "\xE2\x82"sv,  // truncated
           "ok\xC3"sv,    // truncated at the end
           "\xC3(x"sv,    // lead byte without continuation
       }) {
    CAPTURE(text);
    CHECK_FALSE(is_valid_utf8(text));
  }
}

TEST_CASE("every scalar value round-trips; surrogates are rejected") {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    const std::string bytes = encode(cp);
    const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
    if (is_valid_utf8(bytes) == surrogate) FAIL("validity of U+" << hex(cp));
    if (surrogate) continue;
    const Utf8Step step = decode_utf8(bytes, 0);
    if (!step.valid || step.code_point != cp || step.length != bytes.size()) {
      FAIL("decoding U+" << hex(cp));
    }
  }
}

TEST_CASE("to_valid_utf8 replaces each maximal ill-formed subpart with U+FFFD") {
  const std::string f(kFffd);
  struct Case {
    std::string_view in;
    std::string out;
  };
  const Case cases[] = {
      {"", ""},
      {"valid \xC3\xA9\xE6\x97\xA5", "valid \xC3\xA9\xE6\x97\xA5"},
      {"\xC0\xAF", f + f},          // overlong: C0 cannot start anything
      {"\xED\xA0\x80", f + f + f},  // surrogate: ED then two strays
      {"\xE2\x82", f},              // truncated: one subpart
      {"\xE2\x82x", f + "x"},
      {"\xE0\x80\xAF", f + f + f},
      {"\xF4\x90\x80\x80", f + f + f + f},
      {"a\xF0\x9D\x84", "a" + f},
      {"\xFF\xFE", f + f},
      {"\x80\x80\x80", f + f + f},  // each stray continuation alone
      // Unicode 15, table 3-8.
      {"\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
       "a" + f + f + f + "b" + f + "c" + f + f + "d"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(to_valid_utf8(c.in) == c.out);
  }
}

TEST_CASE("terminal_safe escapes controls, bidi and bad bytes") {
  struct Case {
    std::string_view in;
    std::string_view out;
  };
  const Case cases[] = {
      {"\x1b[31mred", "\\x1b[31mred"},
      {"abc\xE2\x80\xAE"
       "cod.exe",
       "abc\\u202ecod.exe"},  // U+202E RLO
      {"\xE2\x80\x8E\xE2\x80\x8F\xD8\x9C", "\\u200e\\u200f\\u061c"},
      {"\xE2\x80\xAA\xE2\x80\xAD", "\\u202a\\u202d"},
      {"\xE2\x81\xA6\xE2\x81\xA9", "\\u2066\\u2069"},
      {"a\0b"sv, "a\\x00b"},
      {"t\tl\nc\r", "t\\x09l\\x0ac\\x0d"},
      {"\x07\x1f", "\\x07\\x1f"},
      {"del\x7f", "del\\x7f"},
      {"\xC2\x80\xC2\x85\xC2\x9F", "\\u0080\\u0085\\u009f"},  // C1
      {"\xFF", "\\xff"},
      {"\xE2\x82", "\\xe2\\x82"},
      {"\xC0\xAF", "\\xc0\\xaf"},
      {"back\\slash", "back\\slash"},  // left as is
      {"\xC2\xA0\xC3\xA9\xE6\x97\xA5\xE2\x80\xAF", "\xC2\xA0\xC3\xA9\xE6\x97\xA5\xE2\x80\xAF"},
      {"\xE2\x81\xA5\xE2\x81\xAA", "\xE2\x81\xA5\xE2\x81\xAA"},  // U+2065, U+206A: not bidi
      {"", ""},
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(terminal_safe(c.in) == c.out);
  }
}

TEST_CASE("is_terminal_unsafe boundaries") {
  for (const char32_t cp :
       {0x00, 0x1F, 0x7F, 0x80, 0x9F, 0x61C, 0x200E, 0x200F, 0x202A, 0x202E, 0x2066, 0x2069}) {
    CAPTURE(static_cast<std::uint32_t>(cp));
    CHECK(is_terminal_unsafe(cp));
  }
  for (const char32_t cp : {0x20, 0x7E, 0xA0, 0x61B, 0x200D, 0x2010, 0x2029, 0x202F, 0x2065, 0x206A,
                            0xFEFF, 0x10FFFF}) {
    CAPTURE(static_cast<std::uint32_t>(cp));
    CHECK_FALSE(is_terminal_unsafe(cp));
  }
}

TEST_CASE("terminal_safe and to_valid_utf8 hold up on random bytes") {
  std::mt19937 rng(20240601);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 40);
  for (int round = 0; round < 2000; ++round) {
    std::string input(static_cast<std::size_t>(length(rng)), '\0');
    for (char& c : input) c = static_cast<char>(byte(rng));

    const std::string valid = to_valid_utf8(input);
    REQUIRE(is_valid_utf8(valid));
    if (is_valid_utf8(input)) REQUIRE(valid == input);

    const std::string safe = terminal_safe(input);
    REQUIRE(is_valid_utf8(safe));
    for (std::size_t pos = 0; pos < safe.size();) {
      const Utf8Step step = decode_utf8(safe, pos);
      REQUIRE_FALSE(is_terminal_unsafe(step.code_point));
      pos += step.length;
    }
  }
}

TEST_CASE("is_valid_utf8 agrees with decoding every step, ASCII runs included") {
  const auto every_step_valid = [](std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
      const Utf8Step step = decode_utf8(text, pos);
      if (!step.valid) return false;
      pos += step.length;
    }
    return true;
  };
  // ASCII with lead, continuation and invalid bytes mixed in at any position.
  constexpr unsigned char kAlphabet[] = {'a',  '\0', 0x7F, 0x80, 0xBF, 0xC2,
                                         0xE2, 0xED, 0xF0, 0xF4, 0xFF};
  std::mt19937 rng(20250102);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 1);
  std::uniform_int_distribution<std::size_t> length(0, 12);
  for (int round = 0; round < 20000; ++round) {
    std::string input(length(rng), 'a');
    for (char& c : input) c = static_cast<char>(kAlphabet[pick(rng)]);
    CAPTURE(input);
    REQUIRE(is_valid_utf8(input) == every_step_valid(input));
  }
}

TEST_CASE("ascii_lower") {
  CHECK(ascii_lower("ExAmple.COM") == "example.com");
  CHECK(ascii_lower("\xC3\x89"
                    "A-Z_@[`{") ==
        "\xC3\x89"
        "a-z_@[`{");  // non-ASCII kept
  CHECK(ascii_lower("") == "");
}

TEST_CASE("trim") {
  struct Case {
    std::string_view in;
    std::string_view out;
  };
  const Case cases[] = {
      {"  a b \t\r\n", "a b"}, {"\r\n\tx", "x"}, {"x", "x"},
      {" \t\r\n ", ""},        {"", ""},         {"\va\f", "\va\f"},  // only the four
  };
  for (const Case& c : cases) {
    CAPTURE(c.in);
    CHECK(trim(c.in) == c.out);
  }
}

TEST_CASE("trim agrees with the find_first_not_of definition on random text") {
  const auto reference = [](std::string_view text) {
    constexpr std::string_view kWhitespace = " \t\r\n";
    const std::size_t first = text.find_first_not_of(kWhitespace);
    if (first == std::string_view::npos) return std::string_view();
    return text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
  };
  // Mostly whitespace and its neighbours (\v, \f, NUL, 0xA0), so that runs occur.
  constexpr char kAlphabet[] = {' ', '\t', '\r', '\n', '\v', '\f', '\0', 'a', '\xA0'};
  std::mt19937 rng(20250101);
  std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 1);
  std::uniform_int_distribution<std::size_t> length(0, 8);
  for (int round = 0; round < 5000; ++round) {
    std::string input(length(rng), ' ');
    for (char& c : input) c = kAlphabet[pick(rng)];
    CAPTURE(input);
    const std::string_view trimmed = trim(input);
    REQUIRE(trimmed == reference(input));
    // A view into the input, not a copy.
    REQUIRE((trimmed.empty() || (trimmed.data() >= input.data() &&
                                 trimmed.data() + trimmed.size() <= input.data() + input.size())));
  }
}

}  // namespace
}  // namespace dmarcq::core
