#include "renew/job.h"

#include <string>

#include "certset/cert_files.h"
#include "crypto/certificate.h"
#include "crypto/verify.h"
#include "renew/renew_test_util.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kJobKey = "jobs/a.example/privkey.pem";

// The certificate key the job had written when it sent its first newOrder.
void capture_key_at_first_order(RenewHarness& h, std::string* key) {
  h.ca.on_request = [&h, key](const HttpRequest& r) {
    if (key->empty() && r.url == std::string(FakeAcmeCa::kBase) + "/new-order")
      *key = h.store.files[kJobKey];
  };
}

}  // namespace

TEST_GROUP(RenewalJob) {
  RenewHarness h;
};

TEST(RenewalJob, IssuesStagesAndCleansUp) {
  std::string key_at_order;
  capture_key_at_first_order(h, &key_at_order);
  auto session = h.session();
  auto job = h.job();
  RenewalJob::Outcome outcome = run_job(*job, *session, h.clock);
  CHECK_TEXT(outcome.staged, h.log_text().c_str());
  CHECK(has_staged(h.store, "a.example"));
  std::string chain = *h.store.read("staging/a.example/fullchain.pem");
  std::string key = *h.store.read("staging/a.example/privkey.pem");
  LONGS_EQUAL(0600, h.store.modes["staging/a.example/privkey.pem"]);
  STRCMP_EQUAL(key_at_order.c_str(), key.c_str());
  LONGS_EQUAL(2, Certificate::parse_pem_chain(chain)->size());
  CHECK(verify_cert_set(chain, key, {h.ca.trust_anchor_file(), h.cert.names, h.clock.now()}).ok());
  CHECK_FALSE(h.store.exists("jobs/a.example"));
  LONGS_EQUAL(1, h.activation.activation_generation());
  LONGS_EQUAL(0, h.table.used());
  LONGS_EQUAL(1, h.ca.accounts_created());
  LONGS_EQUAL(1, h.ca.orders_created());
  LONGS_EQUAL(1, h.ca.certificates_issued());
  const std::string account_dir = layout::account_dir(FakeAcmeCa::kDirectoryUrl);
  CHECK(h.store.exists(account_dir + "/account.json"));
  LONGS_EQUAL(0600, h.store.modes[account_dir + "/account.key.pem"]);
  CHECK(h.log.contains("staged for activation"));
}

// Killed after staging, before the job went: once the parent has promoted
// that set, the resumed job ends without staging the same certificate again.
TEST(RenewalJob, ResumedJobWhoseCertificateIsLiveEndsWithoutStaging) {
  auto session = h.session();
  auto job = h.job();
  std::string saved, key;  // the job's files as they were before the step that staged
  RenewalJob::Outcome outcome;
  for (int i = 0; i < 40 && !outcome.staged; ++i) {
    auto text = h.store.read("jobs/a.example/job.json");
    if (text.ok()) saved = *text;
    auto pem = h.store.read("jobs/a.example/privkey.pem");
    if (pem.ok()) key = *pem;
    outcome = job->step(*session);
    if (outcome.next > h.clock.now()) h.clock.set(outcome.next);
  }
  CHECK(outcome.staged);
  CHECK(promote_staged(h.store, h.cert, HttpdVersion{2, 4, 62}, h.clock.now(), h.log).ok());
  CHECK(h.store.write("jobs/a.example/privkey.pem", key, 0600).ok());
  CHECK(h.store.write("jobs/a.example/job.json", saved).ok());
  const auto generation = h.activation.activation_generation();
  auto resumed = h.job();
  CHECK(run_job(*resumed, *session, h.clock).staged);  // over
  CHECK_FALSE(has_staged(h.store, "a.example"));
  CHECK_FALSE(h.store.exists("jobs/a.example"));
  LONGS_EQUAL(generation, h.activation.activation_generation());
  CHECK(h.log.contains("is already live"));
}

// A job resumes an order whose challenges were sent before a full restart
// (the http-01 table is empty): it publishes the answers again from the job
// file, fetching no authorization again, before the CA gets round to them.
TEST(RenewalJob, AResumedOrderPublishesItsAnswersAgainWithoutFetchingAuthorizations) {
  h.ca.defer_validation = true;
  auto session = h.session();
  h.job()->step(*session);  // order, authorizations, answers, challenges
  LONGS_EQUAL(1, h.ca.open_orders());
  LONGS_EQUAL(2, h.table.used());  // the two names' answers
  h.table.clear();
  int authz_fetches = 0;
  h.ca.on_request = [&](const HttpRequest& r) {
    if (r.url.find("/authz/") != std::string::npos) ++authz_fetches;
  };
  auto resumed = h.job();
  CHECK(resumed->resumed());
  resumed->step(*session);
  LONGS_EQUAL(2, h.table.used());
  h.ca.run_validations();
  CHECK_TEXT(run_job(*resumed, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(0, authz_fetches);
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(RenewalJob, SecondCertificateReusesTheSavedAccount) {
  auto session = h.session();
  CHECK(run_job(*h.job(), *session, h.clock).staged);
  ManagedCert other = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  RenewalJob job(other, h.store, h.table, h.activation, h.clock, h.log, [] { return 0.5; });
  auto fresh_session = h.session();  // a watchdog restart: the account comes from the store
  CHECK(run_job(job, *fresh_session, h.clock).staged);
  LONGS_EQUAL(1, h.ca.accounts_created());
  LONGS_EQUAL(2, h.ca.orders_created());
  LONGS_EQUAL(2, h.activation.activation_generation());
}

// RFC 8555 §7.3.6: a CA that no longer knows the account: register again
// (same key) on the next attempt, keeping the saved key.
TEST(RenewalJob, AccountUnknownToTheCaIsRegisteredAgain) {
  auto session = h.session();
  CHECK(run_job(*h.job(), *session, h.clock).staged);
  const std::string account_dir = layout::account_dir(FakeAcmeCa::kDirectoryUrl);
  const std::string account_key = h.store.files[account_dir + "/account.key.pem"];
  h.ca.forget_accounts();
  ManagedCert other = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  RenewalJob job(other, h.store, h.table, h.activation, h.clock, h.log, [] { return 0.5; });
  CHECK_FALSE(run_job(job, *session, h.clock).staged);
  CHECK(h.log.contains("accountDoesNotExist"));
  CHECK_FALSE(h.store.exists(account_dir + "/account.json"));
  h.clock.set(job.state().next_attempt);
  bool staged = run_job(job, *session, h.clock).staged;
  CHECK_TEXT(staged, h.log_text().c_str());
  LONGS_EQUAL(2, h.ca.accounts_created());
  STRCMP_EQUAL(account_key.c_str(), h.store.files[account_dir + "/account.key.pem"].c_str());
}

// The account key file went back to an earlier key while the record names
// the account registered since with a newer key (test_600_01 saw it: the
// child user swapped the key file aside and back around a re-registration).
// The CA refuses the signature; the job forgets the record and the next
// attempt finds the key's own account again (RFC 8555 §7.3.1), no new one.
TEST(RenewalJob, AKeyThatDoesNotMatchTheRecordIsLookedUpAgain) {
  CHECK(run_job(*h.job(), *h.session(), h.clock).staged);
  const std::string account_dir = layout::account_dir(FakeAcmeCa::kDirectoryUrl);
  const std::string first_key = h.store.files[account_dir + "/account.key.pem"];
  const std::string first_record = h.store.files[account_dir + "/account.json"];
  CHECK(h.store.remove(account_dir + "/account.key.pem").ok());  // a second account, new key
  ManagedCert b = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  RenewalJob second(b, h.store, h.table, h.activation, h.clock, h.log, [] { return 0.5; });
  CHECK(run_job(second, *h.session(), h.clock).staged);
  LONGS_EQUAL(2, h.ca.accounts_created());
  CHECK(h.store.write(account_dir + "/account.key.pem", first_key, 0600).ok());  // swapped back

  ManagedCert c = managed_cert("c.example", {"c.example"}, h.ca.trust_anchor_file());
  RenewalJob job(c, h.store, h.table, h.activation, h.clock, h.log, [] { return 0.5; });
  auto session = h.session();  // a new watchdog: key and record read from the store
  CHECK_FALSE(run_job(job, *session, h.clock).staged);
  CHECK_TEXT(h.log.contains("JWS verification error"), h.log_text().c_str());
  h.clock.set(job.state().next_attempt);
  CHECK_TEXT(run_job(job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(2, h.ca.accounts_created());  // the first account, found again
  STRCMP_EQUAL(first_record.c_str(), h.store.files[account_dir + "/account.json"].c_str());
}

enum class Interruption { kNeverArrived, kAnswerLost, kKilled };

const char* describe(Interruption how) {
  switch (how) {
    case Interruption::kNeverArrived:
      return "never reached the CA";
    case Interruption::kAnswerLost:
      return "processed, answer lost";
    case Interruption::kKilled:
      return "process killed while the CA processed it";
  }
  return "";
}

// Request k+1 fails as `how` says; then a new session and a new job (a new
// watchdog life) must finish with one account and the key written first.
void interrupt_then_resume(long k, Interruption how) {
  RenewHarness r;
  const std::string what = "request " + std::to_string(k + 1) + ": " + describe(how);
  std::string key_at_order;
  MemoryStore before_request;
  r.ca.on_request = [&](const HttpRequest& request) {
    if (key_at_order.empty() && request.url == std::string(FakeAcmeCa::kBase) + "/new-order")
      key_at_order = r.store.files[kJobKey];
    if (r.ca.requests_seen() == k + 1) before_request = r.store;
  };
  r.ca.fail_after = k;
  r.ca.lose_failing_request = how != Interruption::kNeverArrived;
  {
    auto session = r.session();
    auto job = r.job();
    CHECK_FALSE_TEXT(run_job(*job, *session, r.clock).staged, what.c_str());
  }
  if (how == Interruption::kKilled) {
    r.store = before_request;  // nothing after the request was written
    r.table.clear();           // a new watchdog starts with an empty table (Renewer::start)
  }
  const std::string key_before = r.store.files[kJobKey];
  CHECK_FALSE_TEXT(key_before.empty(), what.c_str());
  r.ca.fail_after = -1;
  auto session = r.session();
  auto job = r.job();
  if (job->state().next_attempt > r.clock.now()) r.clock.set(job->state().next_attempt);
  bool staged = run_job(*job, *session, r.clock).staged;
  CHECK_TEXT(staged, (what + "\n" + r.log_text()).c_str());
  LONGS_EQUAL_TEXT(1, r.ca.accounts_created(), what.c_str());
  STRCMP_EQUAL_TEXT(key_before.c_str(), r.store.files["staging/a.example/privkey.pem"].c_str(),
                    what.c_str());
  if (!key_at_order.empty())
    STRCMP_EQUAL_TEXT(key_before.c_str(), key_at_order.c_str(), what.c_str());
  LONGS_EQUAL_TEXT(0, r.table.used(), what.c_str());
}

// A process killed (or a network lost) at any request of a full run resumes.
TEST(RenewalJob, ResumesAfterAnInterruptionAtEveryRequest) {
  long full_run = 0;
  {
    RenewHarness probe;
    auto session = probe.session();
    CHECK(run_job(*probe.job(), *session, probe.clock).staged);
    full_run = probe.ca.requests_seen();
  }
  // directory, nonce, account, order, 2 x (authz, challenge), finalize, cert: the
  // finalize goes out when the order would have been polled (RFC 8555 §7.4)
  LONGS_EQUAL(10, full_run);
  for (auto how : {Interruption::kNeverArrived, Interruption::kAnswerLost, Interruption::kKilled})
    for (long k = 0; k < full_run; ++k) interrupt_then_resume(k, how);
}

// The same job object, after its backoff, continues the order it had.
TEST(RenewalJob, SameJobContinuesItsOrderAfterANetworkError) {
  h.ca.fail_after = 6;  // dir, nonce, account, order, authz, challenge; the 2nd authz fails
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  h.ca.fail_after = -1;
  h.clock.set(job->state().next_attempt);
  bool staged = run_job(*job, *session, h.clock).staged;
  CHECK_TEXT(staged, h.log_text().c_str());
  LONGS_EQUAL(1, job->state().failures);
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(RenewalJob, SurvivesBadNonceOnEverySecondRequest) {
  h.ca.bad_nonce_every = 2;
  auto session = h.session();
  bool staged = run_job(*h.job(), *session, h.clock).staged;
  CHECK_TEXT(staged, h.log_text().c_str());
  CHECK(h.ca.bad_nonces_sent() >= 4);
  LONGS_EQUAL(h.ca.bad_nonces_sent(), session->client().bad_nonce_retries());
  LONGS_EQUAL(1, h.ca.accounts_created());
}

TEST(RenewalJob, InvalidChallengeFailsWithBackoffAndTheReason) {
  h.ca.invalid_challenge = true;
  auto session = h.session();
  auto job = h.job(0.25);
  RenewalJob::Outcome outcome = run_job(*job, *session, h.clock);
  const TimePoint failed_at = h.clock.now();
  CHECK_FALSE(outcome.staged);
  LONGS_EQUAL(1, job->state().failures);
  // retry_delay 600 s, first failure: jittered into [300 s, 600 s].
  CHECK(job->state().next_attempt >= failed_at + Seconds(300));
  CHECK(job->state().next_attempt <= failed_at + Seconds(600));
  CHECK(outcome.next == job->state().next_attempt);
  CHECK_TEXT(h.log.contains("incorrectResponse"), h.log_text().c_str());
  CHECK(h.log.contains("the key authorization served for a.example is wrong"));
  CHECK(h.log.contains("a.example"));
  LONGS_EQUAL(kMsgOrderFailed, h.log.lines.back().msgno);
  CHECK(h.log.lines.back().level == LogLevel::kError);
  CHECK_FALSE(has_staged(h.store, "a.example"));
  LONGS_EQUAL(0, h.table.used());
  LONGS_EQUAL(0, h.activation.activation_generation());
  // The failure is persisted for the next watchdog life.
  auto saved = parse_job_state(*h.store.read("jobs/a.example/job.json"));
  LONGS_EQUAL(1, saved->failures);
  CHECK(saved->order_url.empty());
}

TEST(RenewalJob, ChainWithoutIntermediateIsNeverStaged) {
  h.ca.omit_intermediate = true;
  auto session = h.session();
  auto job = h.job();
  for (int attempt = 1; attempt <= 2; ++attempt) {
    CHECK_FALSE(run_job(*job, *session, h.clock).staged);
    LONGS_EQUAL(attempt, job->state().failures);
    h.clock.set(job->state().next_attempt);
  }
  CHECK_TEXT(job->state().last_error.find("the CA sent no intermediate") != std::string::npos,
             job->state().last_error.c_str());
  CHECK(h.log.contains("not usable"));
  CHECK_FALSE(has_staged(h.store, "a.example"));
  LONGS_EQUAL(0, h.activation.activation_generation());
}

TEST(RenewalJob, StoreWriteFailureStagesNothingThenRecovers) {
  h.ca.on_request = [this](const HttpRequest& r) {
    if (r.url.find("/cert/") != std::string::npos) h.store.fail_writes = true;
  };
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  CHECK(job->state().last_error.find("No space left on device") != std::string::npos);
  CHECK_FALSE(has_staged(h.store, "a.example"));
  LONGS_EQUAL(0, h.activation.activation_generation());
  h.ca.on_request = nullptr;
  h.store.fail_writes = false;
  h.clock.set(job->state().next_attempt);
  bool staged = run_job(*job, *session, h.clock).staged;
  CHECK_TEXT(staged, h.log_text().c_str());
  LONGS_EQUAL(1, h.ca.orders_created());
}

TEST(RenewalJob, ServerErrorFailsWithoutAccount) {
  h.ca.server_error = true;
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  CHECK(job->state().last_error.find("HTTP 500") != std::string::npos);
  LONGS_EQUAL(0, h.ca.accounts_created());
}

TEST(RenewalJob, TermsOfServiceMustBeAgreed) {
  h.ca.terms_of_service = "https://ca.test/tos.pdf";
  h.cert.ca.terms_agreed = false;
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  CHECK(job->state().last_error.find("ACMETermsOfService agreed") != std::string::npos);
  CHECK(job->state().last_error.find("https://ca.test/tos.pdf") != std::string::npos);
  LONGS_EQUAL(0, h.ca.accounts_created());
}

TEST(RenewalJob, StateRoundTripsThroughJson) {
  JobState s;
  s.order_url = "https://ca.test/order/7";
  s.published = {{"http-01", "a.example", "tok-a"}, {"dns-01", "www.a.example", "tok-b"}};
  s.responded = {"https://ca.test/chall/1"};
  s.failures = 3;
  s.last_error = "network error: \"quoted\"";
  s.next_attempt = kStart + Seconds(42);
  auto back = parse_job_state(job_state_json(s));
  CHECK(back.ok());
  STRCMP_EQUAL(s.order_url.c_str(), back->order_url.c_str());
  CHECK(s.published == back->published);
  CHECK(s.responded == back->responded);
  LONGS_EQUAL(3, back->failures);
  STRCMP_EQUAL(s.last_error.c_str(), back->last_error.c_str());
  LONGS_EQUAL(to_unix(s.next_attempt), to_unix(back->next_attempt));
  CHECK_FALSE(parse_job_state("{not json").ok());
}

// Found by tests/fuzz/store_record_fuzz: a huge next_attempt overflowed TimePoint.
TEST(RenewalJob, StateWithATimeOutOfRangeIsDueNow) {
  for (const char* text : {"{\"next_attempt\": 99999999999}", "{\"next_attempt\": -99999999999}",
                           "{\"next_attempt\": 9223372036854775807}"}) {
    auto state = parse_job_state(text);
    CHECK(state.ok());
    CHECK_TEXT(state->next_attempt == TimePoint{}, text);
  }
}

TEST(RenewalJob, UnreadableStateStartsFreshWithAWarning) {
  h.store.files["jobs/a.example/job.json"] = "garbage";
  auto job = h.job();
  CHECK(job->state().order_url.empty());
  CHECK(h.log.contains("ignoring unreadable /mem/jobs/a.example/job.json"));
  auto session = h.session();
  CHECK(run_job(*job, *session, h.clock).staged);
}
