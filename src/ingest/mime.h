// Private to ingest/: reading one mail message with GMime and visiting the parts that
// may hold a report.
#ifndef DMARCQ_INGEST_MIME_H_
#define DMARCQ_INGEST_MIME_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "ingest/ingest.h"

namespace dmarcq::ingest {

// Receives the parts of a message that may hold a report, decoded (base64,
// quoted-printable) but not unpacked.
class PartVisitor {
 public:
  virtual ~PartVisitor() = default;
  // An attachment or inline part other than text (or text/xml): the unpacker decides
  // by its bytes what it is.
  virtual void attachment(const Origin& origin, std::string bytes) = 0;
  // A text/plain part whose bytes are XML: a report pasted as the message body.
  virtual void pasted_text(const Origin& origin, std::string bytes) = 0;
  // A message/rfc822 part nested deeper than the limit.
  virtual void too_deep(const Origin& origin) = 0;
};

// What a message turned out to be when it carries no report.
struct MessageKind {
  bool failure_report = false;   // ARF (RFC 5965/6591): multipart/report feedback-report
  bool tls_report = false;       // SMTP TLS report (RFC 8460)
  bool delivery_status = false;  // bounce (multipart/report delivery-status)

  // "failure report (ARF)", "TLS report (TLS-RPT)", "delivery status notification"
  // or "not a report".
  std::string describe() const;
};

// One parsed message. GMime objects are reference-counted GLib objects; this owns
// its references.
class MailMessage {
 public:
  // GMime is lenient by design (it parses anything into some message), so this only
  // fails for bytes that hold no message at all. The bytes are read in place, not
  // copied (a message can be as large as a report): they must outlive the MailMessage.
  static core::Result<MailMessage> parse(std::string_view bytes);

  MailMessage(MailMessage&&) noexcept;
  MailMessage& operator=(MailMessage&&) noexcept;
  ~MailMessage();

  // Message-ID without angle brackets, made safe for one line; empty when absent.
  std::string message_id() const;

  // Visits every leaf under the message, recursing into multiparts and into
  // message/rfc822 parts up to `max_depth` levels of forwarding; `origin` names the
  // message itself.
  MessageKind visit(const Origin& origin, std::uint32_t max_depth, PartVisitor& visitor) const;

 private:
  MailMessage(void* message, void* bytes) : message_(message), bytes_(bytes) {}
  void* message_;  // GMimeMessage*
  void* bytes_;    // GByteArray* over the caller's bytes, which it does not own
};

}  // namespace dmarcq::ingest

#endif  // DMARCQ_INGEST_MIME_H_
