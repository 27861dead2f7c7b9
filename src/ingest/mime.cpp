// mime: finding reports inside mail messages, with GMime.
//
// RFC 7489 leaves the message structure open ("no specific MIME message structure
// is required") and reporters take it at its word: Google sends multipart/mixed with
// a zip; Microsoft application/gzip; Yahoo application/x-gzip; Amazon SES
// application/octet-stream with an RFC 2231 split file name; Fastmail marks the
// gzip part inline; Mimecast makes the gzip the whole single-part message; Trustwave
// misspells "ContentType:" so the part reads as text/plain; rspamd puts reports in
// multipart/alternative; admins forward report mails as message/rfc822, sometimes
// twice; people paste the XML into a body. So every leaf of the tree is visited,
// whatever the multipart subtype or disposition, its transfer encoding decoded, and
// its bytes, not its declared type, decide what it is. Declared types only rule out
// what can never be a report (HTML, the headers-only part of bounces) and recognise
// the other reports that share rua mailboxes: failure reports (ARF) and SMTP TLS
// reports (TLS-RPT), which are counted, not imported.
#include "ingest/mime.h"

#include <gmime/gmime.h>

#include <mutex>

#include "core/text.h"

namespace dmarcq::ingest {

namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

GMimeMessage* as_message(void* message) { return static_cast<GMimeMessage*>(message); }

std::string lower(const char* text) { return text != nullptr ? core::ascii_lower(text) : ""; }

std::string content_type_of(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type == nullptr) return "text/plain";
  return lower(g_mime_content_type_get_media_type(type)) + "/" +
         lower(g_mime_content_type_get_media_subtype(type));
}

std::string parameter_of(GMimeObject* object, const char* name) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  return type != nullptr ? lower(g_mime_content_type_get_parameter(type, name)) : "";
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string id_of(GMimeMessage* message) {
  const char* id = message != nullptr ? g_mime_message_get_message_id(message) : nullptr;
  if (id == nullptr || *id == '\0') return {};
  // Message-IDs come from strangers: keep them on one line and bounded.
  std::string text = core::to_valid_utf8(core::trim(id));
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  if (text.size() > 200) text.resize(200);
  return text;
}

// The decoded content of a leaf part.
std::string decoded_content(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return {};
  GMimeStream* stream = g_mime_stream_mem_new();
  g_mime_data_wrapper_write_to_stream(content, stream);
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  std::string out;
  if (bytes != nullptr && bytes->len > 0) {
    out.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
  }
  g_object_unref(stream);
  return out;
}

class Walker {
 public:
  Walker(std::uint32_t max_depth, PartVisitor& visitor)
      : max_depth_(max_depth), visitor_(visitor) {}

  void object(GMimeObject* object, const Origin& origin, const std::string& path,
              std::uint32_t depth) {
    if (object == nullptr) return;
    const std::string type = content_type_of(object);
    if (GMIME_IS_MULTIPART(object)) {
      if (type == "multipart/report") {
        const std::string report_type = parameter_of(object, "report-type");
        if (report_type == "feedback-report") kind_.failure_report = true;
        if (report_type == "delivery-status") kind_.delivery_status = true;
        if (report_type == "tlsrpt") kind_.tls_report = true;
      }
      GMimeMultipart* multipart = GMIME_MULTIPART(object);
      const int count = g_mime_multipart_get_count(multipart);
      for (int i = 0; i < count; ++i) {
        const std::string child_path = (path.empty() ? "" : path + ".") + std::to_string(i + 1);
        this->object(g_mime_multipart_get_part(multipart, i), origin, child_path, depth);
      }
      return;
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
      GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
      if (inner == nullptr) return;
      const std::string id = id_of(inner);
      const Origin inner_origin =
          origin.child(id.empty() ? "forwarded message" : "forwarded message <" + id + ">");
      if (depth + 1 > max_depth_) {
        visitor_.too_deep(inner_origin);
        return;
      }
      message(inner, inner_origin, depth + 1);
      return;
    }
    if (!GMIME_IS_PART(object)) return;  // message/partial and other oddities
    GMimePart* part = GMIME_PART(object);
    const char* raw_name = g_mime_part_get_filename(part);
    const std::string filename = raw_name != nullptr ? core::to_valid_utf8(raw_name) : "";
    const std::string lower_name = core::ascii_lower(filename);

    if (type == "message/feedback-report") {
      kind_.failure_report = true;
      return;
    }
    if (type == "message/delivery-status" || type == "message/global-delivery-status") {
      kind_.delivery_status = true;
      return;
    }
    if (type.rfind("application/tlsrpt", 0) == 0 || ends_with(lower_name, ".json") ||
        ends_with(lower_name, ".json.gz")) {
      kind_.tls_report = true;
      return;
    }
    if (type == "text/html" || type == "text/rfc822-headers" || type == "text/enriched") return;

    const std::string name =
        !filename.empty() ? filename : (path.empty() ? "body" : "part " + path) + " (" + type + ")";
    std::string bytes = decoded_content(part);
    if (type == "text/plain" && filename.empty()) {
      // A human-readable body, unless it is a report pasted in.
      if (sniff(bytes) == Kind::kXml) visitor_.pasted_text(origin.child(name), std::move(bytes));
      return;
    }
    visitor_.attachment(origin.child(name), std::move(bytes));
  }

  void message(GMimeMessage* message, const Origin& origin, std::uint32_t depth) {
    object(g_mime_message_get_mime_part(message), origin, "", depth);
  }

  const MessageKind& kind() const { return kind_; }
  void mark_tls_report() { kind_.tls_report = true; }

 private:
  std::uint32_t max_depth_;
  PartVisitor& visitor_;
  MessageKind kind_;
};

}  // namespace

std::string MessageKind::describe() const {
  if (failure_report) return "failure report (ARF)";
  if (tls_report) return "TLS report (TLS-RPT)";
  if (delivery_status) return "delivery status notification";
  return "not a report";
}

namespace {

// Drops the message (whose parts read from the stream over `bytes`), then the array
// header; the data is the caller's, so it is left alone.
void release(void* message, void* bytes) {
  if (message != nullptr) g_object_unref(as_message(message));
  if (bytes != nullptr) g_byte_array_free(static_cast<GByteArray*>(bytes), FALSE);
}

}  // namespace

core::Result<MailMessage> MailMessage::parse(std::string_view bytes) {
  init_gmime();
  if (bytes.size() > G_MAXUINT) {  // a GByteArray's length is a guint
    return core::Error(core::ErrorCode::kLimit, "mail message larger than 4 GiB");
  }
  // g_mime_stream_mem_new_with_buffer would copy the message. A GByteArray that takes
  // the caller's bytes, with a stream that does not own it, reads them in place; GMime
  // only reads from it and neither the stream nor the array frees the data.
  auto* data = reinterpret_cast<guint8*>(const_cast<char*>(bytes.data()));
  GByteArray* array = g_byte_array_new_take(data, bytes.size());
  GMimeStream* stream = g_mime_stream_mem_new_with_byte_array(array);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
  GMimeParser* parser = g_mime_parser_new_with_stream(stream);
  g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
  GMimeMessage* message = g_mime_parser_construct_message(parser, nullptr);
  g_object_unref(parser);
  g_object_unref(stream);
  if (message == nullptr) {
    release(nullptr, array);
    return core::Error(core::ErrorCode::kCorrupt, "not a mail message (no headers)");
  }
  return MailMessage(message, array);
}

MailMessage::MailMessage(MailMessage&& other) noexcept
    : message_(other.message_), bytes_(other.bytes_) {
  other.message_ = nullptr;
  other.bytes_ = nullptr;
}

MailMessage& MailMessage::operator=(MailMessage&& other) noexcept {
  if (this != &other) {
    release(message_, bytes_);
    message_ = other.message_;
    bytes_ = other.bytes_;
    other.message_ = nullptr;
    other.bytes_ = nullptr;
  }
  return *this;
}

MailMessage::~MailMessage() { release(message_, bytes_); }

std::string MailMessage::message_id() const { return id_of(as_message(message_)); }

MessageKind MailMessage::visit(const Origin& origin, std::uint32_t max_depth,
                               PartVisitor& visitor) const {
  Walker walker(max_depth, visitor);
  GMimeMessage* message = as_message(message_);
  if (g_mime_object_get_header(GMIME_OBJECT(message), "TLS-Report-Domain") != nullptr) {
    walker.mark_tls_report();
  }
  walker.message(message, origin, 0);
  return walker.kind();
}

}  // namespace dmarcq::ingest
