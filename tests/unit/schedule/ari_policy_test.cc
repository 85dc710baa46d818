#include "schedule/ari_policy.h"

#include <cmath>

#include "base/time_format.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const TimePoint kStart = from_unix(1767225600);  // 2026-01-01T00:00:00Z
constexpr auto kDay = std::chrono::hours(24);

RenewWindow third() {
  return RenewWindow();  // the default: 33%
}

std::string at(TimePoint t) {
  return format_rfc3339(t);
}

}  // namespace

TEST_GROUP(AriPolicy){};

// RFC 9773 §4.2: uniformly random inside the window; the random source is
// fixed here, so the moment is exact.
TEST(AriPolicy, PicksUniformlyInsideTheWindow) {
  const TimePoint start = kStart + 60 * kDay, end = kStart + 62 * kDay;
  STRCMP_EQUAL(at(start).c_str(), at(pick_in_window(start, end, 0.0)).c_str());
  STRCMP_EQUAL(at(start + kDay / 2).c_str(), at(pick_in_window(start, end, 0.25)).c_str());
  STRCMP_EQUAL(at(start + kDay).c_str(), at(pick_in_window(start, end, 0.5)).c_str());
  CHECK(pick_in_window(start, end, 1.0) < end);
  CHECK(pick_in_window(start, end, 0.999999) >= start);
  CHECK(pick_in_window(start, end, std::nan("")) == start);
  CHECK(pick_in_window(end, start, 0.5) == end);  // not a window: its start
}

TEST(AriPolicy, WithoutAriTheRenewWindowRules) {
  const TimePoint nb = kStart, na = kStart + 90 * kDay;
  STRCMP_EQUAL(at(renewal_time(nb, na, third())).c_str(),
               at(ari_renewal_time(nb, na, third(), std::nullopt)).c_str());
  STRCMP_EQUAL(at(kStart + 60 * kDay).c_str(),
               at(ari_renewal_time(nb, na, third(), std::nullopt)).c_str());
  RenewWindow thirty_days = *parse_renew_window("30d");
  STRCMP_EQUAL(at(kStart + 60 * kDay).c_str(),
               at(ari_renewal_time(nb, na, thirty_days, std::nullopt)).c_str());
}

TEST(AriPolicy, TheChosenTimeRulesEvenAfterTheRenewWindow) {
  const TimePoint nb = kStart, na = kStart + 90 * kDay;
  // Earlier than ACMERenewWindow (the CA wants it early, e.g. before a revocation).
  STRCMP_EQUAL(at(kStart + 10 * kDay).c_str(),
               at(ari_renewal_time(nb, na, third(), kStart + 10 * kDay)).c_str());
  // Later than ACMERenewWindow, still before the emergency.
  STRCMP_EQUAL(at(kStart + 75 * kDay).c_str(),
               at(ari_renewal_time(nb, na, third(), kStart + 75 * kDay)).c_str());
}

// A window in the past gives a moment in the past: due now.
TEST(AriPolicy, WindowInThePastMeansNow) {
  const TimePoint nb = kStart - 30 * kDay, na = kStart + 60 * kDay, now = kStart;
  TimePoint chosen = pick_in_window(now - 3 * kDay, now - 2 * kDay, 0.7);
  CHECK(ari_renewal_time(nb, na, third(), chosen) <= now);
}

// Whatever the CA says, renew when a third of the renew window is left: for
// 90 days and 33% that is 10 days before expiry.
TEST(AriPolicy, EmergencyBeatsALateWindow) {
  const TimePoint nb = kStart, na = kStart + 90 * kDay;
  STRCMP_EQUAL(at(na - 10 * kDay).c_str(), at(emergency_renewal_time(nb, na, third())).c_str());
  STRCMP_EQUAL(at(na - 10 * kDay).c_str(),
               at(ari_renewal_time(nb, na, third(), na - kDay)).c_str());
  // A small renew window: at least a day, at most half of the window.
  RenewWindow two_days = *parse_renew_window("2d");
  STRCMP_EQUAL(at(na - kDay).c_str(), at(emergency_renewal_time(nb, na, two_days)).c_str());
  RenewWindow one_hour = *parse_renew_window("1h");
  STRCMP_EQUAL(at(na - std::chrono::minutes(30)).c_str(),
               at(emergency_renewal_time(nb, na, one_hour)).c_str());
}

// Under ten days of lifetime: at half of it at the latest.
TEST(AriPolicy, ShortLivedCertificatesRenewAtHalfTheirLifetime) {
  const TimePoint nb = kStart, na = kStart + 6 * kDay;
  STRCMP_EQUAL(at(kStart + 3 * kDay).c_str(), at(baseline_renewal_time(nb, na, third())).c_str());
  // A renew window that asks for more margin still wins.
  RenewWindow most = *parse_renew_window("80%");
  CHECK(baseline_renewal_time(nb, na, most) < kStart + 3 * kDay);
  // Forty seconds: renewed after twenty, emergency ten seconds before the end.
  const TimePoint end = kStart + Seconds(40);
  STRCMP_EQUAL(at(kStart + Seconds(20)).c_str(),
               at(baseline_renewal_time(nb, end, third())).c_str());
  STRCMP_EQUAL(at(kStart + Seconds(30)).c_str(),
               at(emergency_renewal_time(nb, end, third())).c_str());
  // Ten days or more: the renew window alone.
  STRCMP_EQUAL(at(renewal_time(nb, kStart + 10 * kDay, third())).c_str(),
               at(baseline_renewal_time(nb, kStart + 10 * kDay, third())).c_str());
}
