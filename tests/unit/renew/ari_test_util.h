// What the ARI, Retry-After, profile and failover tests of renew/ share: a
// live certificate issued by the FakeAcmeCa (so it has an AKI and a certID
// the fake knows), and HTTP-dates for Retry-After.
#pragma once

#include <ctime>
#include <string>

#include "certset/cert_files.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

namespace acme {
namespace testing {

// a.example issued by the fake CA and promoted into live/ as the parent does.
inline void issue_live(RenewHarness& h) {
  auto session = h.session();
  auto job = h.job();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  auto promoted = promote_staged(h.store, h.cert, HttpdVersion{2, 4, 62}, h.clock.now(), h.log);
  CHECK_TEXT(promoted.ok() && *promoted, h.log_text().c_str());
}

// RFC 9110 §5.6.7 IMF-fixdate.
inline std::string http_date(TimePoint t) {
  std::time_t secs = static_cast<std::time_t>(to_unix(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace testing
}  // namespace acme
