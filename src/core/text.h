// Text helpers for strings that come from strangers' reports.
#ifndef DMARCQ_CORE_TEXT_H_
#define DMARCQ_CORE_TEXT_H_

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

// ASCII lower-case copy.
std::string ascii_lower(std::string_view text);

// `text` without leading and trailing ASCII whitespace (space, tab, CR, LF).
std::string_view trim(std::string_view text);

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_TEXT_H_
