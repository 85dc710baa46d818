// Status and Result<T>: how every function of the core reports failure.
//
// The core never throws across its API. A Status carries a code an ACME
// client can act on (retry later, give up, fix the configuration) and a
// message written for an admin: it names the thing, the cause and the fix.
// Result<T> holds either a value or a non-ok Status (the StatusOr idea).
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace acme {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // bad input from configuration or caller; fix it, do not retry
  kNotFound,         // file, slot, account, resource missing
  kIo,               // file system failure (full disk, permissions)
  kCrypto,           // OpenSSL failure
  kNetwork,          // transport failure talking to a CA; retry later
  kProtocol,         // the CA answered something that does not follow RFC 8555
  kProblem,          // the CA answered an RFC 8555 problem document
  kVerifyFailed,     // a certificate set failed verification
  kTimeout,          // a bounded wait ran out
  kPending,          // not failed: still running in the background (a hook); call again later
};

const char* code_name(Code code);

// [[nodiscard]]: an error nobody looked at is a bug; a call whose failure
// truly does not matter says why with a (void) cast and a comment.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}
  // tag: a machine-readable detail, e.g. the RFC 8555 problem type URN.
  Status(Code code, std::string message, std::string tag)
      : code_(code), message_(std::move(message)), tag_(std::move(tag)) {}

  static Status ok_status() { return Status(); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& tag() const { return tag_; }
  // The Retry-After header (RFC 9110 §10.2.3) of the answer this error came
  // from, as sent (delta-seconds or HTTP-date); "" when there was none. The
  // caller with a clock decides how long that is (renew/ca_errors.h).
  const std::string& retry_after() const { return retry_after_; }
  Status with_retry_after(std::string value) const;

  // Prefixes context ("ordering a.example: ") to the message, keeping the code.
  Status with_context(const std::string& context) const;

  std::string to_string() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  std::string tag_;
  std::string retry_after_;
};

// Reached through a Result that holds an error: a bug, never a recoverable
// condition. Says which error was ignored, then aborts (even in release
// builds: the alternative is undefined behaviour).
[[noreturn]] void die_on_error_result(const Status& status);

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return checked(); }
  const T& value() const& { return checked(); }
  T&& value() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &checked(); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return checked(); }

 private:
  T& checked() {
    if (!value_) die_on_error_result(status_);
    return *value_;
  }
  const T& checked() const {
    if (!value_) die_on_error_result(status_);
    return *value_;
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace acme

// Returns early with the Status of a failed expression (Status or Result).
#define ACME_RETURN_IF_ERROR(expr)                                        \
  do {                                                                    \
    const auto& acme_status_ = (expr);                                    \
    if (!acme_status_.ok()) return ::acme::internal_status(acme_status_); \
  } while (0)

namespace acme {
inline const Status& internal_status(const Status& s) {
  return s;
}
template <class T>
const Status& internal_status(const Result<T>& r) {
  return r.status();
}
}  // namespace acme
