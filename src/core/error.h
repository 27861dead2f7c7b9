// Errors as values: every module returns Result<T> instead of throwing, so a bad
// input never unwinds through the pipeline and each failure carries where it happened.
#ifndef DMARCQ_CORE_ERROR_H_
#define DMARCQ_CORE_ERROR_H_

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace dmarcq::core {

enum class ErrorCode {
  kIo,           // reading a file or stream failed
  kCorrupt,      // bytes that do not form what they claim (broken gzip, bad XML)
  kLimit,        // a configured resource limit was hit (size, depth, members)
  kUnsupported,  // a well-formed input we do not handle (unknown encoding, format)
  kInvalid,      // content that breaks the report's rules (missing field, bad number)
  kDb,           // the database refused an operation
  kUsage,        // the caller asked for something impossible (bad option value)
  kNotReport,    // well-formed or not, the bytes are some other kind of document
};

const char* error_code_name(ErrorCode code);

// An error with the chain of places it happened in, outermost first:
// ["inbox.mbox", "message 42", "report.zip", "line 17"]. The chain is what the user
// needs to find the bad bytes, so every layer that knows a place adds it.
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::vector<std::string>& context() const { return context_; }

  // Adds an outer place (a caller knows a wider scope than the callee).
  Error& within(std::string place) {
    context_.insert(context_.begin(), std::move(place));
    return *this;
  }
  // Adds an inner place (e.g. the line the parser was at).
  Error& at(std::string place) {
    context_.push_back(std::move(place));
    return *this;
  }

  // "a › b › c: message"
  std::string to_string() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::vector<std::string> context_;
};

// T or an Error. C++20 has no std::expected; this is the small part of it we need.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  Error& error() & { return std::get<1>(v_); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT

  bool ok() const { return !has_error_; }
  explicit operator bool() const { return ok(); }
  Error& error() & { return error_; }
  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }

 private:
  Error error_{ErrorCode::kInvalid, ""};
  bool has_error_ = false;
};

using Status = Result<void>;

}  // namespace dmarcq::core

#endif  // DMARCQ_CORE_ERROR_H_
