#include "core/text.h"

#include <cstdint>

namespace dmarcq::core {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr char kHexDigits[] = "0123456789abcdef";

// Byte ranges of well-formed UTF-8, Unicode Table 3-7. Only the second byte's range
// depends on the lead byte; that is where overlongs, surrogates and values above
// U+10FFFF are excluded.
struct LeadInfo {
  int length;  // 0 for a byte that cannot start a sequence
  std::uint8_t second_min;
  std::uint8_t second_max;
};

LeadInfo lead_info(std::uint8_t byte) {
  if (byte < 0x80) return {1, 0, 0};
  if (byte < 0xC2) return {0, 0, 0};  // continuation byte or overlong 2-byte lead
  if (byte < 0xE0) return {2, 0x80, 0xBF};
  if (byte == 0xE0) return {3, 0xA0, 0xBF};
  if (byte == 0xED) return {3, 0x80, 0x9F};  // excludes surrogates U+D800..U+DFFF
  if (byte < 0xF0) return {3, 0x80, 0xBF};
  if (byte == 0xF0) return {4, 0x90, 0xBF};
  if (byte < 0xF4) return {4, 0x80, 0xBF};
  if (byte == 0xF4) return {4, 0x80, 0x8F};  // caps at U+10FFFF
  return {0, 0, 0};
}

bool is_bidi_control(char32_t cp) {
  return cp == 0x200E || cp == 0x200F || cp == 0x061C || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}

bool is_trimmed_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

void append_hex_byte(std::string& out, std::uint8_t byte) {
  out += "\\x";
  out += kHexDigits[byte >> 4];
  out += kHexDigits[byte & 0xF];
}

}  // namespace

void append_u_escape(std::string& out, char32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHexDigits[(cp >> shift) & 0xF];
}

Utf8Step decode_utf8(std::string_view text, std::size_t pos) {
  const auto lead = static_cast<std::uint8_t>(text[pos]);
  const LeadInfo info = lead_info(lead);
  if (info.length == 0) return {0xFFFD, 1, false};
  if (info.length == 1) return {lead, 1, true};

  char32_t cp = lead & (0xFF >> (info.length + 1));
  for (int i = 1; i < info.length; ++i) {
    if (pos + i >= text.size()) return {0xFFFD, static_cast<std::size_t>(i), false};
    const auto byte = static_cast<std::uint8_t>(text[pos + i]);
    const std::uint8_t min = i == 1 ? info.second_min : 0x80;
    const std::uint8_t max = i == 1 ? info.second_max : 0xBF;
    // The bytes so far are the maximal subpart; `byte` starts the next step.
    if (byte < min || byte > max) return {0xFFFD, static_cast<std::size_t>(i), false};
    cp = (cp << 6) | (byte & 0x3F);
  }
  return {cp, static_cast<std::size_t>(info.length), true};
}

bool is_terminal_unsafe(char32_t code_point) {
  return code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F) ||
         is_bidi_control(code_point);
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    // ASCII, nearly all of a report, needs no decoding.
    if (static_cast<std::uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const Utf8Step step = decode_utf8(text, pos);
    if (!step.valid) return false;
    pos += step.length;
  }
  return true;
}

std::string to_valid_utf8(std::string_view text) {
  if (is_valid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Step step = decode_utf8(text, pos);
    if (step.valid) {
      out.append(text.substr(pos, step.length));
    } else {
      out.append(kReplacement);
    }
    pos += step.length;
  }
  return out;
}

std::string terminal_safe(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    // Printable ASCII, most of any text, is copied in runs.
    std::size_t run = pos;
    while (run < text.size() && text[run] >= 0x20 && text[run] < 0x7F) ++run;
    if (run > pos) {
      out.append(text.substr(pos, run - pos));
      pos = run;
      continue;
    }
    const Utf8Step step = decode_utf8(text, pos);
    if (!step.valid) {
      // Show the actual bytes: a reader debugging a report wants to see what was there.
      for (std::size_t i = 0; i < step.length; ++i) {
        append_hex_byte(out, static_cast<std::uint8_t>(text[pos + i]));
      }
    } else if (step.code_point < 0x20 || step.code_point == 0x7F) {
      append_hex_byte(out, static_cast<std::uint8_t>(step.code_point));
    } else if (is_terminal_unsafe(step.code_point)) {
      append_u_escape(out, step.code_point);
    } else {
      out.append(text.substr(pos, step.length));
    }
    pos += step.length;
  }
  return out;
}

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A plain loop rather than find_first_not_of(" \t\r\n"): that searches the set with
// memchr for every byte, and trim runs on every value of every report.
std::string_view trim(std::string_view text) {
  std::size_t first = 0;
  std::size_t end = text.size();
  while (first < end && is_trimmed_space(text[first])) ++first;
  while (end > first && is_trimmed_space(text[end - 1])) --end;
  return text.substr(first, end - first);
}

bool is_wide(char32_t cp) {
  return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
         (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
         (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const Utf8Step step = decode_utf8(text, pos);
    width += step.valid && is_wide(step.code_point) ? 2 : 1;
    pos += step.length;
  }
  return width;
}

std::string group_thousands(std::int64_t value) {
  std::string digits = std::to_string(value);
  const std::size_t first = value < 0 ? 1 : 0;
  for (std::size_t i = digits.size(); i > first + 3; i -= 3) digits.insert(i - 3, 1, ',');
  return digits;
}

}  // namespace dmarcq::core
