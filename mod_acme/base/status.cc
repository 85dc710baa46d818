#include "base/status.h"

#include <cstdio>
#include <cstdlib>

namespace acme {

void die_on_error_result(const Status& status) {
  std::fprintf(stderr, "mod_acme: bug: the value of a failed Result was used (%s)\n",
               status.to_string().c_str());
  std::abort();
}

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid argument";
    case Code::kNotFound:
      return "not found";
    case Code::kIo:
      return "i/o error";
    case Code::kCrypto:
      return "crypto error";
    case Code::kNetwork:
      return "network error";
    case Code::kProtocol:
      return "protocol error";
    case Code::kProblem:
      return "CA problem";
    case Code::kVerifyFailed:
      return "verification failed";
    case Code::kTimeout:
      return "timeout";
    case Code::kPending:
      return "pending";
  }
  return "unknown";
}

Status Status::with_context(const std::string& context) const {
  if (ok()) return *this;
  Status out(code_, context + ": " + message_, tag_);
  out.retry_after_ = retry_after_;
  return out;
}

Status Status::with_retry_after(std::string value) const {
  Status out = *this;
  out.retry_after_ = std::move(value);
  return out;
}

std::string Status::to_string() const {
  if (ok()) return "ok";
  return std::string(code_name(code_)) + ": " + message_;
}

}  // namespace acme
