#include "certset/key_reuse.h"

#include <openssl/x509.h>

#include <string>

#include "certset/cert_files.h"
#include "renew/renew_test_util.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(KeyReuse) {
  RenewHarness h;

  // One full issuance, promoted as the parent would: returns the live key.
  std::string issue_and_promote() {
    auto session = h.session();
    auto job = h.job();
    CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
    auto promoted = promote_staged(h.store, h.cert, HttpdVersion{2, 4, 62}, h.clock.now(), h.log);
    CHECK_TEXT(promoted.ok() && *promoted, h.log_text().c_str());
    return *h.store.read(layout::live_dir(h.cert.name) + "/privkey.pem");
  }
};

TEST(KeyReuse, OffByDefaultEachRenewalHasANewKey) {
  std::string first = issue_and_promote();
  CHECK_FALSE(h.store.exists(layout::kept_key("a.example")));
  std::string second = issue_and_promote();
  CHECK(first != second);
}

TEST(KeyReuse, OnRenewalKeepsTheLiveKey) {
  h.cert.key_reuse = true;
  std::string first = issue_and_promote();
  LONGS_EQUAL(0600, h.store.modes[layout::kept_key("a.example")]);
  std::string second = issue_and_promote();
  STRCMP_EQUAL(first.c_str(), second.c_str());
  CHECK(h.log.contains("renewing a.example with the live certificate's key (ACMEKeyReuse on)"));
  LONGS_EQUAL(2, h.ca.certificates_issued());
}

TEST(KeyReuse, TurnedOffTheKeptKeyIsRemovedAndNotUsed) {
  h.cert.key_reuse = true;
  std::string first = issue_and_promote();
  h.cert.key_reuse = false;
  std::string second = issue_and_promote();
  CHECK(first != second);
  CHECK_FALSE(h.store.exists(layout::kept_key("a.example")));
}

TEST(KeyReuse, ANewKeyTypeGetsANewKey) {
  h.cert.key_reuse = true;
  issue_and_promote();
  h.cert.key_type = KeyType::kP384;
  auto pem = certificate_key_pem(h.store, h.cert, h.log);
  CHECK(pem.ok());
  CHECK(PrivateKey::from_pem(*pem)->type() == KeyType::kP384);
  CHECK(
      h.log.contains("not reusing the key of a.example: the kept key is p256, ACMEKeyType is "
                     "now p384"));
}

TEST(KeyReuse, AKeptKeyThatIsNotTheLiveOneIsNotUsed) {
  h.cert.key_reuse = true;
  std::string live = issue_and_promote();
  std::string other = *PrivateKey::generate(KeyType::kP256)->to_pem();
  CHECK(h.store.write(layout::kept_key("a.example"), other, 0600).ok());
  auto pem = certificate_key_pem(h.store, h.cert, h.log);
  CHECK(*pem != other && *pem != live);
  CHECK(h.log.contains("the kept key is not the live certificate's"));
}

// A revoked certificate's key must not come back in its replacement.
TEST(KeyReuse, ForgottenAfterRevocation) {
  h.cert.key_reuse = true;
  std::string first = issue_and_promote();
  CHECK(forget_key(h.store, "a.example").ok());
  std::string second = issue_and_promote();
  CHECK(first != second);
}

TEST(KeyReuse, FirstIssuanceMakesAKeyQuietly) {
  h.cert.key_reuse = true;
  auto pem = certificate_key_pem(h.store, h.cert, h.log);
  CHECK(pem.ok());
  CHECK(PrivateKey::from_pem(*pem)->type() == KeyType::kP256);
  LONGS_EQUAL(0, h.log.lines.size());
}

namespace {

std::string public_der(const std::string& key_pem) {
  auto key = PrivateKey::from_pem(key_pem);
  CHECK(key.ok());
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key->get(), &der);
  CHECK(len > 0);
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

// A revocation while an order is in flight: that job must not finish with
// the revoked certificate's key (here the live key, ACMEKeyReuse on).
TEST(KeyReuse, RevocationDiscardsTheKeyOfAnOrderInFlight) {
  h.cert.key_reuse = true;
  std::string live = issue_and_promote();
  auto session = h.session();
  auto job = h.job();
  RenewalJob::Outcome first = job->step(*session);
  CHECK_FALSE(first.staged);
  CHECK(!job->state().order_url.empty());
  CHECK(forget_key(h.store, "a.example").ok());  // acmectl revoke, or OCSP says revoked
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  std::string staged = *h.store.read(layout::staging_dir("a.example") + "/privkey.pem");
  CHECK(staged != live);
  LONGS_EQUAL(2, h.ca.finalized_keys().size());
  CHECK(h.ca.finalized_keys()[1] != public_der(live));
  CHECK(h.log.contains("was discarded"));
}

// The same when the job is resumed from the store after a restart.
TEST(KeyReuse, RevocationDiscardsTheKeyOfAStoredJob) {
  h.cert.key_reuse = true;
  std::string live = issue_and_promote();
  auto session = h.session();
  CHECK_FALSE(h.job()->step(*session).staged);
  CHECK(forget_key(h.store, "a.example").ok());
  auto resumed = h.job();
  CHECK_TEXT(run_job(*resumed, *session, h.clock).staged, h.log_text().c_str());
  CHECK(*h.store.read(layout::staging_dir("a.example") + "/privkey.pem") != live);
  CHECK(h.ca.finalized_keys().back() != public_der(live));
}

// RFC 8555 §7.4: the CA refused the key; the next attempt sends another one,
// even with ACMEKeyReuse on (the kept key is forgotten).
TEST(KeyReuse, BadPublicKeyGetsANewKey) {
  h.cert.key_reuse = true;
  std::string live = issue_and_promote();
  h.ca.refuse_finalize = "badPublicKey";
  auto session = h.session();
  auto job = h.job();
  RenewalJob::Outcome failed = run_job(*job, *session, h.clock);
  CHECK_FALSE(failed.staged);
  LONGS_EQUAL(1, job->state().failures);
  CHECK(h.ca.finalized_keys().back() == public_der(live));  // the kept key was tried
  h.clock.set(job->state().next_attempt);
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  CHECK(h.ca.finalized_keys().back() != public_der(live));
  CHECK_FALSE(h.store.exists(layout::kept_key("a.example")) &&
              *h.store.read(layout::kept_key("a.example")) == live);
}

TEST(KeyReuse, BadCsrGetsANewKey) {
  h.ca.refuse_finalize = "badCSR";
  auto session = h.session();
  auto job = h.job();
  CHECK_FALSE(run_job(*job, *session, h.clock).staged);
  h.clock.set(job->state().next_attempt);
  CHECK_TEXT(run_job(*job, *session, h.clock).staged, h.log_text().c_str());
  LONGS_EQUAL(2, h.ca.finalized_keys().size());
  CHECK(h.ca.finalized_keys()[0] != h.ca.finalized_keys()[1]);
}
