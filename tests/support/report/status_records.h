// Status records for unit tests: a certificate that is well, as the
// watchdog would record it `now`, for tests to start from and change.
#pragma once

#include <chrono>
#include <string>

#include "base/clock.h"
#include "report/status_record.h"

namespace acme {
namespace testing {

// name and www.<name>, p256, state valid; issued a day before now, expiring
// in 59 days, renewal due in 39; renewed 5 s after issue; OCSP good for 3 days.
inline StatusRecord valid_status_record(TimePoint now, const std::string& name) {
  const std::chrono::hours day(24);
  StatusRecord r;
  r.name = name;
  r.names = {name, "www." + name};
  r.key_type = "p256";
  r.state = "valid";
  r.serial = "0A1B2C";
  r.not_before = now - day;
  r.not_after = now + 59 * day;
  r.next_renewal = now + 39 * day;
  r.last_success = now - day + std::chrono::seconds(5);
  r.ocsp_status = "good";
  r.ocsp_next_update = now + 3 * day;
  r.updated = now;
  return r;
}

}  // namespace testing
}  // namespace acme
