// mime_shape: counting header fields, parts, list items and nesting in raw message
// bytes, the way GMime's parser will meet them.
//
// A message is header blocks and bodies. A header block starts the message, follows
// every boundary line of an enclosing multipart, and starts the body of a forwarded
// message (message/*); it ends at the first empty line. Boundaries come from the
// Content-Type fields seen so far. Where a boundary cannot be read with certainty
// (RFC 2231 continuations, comments, a second boundary parameter), every line that
// starts with "--" is taken for a boundary from then on: the counts can only grow.
#include "ingest/mime_shape.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/text.h"

namespace dmarcq::ingest {

namespace {

// A Content-Type value longer than this is not kept whole: a multipart's boundary is
// then unknown (and every "--" line counts as one). Real ones are under 200 bytes.
constexpr std::size_t kMaxContentTypeBytes = 4096;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (is_blank(text.front()) || text.front() == '\r')) text.remove_prefix(1);
  while (!text.empty() && (is_blank(text.back()) || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// `prefix` is lower case.
bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const char c =
        text[i] >= 'A' && text[i] <= 'Z' ? static_cast<char>(text[i] - 'A' + 'a') : text[i];
    if (c != prefix[i]) return false;
  }
  return true;
}

// What one Content-Type field says about the part's body.
struct BodyType {
  bool multipart = false;
  bool message = false;
  bool digest = false;  // multipart/digest: its parts are messages unless they say otherwise
  std::optional<std::string> boundary;  // nullopt: a multipart whose boundary is unsure
};

// RFC 2045 tspecials: an unquoted parameter value holding one is not a plain token.
bool is_tspecial(char c) { return std::strchr("()<>@,;:\\\"/[]?=", c) != nullptr; }

// The boundary parameter of a Content-Type value, when it is certain.
std::optional<std::string> boundary_of(std::string_view value) {
  std::optional<std::string> found;
  int seen = 0;
  std::size_t at = value.find(';');
  while (at != std::string_view::npos) {
    const std::size_t next = value.find(';', at + 1);
    const std::string_view parameter = value.substr(
        at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
    at = next;
    const std::size_t equals = parameter.find('=');
    const std::string_view name = trim(parameter.substr(0, equals));
    if (!starts_with_nocase(name, "boundary")) continue;
    ++seen;
    if (name.size() != std::strlen("boundary") || equals == std::string_view::npos) continue;
    std::string_view text = trim(parameter.substr(equals + 1));
    std::string boundary;
    if (!text.empty() && text.front() == '"') {
      std::size_t i = 1;
      for (; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        boundary += text[i];
      }
      if (i + 1 != text.size()) return std::nullopt;  // unclosed, or text after the quote
    } else {
      for (char c : text) {
        if (is_tspecial(c) || is_blank(c)) return std::nullopt;
      }
      boundary = std::string(text);
    }
    if (boundary.empty()) return std::nullopt;
    found = std::move(boundary);
  }
  if (seen != 1) return std::nullopt;
  return found;
}

// The media type of a Content-Type value, lower case, without the comments and
// whitespace GMime skips around it: "(c) Multipart / Mixed" is "multipart/mixed".
std::string media_type_of(std::string_view value) {
  std::string media;
  int comment = 0;
  for (char c : value.substr(0, value.find(';'))) {
    if (c == '(') ++comment;
    if (comment == 0 && !is_blank(c) && c != '\r') {
      media += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    if (c == ')' && comment > 0) --comment;
  }
  return media;
}

BodyType body_type_of(std::string_view value, bool complete) {
  BodyType type;
  const std::string media = media_type_of(value);
  type.multipart = media.starts_with("multipart/");
  type.message = media.starts_with("message/");
  type.digest = media == "multipart/digest";
  // Whatever else the scan may misread: a type that names a multipart anywhere, in a
  // comment included, is taken for one, with its boundary unsure.
  const std::string raw = core::ascii_lower(value.substr(0, value.find(';')));
  if (!type.multipart && !type.message && raw.find("multipart") != std::string::npos) {
    type.multipart = true;
    return type;
  }
  if (type.multipart && complete && value.find('(') == std::string_view::npos) {
    type.boundary = boundary_of(value);
  }
  return type;
}

class Scanner {
 public:
  explicit Scanner(const Limits& limits) : limits_(limits) {}

  MimeShape run(std::string_view bytes) {
    start_header_block();
    std::size_t at = 0;
    while (at < bytes.size() && !over()) {
      const char* newline =
          static_cast<const char*>(std::memchr(bytes.data() + at, '\n', bytes.size() - at));
      const std::size_t end = newline != nullptr ? newline - bytes.data() : bytes.size();
      std::string_view line = bytes.substr(at, end - at);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      this->line(line);
      at = end + 1;
    }
    return shape_;
  }

 private:
  // An open multipart (its boundary) or forwarded message (no boundary).
  struct Level {
    std::string boundary;
    bool message = false;
    bool digest = false;
  };

  bool over() const { return mime_shape_violation(shape_, limits_).has_value(); }

  void start_header_block() {
    in_headers_ = true;
    ++shape_.parts;
    content_type_.clear();
    content_type_complete_ = true;
    content_type_fields_ = 0;
    in_content_type_ = false;
  }

  void line(std::string_view line) {
    if (line.size() >= 2 && line[0] == '-' && line[1] == '-' && boundary(line.substr(2))) return;
    if (!in_headers_) return;
    if (line.empty()) return end_header_block();
    if (is_blank(line[0])) {  // a folded continuation of the field before
      count_list_items(line);
      if (in_content_type_) keep_content_type(line);
      return;
    }
    ++shape_.header_fields;
    count_list_items(line);
    in_content_type_ = starts_with_nocase(line, "content-type") &&
                       trim(line.substr(std::strlen("content-type"))).substr(0, 1) == ":";
    if (in_content_type_) {
      ++content_type_fields_;
      content_type_.clear();
      content_type_complete_ = true;
      keep_content_type(line.substr(line.find(':') + 1));
    }
  }

  void count_list_items(std::string_view line) {
    for (char c : line) shape_.list_items += (c == ';' || c == ',');
  }

  // Keeps the start of a long value, so that its type is still known; its boundary is
  // then unsure.
  void keep_content_type(std::string_view text) {
    if (content_type_.size() + text.size() > kMaxContentTypeBytes) {
      content_type_complete_ = false;
      text = text.substr(
          0, kMaxContentTypeBytes - std::min(kMaxContentTypeBytes, content_type_.size()));
    }
    content_type_.append(text);
  }

  void end_header_block() {
    in_headers_ = false;
    in_content_type_ = false;
    BodyType type = body_type_of(content_type_, content_type_complete_);
    // In a multipart/digest a part without a Content-Type is a message (RFC 2046 5.1.5).
    if (content_type_fields_ == 0 && !levels_.empty() && levels_.back().digest) {
      type.message = true;
    }
    if (type.multipart) {
      // Two Content-Type fields: which one GMime keeps is its business.
      if (!type.boundary || content_type_fields_ > 1) any_dash_line_is_boundary_ = true;
      open(Level{type.boundary.value_or(""), false, type.digest});
    } else if (type.message) {
      open(Level{"", true});
      start_header_block();  // the forwarded message's own header block
    }
  }

  void open(Level level) {
    levels_.push_back(std::move(level));
    if (levels_.size() > shape_.depth) shape_.depth = static_cast<std::uint32_t>(levels_.size());
  }

  // `rest` is a line after its leading "--". True when it is a boundary line: a new
  // part's header block starts, or (closing) the multipart ends. GMime closes a
  // multipart only on its boundary and "--" followed by whitespace alone; a line that
  // merely starts with a boundary is taken for a new part, which can only count more.
  bool boundary(std::string_view rest) {
    for (std::size_t i = levels_.size(); i-- > 0;) {
      const Level& level = levels_[i];
      if (level.message || level.boundary.empty()) continue;
      if (rest.substr(0, level.boundary.size()) != level.boundary) continue;
      const std::string_view after = rest.substr(level.boundary.size());
      const bool closing = after.substr(0, 2) == "--" && trim(after.substr(2)).empty();
      levels_.resize(closing ? i : i + 1);
      if (!closing) start_header_block();
      return true;
    }
    if (!any_dash_line_is_boundary_) return false;
    start_header_block();
    return true;
  }

  const Limits& limits_;
  MimeShape shape_;
  std::vector<Level> levels_;
  bool in_headers_ = false;
  bool in_content_type_ = false;
  bool content_type_complete_ = true;
  int content_type_fields_ = 0;
  std::string content_type_;
  bool any_dash_line_is_boundary_ = false;
};

}  // namespace

MimeShape measure_mime_shape(std::string_view message, const Limits& limits) {
  return Scanner(limits).run(message);
}

std::optional<std::string> mime_shape_violation(const MimeShape& shape, const Limits& limits) {
  auto over = [](std::uint64_t cap, const char* what, const char* option) {
    return "message has more than " + std::to_string(cap) + " " + what + " (" + option + ")";
  };
  if (shape.header_fields > limits.max_mime_headers) {
    return over(limits.max_mime_headers, "header fields", "--max-mime-headers");
  }
  if (shape.parts > limits.max_mime_parts) {
    return over(limits.max_mime_parts, "MIME parts", "--max-mime-parts");
  }
  if (shape.list_items > limits.max_mime_parameters) {
    return over(limits.max_mime_parameters, "header parameters and addresses",
                "--max-mime-parameters");
  }
  if (shape.depth > limits.max_mime_depth) {
    return over(limits.max_mime_depth, "levels of nested parts", "--max-mime-depth");
  }
  return std::nullopt;
}

}  // namespace dmarcq::ingest
