#include "crypto/verify.h"

#include "base/time_format.h"
#include "crypto/crypto_test_util.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = kTestNow;  // the chain's
const auto kDay = std::chrono::hours(24);

struct Pki : TestChain {
  Issued leaf = issue_leaf("DNS:a.example,DNS:www.a.example,IP:192.0.2.1", kNow + 30 * kDay, 3);
};

std::string pem(const Issued& issued) {
  return issued.cert.to_pem();
}
std::string key_pem(const Issued& issued) {
  return *issued.key.to_pem();
}

}  // namespace

TEST_GROUP(Verify) {
  Pki* pki = nullptr;
  TempFile* anchors = nullptr;
  VerifyOptions options;

  void setup() override {
    pki = new Pki;
    anchors = new TempFile(pem(pki->root));
    options.trust_anchor_file = anchors->path();
    options.names = {"a.example", "www.a.example"};
    options.now = kNow;
  }
  void teardown() override {
    delete anchors;
    delete pki;
  }
  std::string chain() const {
    return pem(pki->leaf) + pem(pki->intermediate);
  }
  Status verify(const std::string& chain_pem) const {
    return verify_cert_set(chain_pem, key_pem(pki->leaf), options);
  }
};

TEST(Verify, GoodChainPasses) {
  Status status = verify(chain());
  CHECK_TRUE_TEXT(status.ok(), status.message().c_str());
  options.names = {"192.0.2.1"};
  CHECK_TRUE(verify(chain()).ok());
}

TEST(Verify, RootSentByTheCaIsIgnored) {
  CHECK_TRUE(verify(chain() + pem(pki->root)).ok());
  Issued other = issue("Other Root", nullptr, "", kNow - kDay, kNow + kDay, 9);
  TempFile other_anchors(pem(other));
  options.trust_anchor_file = other_anchors.path();
  Status status = verify(chain() + pem(pki->root));
  CHECK_FALSE(status.ok());
  STRCMP_CONTAINS(
      "unable to get issuer certificate for 'CN=Test Intermediate' (issuer 'CN=Test Root')",
      status.message().c_str());
}

// The classic failure: the server would send its leaf without the
// intermediate, and no client could build a path.
TEST(Verify, MissingIntermediateNamesTheIssuer) {
  Status status = verify(pem(pki->leaf));
  CHECK_FALSE(status.ok());
  CHECK_TRUE(status.code() == Code::kVerifyFailed);
  STRCMP_EQUAL(
      ("certificate chain for a.example does not reach a trust anchor: unable to get issuer "
       "certificate for 'CN=a.example' (issuer 'CN=Test Intermediate'); the CA sent no "
       "intermediate certificate (or ACMETrustAnchorFile " +
       anchors->path() + " lacks its issuer)")
          .c_str(),
      status.message().c_str());
}

TEST(Verify, AnchorFileWithoutTheRoot) {
  Issued other = issue("Other Root", nullptr, "", kNow - kDay, kNow + kDay, 9);
  TempFile other_anchors(pem(other));
  options.trust_anchor_file = other_anchors.path();
  Status status = verify(chain());
  CHECK_FALSE(status.ok());
  STRCMP_EQUAL(
      ("certificate chain for a.example does not reach a trust anchor: unable to get issuer "
       "certificate for 'CN=Test Intermediate' (issuer 'CN=Test Root'); ACMETrustAnchorFile " +
       other_anchors.path() + " lacks its root")
          .c_str(),
      status.message().c_str());
}

TEST(Verify, WrongIntermediate) {
  Issued stranger = issue("Stranger CA", &pki->root, "", kNow - kDay, kNow + kDay, 7);
  Status status = verify(pem(pki->leaf) + pem(stranger));
  STRCMP_CONTAINS("none of the intermediates the CA sent issued it", status.message().c_str());
}

TEST(Verify, WrongKey) {
  Issued other =
      issue("b.example", &pki->intermediate, "DNS:b.example", kNow - kDay, kNow + kDay, 8);
  Status status = verify_cert_set(chain(), key_pem(other), options);
  CHECK_FALSE(status.ok());
  STRCMP_CONTAINS("private key does not match the certificate", status.message().c_str());
  CHECK_FALSE(verify_cert_set(chain(), "not a key", options).ok());
}

TEST(Verify, NameNotCovered) {
  options.names = {"a.example", "b.example"};
  Status status = verify(chain());
  STRCMP_EQUAL(
      "certificate does not cover b.example (it names: a.example, www.a.example, 192.0.2.1)",
      status.message().c_str());
  options.names = {"192.0.2.2"};
  STRCMP_CONTAINS("does not cover 192.0.2.2", verify(chain()).message().c_str());
  options.names = {"x.a.example"};
  CHECK_FALSE(verify(chain()).ok());
}

// Browsers ignore the CN; so must we, or a set passes that clients reject.
TEST(Verify, CommonNameIsNotEnough) {
  Issued leaf =
      issue("cn.example", &pki->intermediate, "IP:192.0.2.9", kNow - kDay, kNow + kDay, 14);
  options.names = {"cn.example"};
  Status status = verify_cert_set(pem(leaf) + pem(pki->intermediate), key_pem(leaf), options);
  STRCMP_EQUAL("certificate does not cover cn.example (it names: 192.0.2.9)",
               status.message().c_str());
}

TEST(Verify, Wildcards) {
  Issued leaf =
      issue("*.w.example", &pki->intermediate, "DNS:*.w.example", kNow - kDay, kNow + kDay, 10);
  std::string set = pem(leaf) + pem(pki->intermediate);
  options.names = {"*.w.example", "x.w.example"};
  CHECK_TRUE(verify_cert_set(set, key_pem(leaf), options).ok());
  options.names = {"w.example"};
  CHECK_FALSE(verify_cert_set(set, key_pem(leaf), options).ok());
  options.names = {"*.a.example"};  // a wildcard is not covered by single names
  CHECK_FALSE(verify(chain()).ok());
}

TEST(Verify, Expired) {
  options.now = pki->leaf.cert.not_after() + std::chrono::hours(1);
  Status status = verify(chain());
  STRCMP_EQUAL(
      ("certificate for a.example expired at " + format_rfc3339(pki->leaf.cert.not_after()))
          .c_str(),
      status.message().c_str());
}

TEST(Verify, NotYetValid) {
  options.now = kNow - 2 * kDay;
  STRCMP_CONTAINS(("not valid until " + format_rfc3339(kNow - kDay)).c_str(),
                  verify(chain()).message().c_str());
}

TEST(Verify, ExpiredIntermediate) {
  Issued old = issue("Old Intermediate", &pki->root, "", kNow - 30 * kDay, kNow - kDay, 11);
  Issued leaf = issue("a.example", &old, "DNS:a.example", kNow - kDay, kNow + kDay, 12);
  options.names = {"a.example"};
  Status status = verify_cert_set(pem(leaf) + pem(old), key_pem(leaf), options);
  STRCMP_EQUAL(
      "certificate chain for a.example failed verification at 'CN=Old Intermediate' (depth 1): "
      "certificate has expired",
      status.message().c_str());
}

TEST(Verify, SelfSignedLeaf) {
  Issued self = issue("a.example", nullptr, "DNS:a.example", kNow - kDay, kNow + kDay, 13);
  options.names = {"a.example"};
  Status status = verify_cert_set(pem(self), key_pem(self), options);
  STRCMP_CONTAINS("the certificate 'CN=a.example' is self-signed", status.message().c_str());
}

TEST(Verify, UnusableInput) {
  Status status = verify("garbage");
  CHECK_TRUE(status.code() == Code::kVerifyFailed);
  STRCMP_CONTAINS("certificate chain is unusable", status.message().c_str());
  options.trust_anchor_file = "/nonexistent/roots.pem";
  STRCMP_CONTAINS("cannot load trust anchors from /nonexistent/roots.pem",
                  verify(chain()).message().c_str());
}
