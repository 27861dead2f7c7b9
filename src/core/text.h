// Text helpers for strings that come from strangers' reports.
#ifndef DMARCQ_CORE_TEXT_H_
#define DMARCQ_CORE_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dmarcq::core {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text);

// `text` with every ill-formed UTF-8 sequence replaced by U+FFFD. Returns the input
// unchanged (one copy) when it is already valid, which is the common case.
std::string to_valid_utf8(std::string_view text);

// A form of `text` that is safe to write to a terminal: C0 controls (except none),
// DEL, C1 controls, and the Unicode bidi controls (U+200E, U+200F, U+061C,
// U+202A..U+202E, U+2066..U+2069) become visible escapes such as "\x07" or "\u202e";
// ill-formed UTF-8 bytes become "\xNN". Printable text, including non-ASCII letters,
// passes unchanged.
std::string terminal_safe(std::string_view text);

// One step of UTF-8 decoding. Shared so that the sanitisers here and the output
// writers agree on where an ill-formed sequence starts and ends.
struct Utf8Step {
  char32_t code_point;  // U+FFFD when !valid
  std::size_t length;   // bytes consumed, >= 1; when !valid, the maximal ill-formed subpart
  bool valid;
};

// Decodes the sequence that starts at text[pos]; requires pos < text.size().
// Ill-formed input is split into maximal subparts as Unicode recommends (section 3.9,
// "U+FFFD Substitution of Maximal Subparts"), so "\xE2\x82" is one step and
// "\xC0\xAF" two.
Utf8Step decode_utf8(std::string_view text, std::size_t pos);

// True for the code points terminal_safe escapes: C0 controls, DEL, C1 controls and
// the bidi controls listed above. The JSON writer escapes the same set.
bool is_terminal_unsafe(char32_t code_point);

// Appends "\\u" and four lower-case hex digits of a BMP code point: the escape both
// terminal_safe and the JSON writer use.
void append_u_escape(std::string& out, char32_t code_point);

// True for East Asian wide and fullwidth code points, which take two terminal columns
// (a range check: close enough for names and messages, off by a column at worst).
bool is_wide(char32_t code_point);
// Terminal columns `text` takes: code points, with wide ones counting two.
std::size_t display_width(std::string_view text);

// "1,234,567": an integer with its digits grouped by thousands, as people read counts.
std::string group_thousands(std::int64_t value);

// ASCII lower-case copy.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view trim(std::string_view text);

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_TEXT_H_
