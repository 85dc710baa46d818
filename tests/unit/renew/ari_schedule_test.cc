#include "renew/ari_schedule.h"

#include <memory>
#include <string>

#include "base/time_format.h"
#include "renew/ari_test_util.h"
#include "schedule/ari_policy.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(AriSchedule) {
  RenewHarness h;
  std::unique_ptr<CaSession> session;
  TimePoint window_start, window_end;

  void setup() override {
    issue_live(h);
    session = h.session();
    window_start = h.clock.now() + 50 * kDay;
    window_end = window_start + 2 * kDay;
    h.ca.renewal_window = [this] { return std::make_pair(window_start, window_end); };
    h.ca.renewal_retry_after = "21600";
  }
  AriSchedule::Decision decide(double random01) {
    AriSchedule schedule(h.store, h.clock, h.log, [random01] { return random01; });
    return decide_with(schedule);
  }
  AriSchedule::Decision decide_with(AriSchedule & schedule) {
    auto live = read_live(h.store, h.cert.name);
    CHECK(live.ok());
    return schedule.decide(h.cert, *live, *session);
  }
};

// §4.2, §4.3: one request, a moment picked in the window (random 0.25 of two
// days: 12 h in), asked again after Retry-After; kept in ari/<name>.json.
TEST(AriSchedule, PicksOnceInTheWindowAndAsksAgainAfterRetryAfter) {
  AriSchedule schedule(h.store, h.clock, h.log, [] { return 0.25; });
  AriSchedule::Decision d = decide_with(schedule);
  LONGS_EQUAL(1, h.ca.renewal_info_requests());
  STRCMP_EQUAL(format_rfc3339(window_start + std::chrono::hours(12)).c_str(),
               format_rfc3339(d.renew_at).c_str());
  LONGS_EQUAL(to_unix(h.clock.now() + std::chrono::hours(6)), to_unix(d.next_poll));
  CHECK(d.basis.find("RFC 9773") != std::string::npos);
  CHECK(h.store.exists(layout::ari_file("a.example")));
  CHECK(h.log.contains("the CA suggests renewing between"));
  // Before next_poll: no request; the same moment.
  h.clock.advance(std::chrono::hours(5));
  LONGS_EQUAL(to_unix(d.renew_at), to_unix(decide_with(schedule).renew_at));
  LONGS_EQUAL(1, h.ca.renewal_info_requests());
  // After it: asked again; the same window keeps its moment.
  h.clock.advance(std::chrono::hours(2));
  LONGS_EQUAL(to_unix(d.renew_at), to_unix(decide_with(schedule).renew_at));
  LONGS_EQUAL(2, h.ca.renewal_info_requests());
}

// A watchdog restart: neither an early request nor a new random moment.
TEST(AriSchedule, ARestartKeepsTheChosenMomentAndThePollTime) {
  AriSchedule::Decision first = decide(0.25);
  AriSchedule::Decision after_restart = decide(0.9);
  LONGS_EQUAL(1, h.ca.renewal_info_requests());
  LONGS_EQUAL(to_unix(first.renew_at), to_unix(after_restart.renew_at));
  LONGS_EQUAL(to_unix(first.next_poll), to_unix(after_restart.next_poll));
}

TEST(AriSchedule, ANewWindowGetsANewMoment) {
  AriSchedule schedule(h.store, h.clock, h.log, [] { return 0.5; });
  decide_with(schedule);
  window_start = h.clock.now() + 10 * kDay;
  window_end = window_start + 4 * kDay;
  h.clock.advance(std::chrono::hours(7));
  STRCMP_EQUAL(format_rfc3339(window_start + 2 * kDay).c_str(),
               format_rfc3339(decide_with(schedule).renew_at).c_str());
}

TEST(AriSchedule, AWindowInThePastIsDueNow) {
  window_start = h.clock.now() - 2 * kDay;
  window_end = h.clock.now() - kDay;
  CHECK(decide(0.5).renew_at <= h.clock.now());
}

// No renewalInfo in the directory: ACMERenewWindow, nothing asked or written.
TEST(AriSchedule, WithoutRenewalInfoTheRenewWindowRules) {
  h.ca.renewal_window = nullptr;
  AriSchedule::Decision d = decide(0.25);
  auto live = read_live(h.store, h.cert.name);
  LONGS_EQUAL(
      to_unix(baseline_renewal_time(live->not_before, live->not_after, h.cert.renew_window)),
      to_unix(d.renew_at));
  LONGS_EQUAL(0, h.ca.renewal_info_requests());
  CHECK_FALSE(h.store.exists(layout::ari_file("a.example")));
  CHECK(d.basis.find("renew window") != std::string::npos);
}

// An unreachable CA: the last window still counts; asked again in an hour.
TEST(AriSchedule, AFailedRequestKeepsTheLastWindow) {
  AriSchedule schedule(h.store, h.clock, h.log, [] { return 0.25; });
  TimePoint chosen = decide_with(schedule).renew_at;
  h.clock.advance(std::chrono::hours(7));
  h.ca.fail_after = h.ca.requests_seen();
  AriSchedule::Decision d = decide_with(schedule);
  LONGS_EQUAL(to_unix(chosen), to_unix(d.renew_at));
  LONGS_EQUAL(to_unix(h.clock.now() + kAriErrorRetry), to_unix(d.next_poll));
  CHECK(h.log.contains("keeping the last window"));
}

// §4.3: a Retry-After below a minute is a minute.
TEST(AriSchedule, RetryAfterIsClamped) {
  h.ca.renewal_retry_after = "1";
  LONGS_EQUAL(to_unix(h.clock.now() + Seconds(60)), to_unix(decide(0.1).next_poll));
}

// A window far past the emergency time: renewed when a third of the renew
// window is left (90 days, 33%: about 10 days before expiry).
TEST(AriSchedule, LittleLifetimeLeftRenewsWhateverTheWindow) {
  auto live = read_live(h.store, h.cert.name);
  window_start = live->not_after - 2 * kDay;
  window_end = live->not_after - kDay;
  AriSchedule::Decision d = decide(0.5);
  TimePoint emergency =
      emergency_renewal_time(live->not_before, live->not_after, h.cert.renew_window);
  LONGS_EQUAL(to_unix(emergency), to_unix(d.renew_at));
  CHECK(live->not_after - emergency > 10 * kDay - std::chrono::hours(1));
  CHECK(live->not_after - emergency < 10 * kDay + std::chrono::hours(1));
  CHECK(d.basis.find("little lifetime left") != std::string::npos);
}

TEST(AriSchedule, RecordRoundTripsThroughJson) {
  AriRecord r;
  r.cert_id = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";
  r.has_window = true;
  r.window_start = from_unix(1767225600);
  r.window_end = from_unix(1767312000);
  r.chosen = from_unix(1767270000);
  r.next_poll = from_unix(1767247200);
  r.explanation_url = "https://ca.test/why";
  auto back = parse_ari_record(ari_record_json(r));
  CHECK(back.ok());
  STRCMP_EQUAL(r.cert_id.c_str(), back->cert_id.c_str());
  CHECK(back->has_window);
  LONGS_EQUAL(1767225600, to_unix(back->window_start));
  LONGS_EQUAL(1767312000, to_unix(back->window_end));
  LONGS_EQUAL(1767270000, to_unix(back->chosen));
  LONGS_EQUAL(1767247200, to_unix(back->next_poll));
  STRCMP_EQUAL(r.explanation_url.c_str(), back->explanation_url.c_str());
}
