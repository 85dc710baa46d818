#include "base/status.h"

#include <cstdio>
#include <cstdlib>

#include "base/enum_names.h"

namespace acme {

namespace {

constexpr EnumName<Code> kCodeNames[] = {
    {Code::kOk, "ok"},
    {Code::kInvalidArgument, "invalid argument"},
    {Code::kNotFound, "not found"},
    {Code::kIo, "i/o error"},
    {Code::kCrypto, "crypto error"},
    {Code::kNetwork, "network error"},
    {Code::kProtocol, "protocol error"},
    {Code::kProblem, "CA problem"},
    {Code::kVerifyFailed, "verification failed"},
    {Code::kTimeout, "timeout"},
    {Code::kPending, "pending"},
};

}  // namespace

void die_on_error_result(const Status& status) {
  std::fprintf(stderr, "mod_acme: bug: the value of a failed Result was used (%s)\n",
               status.to_string().c_str());
  std::abort();
}

const char* code_name(Code code) {
  return name_of(code, kCodeNames, "unknown");
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
