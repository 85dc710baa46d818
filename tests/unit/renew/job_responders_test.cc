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

// ACMEChallenges naming only types this server cannot answer: the job must
// fail locally, never fall back to http-01 behind the admin's back.
TEST(JobResponders, NoUsableResponderFailsWithoutAnsweringAnything) {
  RenewHarness h;
  auto session = h.session();
  RenewalJob job(
      h.cert, h.store, h.table, h.clock, h.log, [] { return 0.5; },
      std::vector<ChallengeResponder*>{});
  CHECK(job.load().ok());
  run_job(job, *session, h.clock);
  LONGS_EQUAL(1, job.state().failures);
  CHECK_TEXT(h.log.contains("usable here: none"), h.log_text().c_str());
  LONGS_EQUAL(0, h.table.used());
  LONGS_EQUAL(0, h.ca.certificates_issued());
}

TEST(JobResponders, GivenHttp01ResponderIsUsed) {
  RenewHarness h;
  auto session = h.session();
  Http01Responder http01(h.table);
  RenewalJob job(
      h.cert, h.store, h.table, h.clock, h.log, [] { return 0.5; },
      std::vector<ChallengeResponder*>{&http01});
  CHECK(job.load().ok());
  CHECK(run_job(job, *session, h.clock).staged);
}
