#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {

namespace {

// Characters that must not begin a line in Japanese (kinsoku shori): closing
// brackets and punctuation. They hang past the width instead; callers leave room.
bool no_line_start(char32_t cp) {
  static constexpr char32_t kClosers[] = {U'、', U'。', U'，', U'．', U'）', U'」', U'』', U'】', U'〕',
                                          U'〉', U'》', U'！', U'？', U'ー', U'…', U'・', U'：', U'；',
                                          U'％', U'ぁ', U'ぃ', U'ぅ', U'ぇ', U'ぉ', U'っ', U'ゃ', U'ゅ',
                                          U'ょ', U'ァ', U'ィ', U'ゥ', U'ェ', U'ォ', U'ッ', U'ャ', U'ュ', U'ョ'};
  for (char32_t closer : kClosers) {
    if (cp == closer) return true;
  }
  return false;
}

// Appends one terminal-safe paragraph (no newline), wrapped.
void wrap_paragraph(std::string_view paragraph, std::size_t width, std::vector<std::string>& lines) {
  std::string line;
  std::size_t line_width = 0;
  std::string word;
  std::size_t word_width = 0;
  auto flush_line = [&] {
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
      --line_width;
    }
    lines.push_back(line);
    line.clear();
    line_width = 0;
  };
  auto place_word = [&] {
    if (word.empty()) return;
    if (line_width > 0 && line_width + word_width > width) flush_line();
    line += word;
    line_width += word_width;
    word.clear();
    word_width = 0;
  };
  for (std::size_t pos = 0; pos < paragraph.size();) {
    const core::Utf8Step step = core::decode_utf8(paragraph, pos);
    const std::string_view piece = paragraph.substr(pos, step.length);
    pos += step.length;
    if (piece == " ") {
      place_word();
      if (line_width > 0 && line_width < width) {
        line += ' ';
        ++line_width;
      }
      continue;
    }
    const bool wide = step.valid && core::is_wide(step.code_point);
    if (wide && no_line_start(step.code_point) && word.empty()) {
      if (line_width + 2 > width + 2 && line.size() >= 3) {
        // Only one closer may hang: carry the last character that may start a line,
        // and the closers after it, down to the next line.
        std::size_t last = line.size();
        while (last > 0) {
          std::size_t start = last - 1;
          while (start > 0 && (static_cast<unsigned char>(line[start]) & 0xC0) == 0x80) --start;
          last = start;
          const core::Utf8Step previous = core::decode_utf8(line, start);
          if (!(previous.valid && no_line_start(previous.code_point))) break;
        }
        const std::string carried = line.substr(last);
        line.resize(last);
        line_width -= core::display_width(carried);
        flush_line();
        line = carried;
        line_width = core::display_width(carried);
      }
      line += piece;  // hangs: never starts a line
      line_width += 2;
      continue;
    }
    if (wide) place_word();  // a wide character is a word of its own
    if (word_width + (wide ? 2 : 1) > width) place_word();
    word += piece;
    word_width += wide ? 2 : 1;
    if (wide) place_word();
  }
  place_word();
  if (line_width > 0 || lines.empty() || paragraph.empty()) flush_line();
}

}  // namespace

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
  std::vector<std::string> lines;
  if (width == 0) width = 1;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    const std::string_view paragraph =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    wrap_paragraph(core::terminal_safe(paragraph), width, lines);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return lines;
}

}  // namespace dmarcq::output
