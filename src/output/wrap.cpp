#include <algorithm>

#include "core/text.h"
#include "output/output.h"

namespace dmarcq::output {

namespace {

// Characters that must not begin a line in Japanese (kinsoku shori): closing
// brackets and punctuation. They hang past the width instead; callers leave room.
bool no_line_start(char32_t cp) {
  static constexpr char32_t kClosers[] = {
      U'、', U'。', U'，', U'．', U'）', U'」', U'』', U'】', U'〕', U'〉', U'》', U'！', U'？',
      U'ー', U'…',  U'・', U'：', U'；', U'％', U'ぁ', U'ぃ', U'ぅ', U'ぇ', U'ぉ', U'っ', U'ゃ',
      U'ゅ', U'ょ', U'ァ', U'ィ', U'ゥ', U'ェ', U'ォ', U'ッ', U'ャ', U'ュ', U'ョ'};
  for (char32_t closer : kClosers) {
    if (cp == closer) return true;
  }
  return false;
}

bool no_line_end(char32_t cp) {
  static constexpr char32_t kOpeners[] = {U'（', U'「', U'『', U'【', U'〔',
                                          U'〈', U'《', U'［', U'｛'};
  for (char32_t opener : kOpeners) {
    if (cp == opener) return true;
  }
  return false;
}

// Appends one terminal-safe paragraph (no newline), wrapped. Words are runs of
// narrow characters between spaces; a wide character is a word of its own, except
// that an opening bracket sticks to what follows and closing punctuation sticks to
// what precedes (kinsoku), hanging past the width rather than starting a line.
void wrap_paragraph(std::string_view paragraph, std::size_t width,
                    std::vector<std::string>& lines) {
  std::string line;
  std::size_t line_width = 0;
  std::string word;
  std::size_t word_width = 0;
  bool word_open = false;  // the word ends in an opening bracket: keep adding to it
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
    word_open = false;
  };
  for (std::size_t pos = 0; pos < paragraph.size();) {
    // ASCII needs no decoding (the paragraph is terminal-safe: no controls).
    const unsigned char byte = static_cast<unsigned char>(paragraph[pos]);
    // A run of narrow characters after the first of a word goes in whole, cut where
    // the word reaches the width, as one character at a time would be: most of every
    // fix text, at a fraction of the cost.
    if (byte > ' ' && byte < 0x80 && !word_open && !word.empty()) {
      std::size_t run = pos;
      while (run < paragraph.size() && static_cast<unsigned char>(paragraph[run]) > ' ' &&
             static_cast<unsigned char>(paragraph[run]) < 0x80) {
        ++run;
      }
      while (pos < run) {
        if (word_width >= width) place_word();
        const std::size_t taken = std::min(run - pos, width - word_width);
        word.append(paragraph, pos, taken);
        word_width += taken;
        pos += taken;
      }
      continue;
    }
    const core::Utf8Step step =
        byte < 0x80 ? core::Utf8Step{byte, 1, true} : core::decode_utf8(paragraph, pos);
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
    const bool wide = step.code_point >= 0x80 && step.valid && core::is_wide(step.code_point);
    const std::size_t piece_width = wide ? 2 : 1;
    if (wide && no_line_start(step.code_point)) {
      if (!word.empty()) {
        word += piece;  // "permerror）" moves as one; a line may break after it
        word_width += piece_width;
        place_word();
      } else if (line_width == 0 && !lines.empty()) {
        // The line broke just before this closer: take it back and hang it there.
        lines.back() += piece;
      } else {
        line += piece;
        line_width += piece_width;
      }
      continue;
    }
    if (wide && !word_open) place_word();  // a wide character is a word of its own
    if (!word_open && word_width + piece_width > width) place_word();
    word += piece;
    word_width += piece_width;
    word_open = wide && no_line_end(step.code_point);
    if (wide && !word_open) place_word();
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
