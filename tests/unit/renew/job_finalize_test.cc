// A job finalizes its order when it would have polled it for "ready"
// (RFC 8555 §7.4): against a CA that validates and issues asynchronously, as
// pebble and Boulder do, one order costs one request fewer.
#include <map>
#include <string>

#include "renew/job.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

// "https://ca.test/order/0/finalize" -> "order/finalize"; "/new-order" -> "new-order".
std::string endpoint(const std::string& url) {
  std::string path = url.substr(std::string(FakeAcmeCa::kBase).size() + 1);
  std::string kind;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] >= '0' && path[i] <= '9') continue;
    if (path[i] == '/' && !kind.empty() && kind.back() == '/') continue;
    kind += path[i];
  }
  if (!kind.empty() && kind.back() == '/') kind.pop_back();
  return kind;
}

}  // namespace

TEST_GROUP(JobFinalize) {
  RenewHarness h;
  std::map<std::string, int> seen;  // requests by endpoint, from the newOrder on
  std::unique_ptr<CaSession> session;
  std::unique_ptr<RenewalJob> job;

  void setup() override {
    h.ca.defer_validation = true;
    h.ca.issue_on_poll = true;
    h.cert.names = {"a.example"};
    h.ca.on_request = [this](const HttpRequest& r) {
      if (r.url == std::string(FakeAcmeCa::kBase) + "/new-order" || !seen.empty())
        ++seen[endpoint(r.url)];
    };
    session = h.session();
    job = h.job();
  }
  int requests() const {
    int n = 0;
    for (const auto& [kind, count] : seen) n += count;
    return n;
  }
  // One step at the time the job asked for.
  RenewalJob::Outcome step() {
    RenewalJob::Outcome outcome = job->step(*session);
    if (outcome.next > h.clock.now()) h.clock.set(outcome.next);
    return outcome;
  }
};

// newOrder, authorization, challenge, finalize, the order fetch that sees
// "valid", download: no order fetch that sees "ready" (was 7).
TEST(JobFinalize, AnOrderCostsSixRequestsAgainstAnAsynchronousCa) {
  step();  // order, authorization, answer, challenge
  LONGS_EQUAL(3, requests());
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(6, requests());
  LONGS_EQUAL(1, seen["order/finalize"]);
  LONGS_EQUAL(1, seen["order"]);
  LONGS_EQUAL(1, seen["cert"]);
  LONGS_EQUAL(1, h.ca.certificates_issued());
}

// The finalize ends the wait for validation as a poll that found "ready"
// did: its length paces the next orders' first polls (PollPace).
TEST(JobFinalize, TheAcceptedFinalizeEndsTheWaitForValidation) {
  const TimePoint answered = h.clock.now();
  step();
  LONGS_EQUAL(100, session->poll_pace().first("pending").count());  // nothing known yet
  h.clock.set(answered + Millis(1500));
  h.ca.run_validations();
  step();  // the finalize, accepted: the order is processing
  LONGS_EQUAL(1, seen["order/finalize"]);
  LONGS_EQUAL(0, seen["order"]);
  CHECK(session->poll_pace().first("pending") > Millis(1000));  // 4/5 of 1.5 s
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
}

// Finalized too early: orderNotReady (RFC 8555 §7.4) is no failure; it
// stands for the poll that would have found the order pending, and the order
// is polled from then on. As many requests as polling for "ready" from the
// start (order fetches: pending, ready, valid; one finalize).
TEST(JobFinalize, AFinalizeBeforeTheOrderIsReadyPollsTheOrderThenFinishes) {
  step();
  RenewalJob::Outcome refused = step();  // the CA has not validated yet
  CHECK_TEXT(h.ca.last_problem().find("orderNotReady") != std::string::npos,
             h.ca.last_problem().c_str());
  CHECK_FALSE(refused.staged);
  LONGS_EQUAL(0, job->state().failures);
  LONGS_EQUAL(4, requests());
  step();  // polled: still pending
  LONGS_EQUAL(1, seen["order"]);
  LONGS_EQUAL(1, seen["order/finalize"]);
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(0, job->state().failures);
  LONGS_EQUAL(2, seen["order/finalize"]);  // refused, then accepted
  LONGS_EQUAL(3, seen["order"]);
  LONGS_EQUAL(9, requests());
  LONGS_EQUAL(1, h.ca.orders_created());
}

// The validation failed: the finalize is refused, the next poll finds the
// order invalid, and the failure names the CA's reason as before.
TEST(JobFinalize, AnOrderThatWentInvalidFailsWithTheValidationError) {
  h.ca.invalid_challenge = true;
  step();
  h.ca.run_validations();
  RenewalJob::Outcome outcome = run_job(*job, *session, h.clock);
  CHECK_FALSE(outcome.staged);
  LONGS_EQUAL(1, job->state().failures);
  LONGS_EQUAL(1, seen["order/finalize"]);  // refused: orderNotReady
  LONGS_EQUAL(1, seen["order"]);           // found invalid
  CHECK_TEXT(h.log.contains("order for a.example is invalid: a.example: "), h.log_text().c_str());
  CHECK(h.log.contains("the key authorization served for a.example is wrong"));
  CHECK(job->state().order_url.empty());
  LONGS_EQUAL(0, h.ca.certificates_issued());
}

// After a restart nothing of the order is in memory: the resumed job fetches
// it first (pending), and finalizes instead of its next poll.
TEST(JobFinalize, AResumedOrderIsFetchedFirst) {
  step();
  job = h.job();  // a new process: the job file only
  CHECK(job->resumed());
  step();
  LONGS_EQUAL(1, seen["order"]);
  LONGS_EQUAL(0, seen["order/finalize"]);
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(1, seen["order/finalize"]);
  LONGS_EQUAL(2, seen["order"]);  // pending at the resume, then valid
}

// A finalize the CA refuses for another reason fails the order as before,
// with the CA's reason; the order's fetch tells that the refusal stands
// (the order is invalid) and that the CA follows §7.4 otherwise.
TEST(JobFinalize, ARefusedFinalizeFailsAsBefore) {
  h.ca.refuse_finalize = "badCSR";
  step();
  h.ca.run_validations();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  LONGS_EQUAL(1, job->state().failures);
  CHECK_TEXT(job->state().last_error.find("refused by the test") != std::string::npos,
             job->state().last_error.c_str());
  LONGS_EQUAL(1, seen["order/finalize"]);
  LONGS_EQUAL(1, seen["order"]);  // invalid: the refusal stands
  CHECK(job->state().order_url.empty());
  CHECK(session->finalizes_early());
}

// A CA that refuses a pending order's finalize with another problem than
// orderNotReady (an older Boulder said "malformed") fails no order for it:
// the order is polled as before, and the CA's next orders are polled for
// "ready" before their finalize.
TEST(JobFinalize, ACaThatRefusesAnEarlyFinalizeOtherwiseIsPolledFirstFromThenOn) {
  h.ca.not_ready_problem = "malformed";
  step();
  step();  // the early finalize, refused: the CA has not validated yet
  LONGS_EQUAL(0, job->state().failures);
  CHECK_FALSE(session->finalizes_early());
  CHECK(h.log.contains("instead of orderNotReady"));
  LONGS_EQUAL(1, seen["order"]);  // pending: the CA's refusal did not say so
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(0, job->state().failures);
  LONGS_EQUAL(2, seen["order/finalize"]);  // refused early, then accepted when ready

  h.cert.names = {"b.example"};  // the same CA's next order
  job = h.job();
  seen.clear();
  step();
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(1, seen["order/finalize"]);
  LONGS_EQUAL(2, seen["order"]);  // ready, then valid: polled first
}
