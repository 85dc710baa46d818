#include "renew/ca_session.h"

#include <memory>
#include <string>

#include "acme/account.h"
#include "acme/problem.h"
#include "certset/cert_files.h"
#include "crypto/base64url.h"
#include "crypto/jwk.h"
#include "renew/renew_test_util.h"
#include "renew/renewer.h"
#include "store/layout.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const std::string kAccountDir = layout::account_dir(FakeAcmeCa::kDirectoryUrl);
const std::string kKeyFile = kAccountDir + "/account.key.pem";
const std::string kRecordFile = kAccountDir + "/account.json";

std::string jwk_of_pem(const std::string& pem) {
  auto key = PrivateKey::from_pem(pem);
  CHECK(key.ok());
  return *jwk_json(*key);
}

std::string saved_url(const Store& store) {
  return Json::parse(*store.read(kRecordFile))->get_string_or("url", "");
}

}  // namespace

TEST_GROUP(CaSession) {
  RenewHarness h;

  Status ensure(std::unique_ptr<CaSession> & session) {
    session = h.session();
    return session->ensure_account(h.store, h.log);
  }
};

// RFC 8555 §7.3.4: a CA that wants a binding and none configured: the error
// names the directive, and nothing is registered.
TEST(CaSession, RequiredBindingMissingNamesTheDirective) {
  h.ca.external_account_required = true;
  std::unique_ptr<CaSession> session;
  Status s = ensure(session);
  CHECK(!s.ok());
  CHECK_TEXT(s.message().find("ACMEExternalAccountBinding KID HMAC-KEY") != std::string::npos,
             s.message().c_str());
  CHECK(s.message().find(FakeAcmeCa::kDirectoryUrl) != std::string::npos);
  LONGS_EQUAL(0, h.ca.accounts_created());
}

TEST(CaSession, BindingConfiguredRegistersAndIssues) {
  const std::string hmac(32, '\x5a');
  h.ca.external_account_required = true;
  h.ca.eab_keys["kid-7"] = hmac;
  h.cert.ca.eab = {"kid-7", hmac};
  std::unique_ptr<CaSession> session;
  Status s = ensure(session);
  CHECK_TEXT(s.ok(), s.message().c_str());
  LONGS_EQUAL(1, h.ca.accounts_created());
  CHECK(run_job(*h.job(), *session, h.clock).staged);
}

TEST(CaSession, WrongBindingKeyNamesTheKeyId) {
  h.ca.eab_keys["kid-7"] = std::string(32, '\x5a');
  h.cert.ca.eab = {"kid-7", std::string(32, '\x5b')};
  std::unique_ptr<CaSession> session;
  Status s = ensure(session);
  CHECK_TEXT(s.message().find("ACMEExternalAccountBinding key id 'kid-7'") != std::string::npos,
             s.message().c_str());
  LONGS_EQUAL(0, h.ca.accounts_created());
}

// RFC 8555 §7.3.2: a changed ACMEContactEmail updates the one account.
TEST(CaSession, ChangedContactUpdatesTheAccountNeverASecondOne) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string url = saved_url(h.store);
  STRCMP_EQUAL(R"(["mailto:admin@a.example"])", h.ca.account_contact(url).c_str());
  std::string posted_to;
  h.ca.on_request = [&posted_to](const HttpRequest& r) {
    if (r.method == "POST") posted_to = r.url;
  };
  h.cert.ca.contact = {"hostmaster@a.example"};
  Status s = ensure(session);  // a new session: the next start
  CHECK_TEXT(s.ok(), s.message().c_str());
  STRCMP_EQUAL(url.c_str(), posted_to.c_str());
  LONGS_EQUAL(1, h.ca.accounts_created());
  LONGS_EQUAL(1, h.ca.account_updates());
  STRCMP_EQUAL(R"(["mailto:hostmaster@a.example"])", h.ca.account_contact(url).c_str());
  auto record = Json::parse(*h.store.read(kRecordFile));
  STRCMP_EQUAL(R"(["mailto:hostmaster@a.example"])", record->get("contact").dump().c_str());
  STRCMP_EQUAL(url.c_str(), saved_url(h.store).c_str());
  CHECK(
      h.log.contains("contact changed from mailto:admin@a.example to "
                     "mailto:hostmaster@a.example"));
  // Unchanged at the next start: no request beyond the directory.
  const long seen = h.ca.requests_seen();
  CHECK(ensure(session).ok());
  LONGS_EQUAL(1, h.ca.account_updates());
  LONGS_EQUAL(seen + 1, h.ca.requests_seen());
  // Removing the contact empties it at the CA.
  h.cert.ca.contact.clear();
  CHECK(ensure(session).ok());
  STRCMP_EQUAL("[]", h.ca.account_contact(url).c_str());
}

TEST(CaSession, FailedContactUpdateDoesNotStopRenewals) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  h.cert.ca.contact = {"hostmaster@a.example"};
  h.ca.on_request = [this](const HttpRequest& r) {
    h.ca.server_error = r.url.find("/acct/") != std::string::npos;
  };
  CHECK(ensure(session).ok());
  CHECK(h.log.contains("could not change the contact"));
  h.ca.on_request = nullptr;
  h.ca.server_error = false;
  CHECK(run_job(*h.job(), *session, h.clock).staged);
  LONGS_EQUAL(0, h.ca.account_updates());
  // account.json still says the old contact: the next start tries again.
  CHECK(ensure(session).ok());
  LONGS_EQUAL(1, h.ca.account_updates());
}

// Each CA URL has an account directory of its own, so a changed
// ACMECertificateAuthority never reuses (or overwrites) another CA's account.
TEST(CaSession, EachCaUrlHasItsOwnAccountDirectory) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  CHECK(h.store.exists(kRecordFile));
  STRCMP_EQUAL("accounts/ca.test_dir", kAccountDir.c_str());
  CHECK(layout::account_dir("https://ca.test/dir") !=
        layout::account_dir("https://ca.test:8443/dir"));
  CHECK(layout::account_dir("https://ca.test/dir") !=
        layout::account_dir("https://ca.test/v2/dir"));
  CHECK(layout::account_dir("https://ca.test/dir") != layout::account_dir("https://ca2.test/dir"));
}

// An account key the child user's side lost or spoilt is replaced, and the
// new key gets an account of its own: it is never sent with the old key's
// account URL (the CA would refuse every request, for ever).
TEST(CaSession, UnusableKeyGetsANewAccountNotTheOldUrl) {
  std::unique_ptr<CaSession> first;
  CHECK(ensure(first).ok());
  const std::string old_url = saved_url(h.store);
  CHECK(h.store.write(kKeyFile, "not a key\n", 0600).ok());
  std::unique_ptr<CaSession> second;
  Status s = ensure(second);
  CHECK_TEXT(s.ok(), s.message().c_str());
  CHECK(saved_url(h.store) != old_url);
  CHECK(PrivateKey::from_pem(*h.store.read(kKeyFile)).ok());
  CHECK(h.log.contains("is unusable"));
  LONGS_EQUAL(2, h.ca.accounts_created());
  CHECK(run_job(*h.job(), *second, h.clock).staged);  // the CA accepts its requests
}

// RFC 8555 §7.3.5.
TEST(CaSession, RolloverReplacesTheKeyAndKeepsTheAccount) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string url = saved_url(h.store);
  const std::string old_pem = h.store.files[kKeyFile];
  const std::string old_thumbprint = session->thumbprint();
  Status s = session->rollover(h.store, h.log);
  CHECK_TEXT(s.ok(), s.message().c_str());
  const std::string new_pem = h.store.files[kKeyFile];
  CHECK(new_pem != old_pem);
  LONGS_EQUAL(0600, h.store.modes[kKeyFile]);
  CHECK_FALSE(h.store.exists(kKeyFile + ".new"));
  CHECK_FALSE(h.store.exists(kKeyFile + ".old"));
  LONGS_EQUAL(1, h.ca.key_changes());
  STRCMP_EQUAL(jwk_of_pem(new_pem).c_str(), h.ca.account_jwk(url).c_str());
  CHECK(session->thumbprint() != old_thumbprint);
  CHECK(h.log.contains("account key rolled over"));
  STRCMP_EQUAL(url.c_str(), saved_url(h.store).c_str());
  // Orders go on with the new key, in this session and the next.
  CHECK(run_job(*h.job(), *session, h.clock).staged);
  CHECK(h.store.remove("staging").ok());
  CHECK(ensure(session).ok());
  CHECK(session->client().post_as_get(url).ok());
  LONGS_EQUAL(1, h.ca.accounts_created());
}

TEST(CaSession, RefusedRolloverKeepsTheOldKey) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string old_pem = h.store.files[kKeyFile];
  h.ca.server_error = true;
  CHECK(!session->rollover(h.store, h.log).ok());
  h.ca.server_error = false;
  STRCMP_EQUAL(old_pem.c_str(), h.store.files[kKeyFile].c_str());
  CHECK_FALSE(h.store.exists(kKeyFile + ".new"));
  CHECK(session->client().post_as_get(saved_url(h.store)).ok());
}

// The CA switched keys but its answer was lost: the new key waits in
// account.key.pem.new, and the next use asks the CA and finishes the job.
TEST(CaSession, RolloverWithLostAnswerIsFinishedAtNextUse) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string url = saved_url(h.store);
  const std::string old_pem = h.store.files[kKeyFile];
  h.ca.fail_after = h.ca.requests_seen();
  h.ca.lose_failing_request = true;
  Status s = session->rollover(h.store, h.log);
  CHECK(s.code() == Code::kNetwork);
  LONGS_EQUAL(1, h.ca.key_changes());
  STRCMP_EQUAL(old_pem.c_str(), h.store.files[kKeyFile].c_str());
  const std::string pending = h.store.files[kKeyFile + ".new"];
  LONGS_EQUAL(0600, h.store.modes[kKeyFile + ".new"]);
  h.ca.fail_after = -1;
  s = session->ensure_account(h.store, h.log);
  CHECK_TEXT(s.ok(), s.message().c_str());
  STRCMP_EQUAL(pending.c_str(), h.store.files[kKeyFile].c_str());
  CHECK_FALSE(h.store.exists(kKeyFile + ".new"));
  CHECK(h.log.contains("finished an interrupted account key rollover"));
  CHECK(session->client().post_as_get(url).ok());
  LONGS_EQUAL(1, h.ca.accounts_created());
}

// A crash after account.key.pem.new was written but before the CA heard of it.
TEST(CaSession, PendingKeyTheCaNeverSawIsDropped) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string old_pem = h.store.files[kKeyFile];
  auto stray = PrivateKey::generate(KeyType::kP256);
  CHECK(h.store.write(kKeyFile + ".new", *stray->to_pem(), 0600).ok());
  CHECK(ensure(session).ok());
  STRCMP_EQUAL(old_pem.c_str(), h.store.files[kKeyFile].c_str());
  CHECK_FALSE(h.store.exists(kKeyFile + ".new"));
  CHECK(h.log.contains("never reached the CA; keeping the old key"));
  CHECK(session->client().post_as_get(saved_url(h.store)).ok());
  LONGS_EQUAL(0, h.ca.key_changes());
}

// `acmectl rollover` leaves requests/_account-rollover.json; the watchdog
// rolls the key of every CA in use once, and removes the request.
TEST(CaSession, RenewerTakesTheRolloverRequest) {
  Renewer::Options options;
  options.request_poll = Seconds(2);
  Renewer renewer(
      h.store, h.table, h.activation, h.clock, h.log,
      [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; }, options);
  ManagedCert b = managed_cert("b.example", {"b.example"}, h.ca.trust_anchor_file());
  renewer.set_certs({h.cert, b});
  renewer.start();
  for (int i = 0;
       i < 100 && !(has_staged(h.store, "a.example") && has_staged(h.store, "b.example")); ++i) {
    TimePoint wake = renewer.run_once();
    if (wake > h.clock.now()) h.clock.set(wake);
  }
  const std::string url = saved_url(h.store);
  const std::string old_pem = h.store.files[kKeyFile];
  CHECK(h.store.write(std::string("requests/") + layout::kAccountRolloverRequest, "{}").ok());
  renewer.run_once();
  CHECK_FALSE(h.store.exists(std::string("requests/") + layout::kAccountRolloverRequest));
  LONGS_EQUAL(1, h.ca.key_changes());  // one CA, one rollover
  CHECK(h.store.files[kKeyFile] != old_pem);
  STRCMP_EQUAL(jwk_of_pem(h.store.files[kKeyFile]).c_str(), h.ca.account_jwk(url).c_str());
  CHECK(h.log.contains("account key rollover requested"));
  renewer.run_once();
  LONGS_EQUAL(1, h.ca.key_changes());
}

// A changed contact reaches the CA when the watchdog starts, even when no
// certificate is due; an unchanged one costs no request.
TEST(CaSession, WatchdogStartUpdatesAChangedContact) {
  std::unique_ptr<CaSession> session;
  CHECK(ensure(session).ok());
  const std::string url = saved_url(h.store);
  auto start_renewer = [this](const ManagedCert& cert) {
    Renewer renewer(
        h.store, h.table, h.activation, h.clock, h.log,
        [this](const CaSettings&) { return h.ca.client(); }, [] { return 0.5; },
        Renewer::Options());
    renewer.set_certs({cert});
    renewer.start();
  };
  long seen = h.ca.requests_seen();
  start_renewer(h.cert);
  LONGS_EQUAL(seen, h.ca.requests_seen());
  h.cert.ca.contact = {"hostmaster@a.example"};
  start_renewer(h.cert);
  LONGS_EQUAL(1, h.ca.account_updates());
  STRCMP_EQUAL(R"(["mailto:hostmaster@a.example"])", h.ca.account_contact(url).c_str());
  CHECK(h.log.contains("contact changed from"));
  seen = h.ca.requests_seen();
  start_renewer(h.cert);
  LONGS_EQUAL(seen, h.ca.requests_seen());
  LONGS_EQUAL(1, h.ca.accounts_created());
}
