// RenewalJob against a CA that rate-limits with Retry-After, knows the
// certificate being replaced (RFC 9773 §5), offers profiles, or is down
// (failover to the next ACMECertificateAuthority).
#include <memory>
#include <string>

#include "acme/problem.h"
#include "fakes/fake_http_client.h"
#include "renew/ari_test_util.h"
#include "renew/ca_errors.h"
#include "renew/job.h"
#include "schedule/ca_resilience.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kErr = "urn:ietf:params:acme:error:";

std::string replaces_of(const Json& order) {
  return order.get_string_or("replaces", "");
}

}  // namespace

TEST_GROUP(RenewalJobRetryAfter) {
  RenewHarness h;
};

// RFC 8555 §6.6: the next attempt comes no earlier than the CA asked, even
// when the backoff would be sooner (600 s jittered with 0.25: 375 s).
TEST(RenewalJobRetryAfter, DeltaSecondsDelaysTheNextAttempt) {
  h.ca.rate_limited_orders = 1;
  h.ca.rate_limit_retry_after = "7200";
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  LONGS_EQUAL(to_unix(h.clock.now() + Seconds(7200)), to_unix(job->state().next_attempt));
  CHECK(h.log.contains("rateLimited"));
  CHECK(h.log.contains("next try in 2h (the CA asked for Retry-After 2h)"));
  // Answered by waiting: one newOrder, not a burst of retries.
  LONGS_EQUAL(1, h.ca.order_requests().size());
  h.clock.set(job->state().next_attempt);
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
}

TEST(RenewalJobRetryAfter, HttpDateDelaysTheNextAttempt) {
  h.ca.rate_limited_orders = 1;
  h.ca.rate_limit_retry_after = http_date(h.clock.now() + std::chrono::hours(3));
  auto session = h.session();
  auto job = h.job();
  run_job(*job, *session, h.clock);
  LONGS_EQUAL(to_unix(h.clock.now() + std::chrono::hours(3)), to_unix(job->state().next_attempt));
}

TEST(RenewalJobRetryAfter, ClampedToADay) {
  h.ca.rate_limited_orders = 1;
  h.ca.rate_limit_retry_after = "31536000";  // a year
  auto session = h.session();
  auto job = h.job();
  run_job(*job, *session, h.clock);
  LONGS_EQUAL(to_unix(h.clock.now() + kMaxRetryAfter), to_unix(job->state().next_attempt));
}

// A Retry-After shorter than the backoff does not shorten it; without one
// the backoff alone counts.
TEST(RenewalJobRetryAfter, ShortOrAbsentRetryAfterKeepsTheBackoff) {
  h.ca.rate_limited_orders = 2;
  h.ca.rate_limit_retry_after = "10";
  auto session = h.session();
  auto job = h.job(0.5);
  run_job(*job, *session, h.clock);
  LONGS_EQUAL(to_unix(h.clock.now() + Seconds(450)), to_unix(job->state().next_attempt));
  h.ca.rate_limit_retry_after = "";
  h.clock.set(job->state().next_attempt);
  run_job(*job, *session, h.clock);
  LONGS_EQUAL(to_unix(h.clock.now() + Seconds(900)), to_unix(job->state().next_attempt));
  CHECK_FALSE(h.log.contains("(the CA asked for Retry-After 0s)"));
}

TEST(RenewalJobRetryAfter, StateRoundTripsTheCurrentCa) {
  JobState s;
  s.ca_index = 1;
  s.ca_failures = 2;
  auto back = parse_job_state(job_state_json(s));
  CHECK(back.ok());
  LONGS_EQUAL(1, back->ca_index);
  LONGS_EQUAL(2, back->ca_failures);
}

// ---------------------------------------------------------------------------

TEST_GROUP(RenewalJobReplaces) {
  RenewHarness h;
  std::string first_id;

  void setup() override {
    issue_live(h);
    first_id = h.ca.cert_id(101);
    h.ca.renewal_window = [this] {
      return std::make_pair(h.clock.now() - kDay, h.clock.now() - std::chrono::hours(1));
    };
  }
  bool renew() {
    auto session = h.session();
    auto job = h.job();
    return run_job(*job, *session, h.clock).staged;
  }
};

// RFC 9773 §5: the renewal names the certificate it replaces.
TEST(RenewalJobReplaces, TheOrderCarriesTheLiveCertId) {
  CHECK_TEXT(renew(), h.log_text().c_str());
  LONGS_EQUAL(2, h.ca.order_requests().size());
  STRCMP_EQUAL("", replaces_of(h.ca.order_requests()[0]).c_str());
  STRCMP_EQUAL(first_id.c_str(), replaces_of(h.ca.order_requests()[1]).c_str());
}

TEST(RenewalJobReplaces, NotSentToACaWithoutRenewalInfo) {
  h.ca.renewal_window = nullptr;
  CHECK(renew());
  STRCMP_EQUAL("", replaces_of(h.ca.order_requests().back()).c_str());
}

// Someone replaced it already (another server sharing the certificate):
// order again at once, without "replaces".
TEST(RenewalJobReplaces, AlreadyReplacedOrdersWithoutReplaces) {
  h.ca.refuse_replaces = problem::kAlreadyReplaced;
  CHECK_TEXT(renew(), h.log_text().c_str());
  LONGS_EQUAL(3, h.ca.order_requests().size());
  STRCMP_EQUAL(first_id.c_str(), replaces_of(h.ca.order_requests()[1]).c_str());
  STRCMP_EQUAL("", replaces_of(h.ca.order_requests()[2]).c_str());
  CHECK(h.log.contains("ordering without \"replaces\""));
  LONGS_EQUAL(1, h.ca.orders_created() - 1);  // the refused one left no order behind
}

TEST(RenewalJobReplaces, MalformedNamingReplacesOrdersWithoutIt) {
  h.ca.refuse_replaces = problem::kMalformed;
  CHECK_TEXT(renew(), h.log_text().c_str());
  LONGS_EQUAL(3, h.ca.order_requests().size());
  STRCMP_EQUAL("", replaces_of(h.ca.order_requests()[2]).c_str());
}

// Only a refusal of "replaces" is answered by dropping it; and only once.
TEST(RenewalJobReplaces, OtherRefusalsFailTheAttempt) {
  h.ca.rate_limited_orders = 1;
  CHECK_FALSE(renew());
  LONGS_EQUAL(2, h.ca.order_requests().size());
  CHECK(h.log.contains("rateLimited"));
}

// ---------------------------------------------------------------------------

TEST_GROUP(RenewalJobProfile) {
  RenewHarness h;

  void setup() override {
    h.ca.profiles = {"classic", "tlsserver"};
    h.cert.profile = "tlsserver";
  }
  bool attempt() {
    auto session = h.session();
    auto job = h.job();
    return run_job(*job, *session, h.clock).staged;
  }
  std::string profile_of(std::size_t i) {
    return h.ca.order_requests().at(i).get_string_or("profile", "");
  }
};

TEST(RenewalJobProfile, SentWhenTheCaOffersIt) {
  CHECK(attempt());
  LONGS_EQUAL(1, h.ca.order_requests().size());
  STRCMP_EQUAL("tlsserver", profile_of(0).c_str());
}

TEST(RenewalJobProfile, NotOfferedOrdersWithoutAndWarns) {
  h.cert.profile = "shortlived";
  CHECK(attempt());
  STRCMP_EQUAL("", profile_of(0).c_str());
  CHECK(h.log.contains("offers no profile 'shortlived' (it offers classic, tlsserver)"));
}

TEST(RenewalJobProfile, NotOfferedAndMandatoryFailsBeforeOrdering) {
  h.cert.profile = "shortlived";
  h.cert.profile_mandatory = true;
  CHECK_FALSE(attempt());
  LONGS_EQUAL(0, h.ca.order_requests().size());
  CHECK(h.log.contains("ACMEProfile shortlived mandatory"));
}

TEST(RenewalJobProfile, InvalidProfileRetriesWithout) {
  h.ca.refuse_profile = true;
  CHECK_TEXT(attempt(), h.log_text().c_str());
  LONGS_EQUAL(2, h.ca.order_requests().size());
  STRCMP_EQUAL("tlsserver", profile_of(0).c_str());
  STRCMP_EQUAL("", profile_of(1).c_str());
  CHECK(h.log.contains("the CA refused ACMEProfile tlsserver"));
}

TEST(RenewalJobProfile, InvalidProfileMandatoryFails) {
  h.ca.refuse_profile = true;
  h.cert.profile_mandatory = true;
  CHECK_FALSE(attempt());
  LONGS_EQUAL(1, h.ca.order_requests().size());
  CHECK(h.log.contains("ACMEProfile tlsserver mandatory"));
  CHECK(h.log.contains("invalidProfile"));
}

// ---------------------------------------------------------------------------

// The first CA is down (every request a transport error); the second is the
// fake CA. After kFailoverAfter failed attempts the job uses the second one,
// with its own account, and says so.
TEST_GROUP(RenewalJobFailover) {
  RenewHarness h;
  FakeHttpClient dead;

  void setup() override {
    dead.handler = [](const HttpRequest& r) -> Result<HttpResponse> {
      return Status(Code::kNetwork, "connect to " + r.url + ": connection refused");
    };
    CaSettings second = h.cert.ca;
    h.cert.ca.directory_url = "https://dead.test/dir";
    h.cert.failover_cas = {second};
  }
};

TEST(RenewalJobFailover, AfterThreeFailuresTheSecondCa) {
  std::unique_ptr<CaSession> sessions[] = {
      std::make_unique<CaSession>(std::make_unique<ForwardingHttpClient>(dead), h.cert.ca),
      std::make_unique<CaSession>(h.ca.client(), h.cert.failover_cas[0])};
  auto job = h.job();
  for (int attempt = 1; attempt <= kFailoverAfter; ++attempt) {
    LONGS_EQUAL(0, job->state().ca_index);
    CHECK_FALSE(run_job(*job, *sessions[job->state().ca_index], h.clock).staged);
    h.clock.set(job->state().next_attempt);
  }
  LONGS_EQUAL(1, job->state().ca_index);
  CHECK(
      h.log.contains("the CA https://dead.test/dir failed 3 times in a row for a.example; "
                     "the next attempt goes to https://ca.test/dir"));
  // Persisted: a watchdog restart resumes with the second CA.
  auto resumed = h.job();
  LONGS_EQUAL(1, resumed->state().ca_index);
  CHECK_TEXT(run_job(*resumed, *sessions[resumed->state().ca_index], h.clock).staged,
             h.log_text().c_str());
  CHECK(h.store.exists(layout::account_dir(FakeAcmeCa::kDirectoryUrl) + "/account.json"));
  CHECK_FALSE(h.store.exists(layout::account_dir("https://dead.test/dir") + "/account.json"));
}

// A CA that answers "no" is reachable: no failover for a refused order.
TEST(RenewalJobFailover, ACaThatAnswersIsNotFailedOver) {
  h.cert.ca = h.cert.failover_cas[0];
  h.cert.failover_cas[0].directory_url = "https://dead.test/dir";
  h.ca.invalid_challenge = true;
  auto session = h.session();
  auto job = h.job();
  for (int attempt = 1; attempt <= kFailoverAfter + 1; ++attempt) {
    CHECK_FALSE(run_job(*job, *session, h.clock).staged);
    h.clock.set(job->state().next_attempt);
  }
  LONGS_EQUAL(0, job->state().ca_index);
  CHECK_FALSE(h.log.contains("the next attempt goes to"));
}

TEST(RenewalJobFailover, OnlyUnavailabilityCounts) {
  CHECK(ca_unavailable(Status(Code::kNetwork, "reset")));
  CHECK(ca_unavailable(Status(Code::kProblem, "x", problem::kServerInternal)));
  CHECK_FALSE(ca_unavailable(Status(Code::kProblem, "x", problem::kRateLimited)));
  CHECK_FALSE(ca_unavailable(Status(Code::kProblem, "x", problem::kUnauthorized)));
  int index = 0, failures = 0;
  Status down(Code::kNetwork, "down");
  CHECK_FALSE(count_ca_failure(ca_unavailable(down), 2, &index, &failures));
  CHECK_FALSE(count_ca_failure(ca_unavailable(Status(Code::kProblem, "no", problem::kCaa)), 2,
                               &index, &failures));
  LONGS_EQUAL(0, failures);  // reset: the CA answered
  CHECK_FALSE(count_ca_failure(ca_unavailable(down), 2, &index, &failures));
  CHECK_FALSE(count_ca_failure(ca_unavailable(down), 2, &index, &failures));
  CHECK(count_ca_failure(ca_unavailable(down), 2, &index, &failures));
  LONGS_EQUAL(1, index);
  for (int i = 0; i < 3; ++i) count_ca_failure(ca_unavailable(down), 2, &index, &failures);
  LONGS_EQUAL(0, index);  // round and round
  for (int i = 0; i < 5; ++i)
    CHECK_FALSE(count_ca_failure(ca_unavailable(down), 1, &index, &failures));
  LONGS_EQUAL(0, index);  // one CA: nowhere to go
}
