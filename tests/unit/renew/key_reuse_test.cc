#include "renew/key_reuse.h"

#include <string>

#include "renew/cert_files.h"
#include "renew/layout.h"
#include "renew/renew_test_util.h"

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
  forget_key(h.store, "a.example");
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
