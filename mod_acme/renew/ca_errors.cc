#include "renew/ca_errors.h"

#include "acme/problem.h"
#include "http/retry_after.h"
#include "schedule/ca_resilience.h"

namespace acme {

std::optional<Seconds> ca_requested_wait(const Status& error, TimePoint now) {
  if (error.retry_after().empty()) return std::nullopt;
  auto wait = parse_retry_after(error.retry_after(), now);
  if (!wait.ok()) return std::nullopt;
  return clamp_ca_wait(*wait);
}

bool ca_unavailable(const Status& error) {
  return error.code() == Code::kNetwork || error.tag() == problem::kServerInternal;
}

}  // namespace acme
