#include "renew/ca_resilience.h"

#include "acme/problem.h"
#include "http/retry_after.h"

namespace acme {

std::optional<Seconds> ca_requested_wait(const Status& error, TimePoint now) {
  if (error.retry_after().empty()) return std::nullopt;
  auto wait = parse_retry_after(error.retry_after(), now);
  if (!wait.ok()) return std::nullopt;
  return clamp_seconds(*wait, Seconds(0), kMaxRetryAfter);
}

bool ca_unavailable(const Status& error) {
  return error.code() == Code::kNetwork || error.tag() == problem::kServerInternal;
}

bool count_ca_failure(const Status& error, std::size_t ca_count, int* ca_index, int* ca_failures) {
  if (!ca_unavailable(error)) {
    *ca_failures = 0;
    return false;
  }
  if (++*ca_failures < kFailoverAfter || ca_count < 2) return false;
  *ca_failures = 0;
  *ca_index = static_cast<int>((static_cast<std::size_t>(*ca_index) + 1) % ca_count);
  return true;
}

}  // namespace acme
