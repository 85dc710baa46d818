// Which challenge responders a job uses: exactly the ones it is given.
#include <memory>
#include <vector>

#include "renew/job.h"
#include "renew/renew_test_util.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(JobResponders){};

namespace {

// A job of h's certificate with exactly these responders, loaded.
std::unique_ptr<RenewalJob> job_with(RenewHarness& h, std::vector<ChallengeResponder*> responders) {
  auto job = std::make_unique<RenewalJob>(
      h.cert, h.store, h.table, h.activation, h.clock, h.log, [] { return 0.5; },
      std::move(responders));
  job->load();
  return job;
}

}  // namespace

// ACMEChallenges naming only types this server cannot answer: the job must
// fail locally, never fall back to http-01 behind the admin's back.
TEST(JobResponders, NoUsableResponderFailsWithoutAnsweringAnything) {
  RenewHarness h;
  auto session = h.session();
  auto job = job_with(h, {});
  run_job(*job, *session, h.clock);
  LONGS_EQUAL(1, job->state().failures);
  CHECK_TEXT(h.log.contains("usable here: none"), h.log_text().c_str());
  LONGS_EQUAL(0, h.table.used());
  LONGS_EQUAL(0, h.ca.certificates_issued());
}

TEST(JobResponders, GivenHttp01ResponderIsUsed) {
  RenewHarness h;
  auto session = h.session();
  Http01Responder http01(h.table);
  auto job = job_with(h, {&http01});
  CHECK(run_job(*job, *session, h.clock).staged);
}

namespace {

// http-01 whose publish answers kPending a few times first, as dns-01 does
// while its setup program runs.
class SlowResponder : public Http01Responder {
 public:
  explicit SlowResponder(ChallengeTable& table, int pending)
      : Http01Responder(table), pending_(pending) {}
  Status publish(const Identifier& id, const std::string& token,
                 const std::string& key_authorization) override {
    ++calls;
    if (pending_-- > 0) return Status(Code::kPending, "setup running");
    return Http01Responder::publish(id, token, key_authorization);
  }
  int calls = 0;

 private:
  int pending_;
};

}  // namespace

// A responder still at work is no failure: the job asks again soon, and
// answers the other authorizations meanwhile.
TEST(JobResponders, PendingPublishIsAskedAgainNotFailed) {
  RenewHarness h;
  auto session = h.session();
  SlowResponder slow(h.table, 3);
  auto job = job_with(h, {&slow});
  const TimePoint before = h.clock.now();
  RenewalJob::Outcome first = job->step(*session);
  LONGS_EQUAL(0, job->state().failures);
  CHECK(first.next > before && first.next <= before + Seconds(1));
  CHECK(slow.calls >= 2);  // a.example and www.a.example both asked in one step
  CHECK(run_job(*job, *session, h.clock).staged);
  LONGS_EQUAL(0, job->state().failures);
}

// No finalize while an answer is still being set up (dns-01's program, a
// cluster waiting for its nodes): the CA was not told to validate it yet.
// The order is polled meanwhile; the finalize comes once every challenge
// went out.
TEST(JobResponders, NoFinalizeBeforeEveryChallengeWasSent) {
  RenewHarness h;
  h.ca.defer_validation = true;
  auto session = h.session();
  SlowResponder slow(h.table, 4);
  auto job = job_with(h, {&slow});
  int challenges = 0, finalizes_early = 0, finalizes = 0;
  h.ca.on_request = [&](const HttpRequest& r) {
    if (r.url.find("/chall/") != std::string::npos) ++challenges;
    if (r.url.find("/finalize") == std::string::npos) return;
    ++finalizes;
    if (challenges < 2) ++finalizes_early;
  };
  for (int i = 0; i < 20 && challenges < 2; ++i) {
    RenewalJob::Outcome outcome = job->step(*session);
    LONGS_EQUAL(0, job->state().failures);
    if (outcome.next > h.clock.now()) h.clock.set(outcome.next);
  }
  LONGS_EQUAL(2, challenges);
  LONGS_EQUAL(0, finalizes);
  h.ca.run_validations();
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(0, finalizes_early);
  LONGS_EQUAL(1, finalizes);
}
