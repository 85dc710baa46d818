#include "crypto/ocsp.h"

#include <openssl/ocsp.h>

#include <memory>

#include "base/time_format.h"
#include "crypto/crypto_test_util.h"
#include "crypto/test_ocsp.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = kTestNow;  // the chain's
const auto kDay = std::chrono::hours(24);
const auto kMinute = std::chrono::minutes(1);

constexpr const char* kOcspUrl = "http://ocsp.test.example/";
constexpr const char* kIssuersUrl = "http://ca.test.example/intermediate.der";

Issued leaf_for(const std::string& name, const Issued& issuer, long serial, const char* aia) {
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"},
      {NID_ext_key_usage, "serverAuth"},
      {NID_subject_alt_name, "DNS:" + name}};
  if (aia) extensions.emplace_back(NID_info_access, aia);
  return issue_with_extensions(name, issuer, kNow - kDay, kNow + 30 * kDay, serial, extensions);
}

// A responder certificate issued by issuer, with id-kp-OCSPSigning when eku.
Issued responder_for(const Issued& issuer, bool eku, long serial, TimePoint not_after) {
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_basic_constraints, "critical,CA:FALSE"}, {NID_key_usage, "critical,digitalSignature"}};
  if (eku) extensions.emplace_back(NID_ext_key_usage, "OCSPSigning");
  return issue_with_extensions("Test OCSP Responder", issuer, kNow - kDay, not_after, serial,
                               extensions);
}

struct Pki : TestChain {
  Issued leaf = leaf_for("a.example", intermediate, 3,
                         "OCSP;URI:http://ocsp.test.example/,"
                         "caIssuers;URI:http://ca.test.example/intermediate.der");
};

// What the responder says by default: good, from an hour ago for 3 days.
struct Answer : OcspAnswer {
  Answer() {
    this_update = kNow - 60 * kMinute;
    next_update = kNow + 3 * kDay;
  }
};

std::string unsuccessful(int response_status) {
  return ocsp_response_der(response_status, nullptr);
}

}  // namespace

TEST_GROUP(Ocsp) {
  Pki* pki = nullptr;

  void setup() override {
    pki = new Pki;
  }
  void teardown() override {
    delete pki;
  }

  std::string respond_for_leaf(const Issued& signer, const Answer& answer) const {
    return ocsp_respond(pki->leaf.cert, pki->intermediate.cert, signer, answer);
  }
  Result<OcspResult> verify(const std::string& der, TimePoint now = kNow) const {
    return verify_ocsp_response(der, pki->leaf.cert, pki->intermediate.cert, now);
  }
  void check_rejected(const std::string& der, const char* expected) const {
    Result<OcspResult> result = verify(der);
    CHECK_FALSE(result.ok());
    CHECK_TRUE(result.status().code() == Code::kVerifyFailed);
    STRCMP_CONTAINS(expected, result.status().message().c_str());
  }
};

TEST(Ocsp, AiaUrls) {
  STRCMP_EQUAL(kOcspUrl, ocsp_url(pki->leaf.cert).c_str());
  STRCMP_EQUAL(kIssuersUrl, ca_issuers_url(pki->leaf.cert).c_str());
  STRCMP_EQUAL("", ocsp_url(pki->intermediate.cert).c_str());
  STRCMP_EQUAL("", ca_issuers_url(pki->intermediate.cert).c_str());
  Issued only_ocsp = leaf_for("b.example", pki->intermediate, 4, "OCSP;URI:http://o.example/");
  STRCMP_EQUAL("http://o.example/", ocsp_url(only_ocsp.cert).c_str());
  STRCMP_EQUAL("", ca_issuers_url(only_ocsp.cert).c_str());
  STRCMP_EQUAL("", ocsp_url(Certificate()).c_str());
}

TEST(Ocsp, RequestCarriesTheLeafCertId) {
  Result<std::string> der = make_ocsp_request(pki->leaf.cert, pki->intermediate.cert);
  CHECK_TRUE_TEXT(der.ok(), der.status().message().c_str());
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  OCSP_REQUEST* request = d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(der->size()));
  CHECK_TRUE(request != nullptr);
  LONGS_EQUAL(1, OCSP_request_onereq_count(request));
  OCSP_CERTID* id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(request, 0));
  ASN1_OBJECT* md = nullptr;
  ASN1_INTEGER* serial = nullptr;
  OCSP_id_get0_info(nullptr, &md, nullptr, &serial, id);
  LONGS_EQUAL(NID_sha1, OBJ_obj2nid(md));
  LONGS_EQUAL(3, ASN1_INTEGER_get(serial));
  OCSP_CERTID* expected =
      OCSP_cert_to_id(EVP_sha1(), pki->leaf.cert.get(), pki->intermediate.cert.get());
  LONGS_EQUAL(0, OCSP_id_cmp(expected, id));
  LONGS_EQUAL(-1, OCSP_REQUEST_get_ext_by_NID(request, NID_id_pkix_OCSP_Nonce, -1));
  OCSP_CERTID_free(expected);
  OCSP_REQUEST_free(request);
}

TEST(Ocsp, RequestNeedsTheRealIssuer) {
  Result<std::string> der = make_ocsp_request(pki->leaf.cert, pki->root.cert);
  CHECK_FALSE(der.ok());
  STRCMP_EQUAL(
      "certificate for a.example was not issued by 'CN=Test Root' (its issuer is 'CN=Test "
      "Intermediate')",
      der.status().message().c_str());
  CHECK_FALSE(make_ocsp_request(Certificate(), pki->intermediate.cert).ok());
}

TEST(Ocsp, GoodSignedByTheIssuer) {
  std::string der = respond_for_leaf(pki->intermediate, Answer());
  Result<OcspResult> result = verify(der);
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kGood);
  STRCMP_EQUAL("good", cert_status_name(result->status));
  CHECK_TRUE(result->this_update == kNow - 60 * kMinute);
  CHECK_TRUE(result->next_update == kNow + 3 * kDay);
  CHECK_TRUE(result->revoked_at == TimePoint());
  LONGS_EQUAL(-1, result->reason);
  CHECK_TRUE(result->der == der);
}

// How Let's Encrypt answers: responderID byKey, no certificates enclosed.
TEST(Ocsp, IssuerByKeyWithoutItsCertificate) {
  Answer answer;
  answer.sign_flags = OCSP_NOCERTS | OCSP_RESPID_KEY;
  Result<OcspResult> result = verify(respond_for_leaf(pki->intermediate, answer));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kGood);
}

TEST(Ocsp, NoNextUpdate) {
  Answer answer;
  answer.next_update = TimePoint();
  Result<OcspResult> result = verify(respond_for_leaf(pki->intermediate, answer));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->next_update == result->this_update);
  // Without nextUpdate, an old answer is still within the contract.
  CHECK_TRUE(verify(respond_for_leaf(pki->intermediate, answer), kNow + 30 * kDay).ok());
}

TEST(Ocsp, Revoked) {
  Answer answer;
  answer.status = V_OCSP_CERTSTATUS_REVOKED;
  answer.reason = OCSP_REVOKED_STATUS_KEYCOMPROMISE;
  answer.revoked_at = kNow - 2 * 60 * kMinute;
  Result<OcspResult> result = verify(respond_for_leaf(pki->intermediate, answer));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kRevoked);
  STRCMP_EQUAL("revoked", cert_status_name(result->status));
  LONGS_EQUAL(1, result->reason);
  CHECK_TRUE(result->revoked_at == kNow - 2 * 60 * kMinute);
}

TEST(Ocsp, RevokedWithoutReason) {
  Answer answer;
  answer.status = V_OCSP_CERTSTATUS_REVOKED;
  answer.revoked_at = kNow - kDay;
  Result<OcspResult> result = verify(respond_for_leaf(pki->intermediate, answer));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kRevoked);
  LONGS_EQUAL(-1, result->reason);
}

TEST(Ocsp, Unknown) {
  Answer answer;
  answer.status = V_OCSP_CERTSTATUS_UNKNOWN;
  Result<OcspResult> result = verify(respond_for_leaf(pki->intermediate, answer));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kUnknown);
  STRCMP_EQUAL("unknown", cert_status_name(result->status));
}

// RFC 6960 §4.2.2.2: a responder the issuer certified for OCSPSigning.
TEST(Ocsp, DelegatedResponder) {
  Issued responder = responder_for(pki->intermediate, true, 20, kNow + 7 * kDay);
  Result<OcspResult> result = verify(respond_for_leaf(responder, Answer()));
  CHECK_TRUE_TEXT(result.ok(), result.status().message().c_str());
  CHECK_TRUE(result->status == CertStatus::kGood);
  Answer by_key;
  by_key.sign_flags = OCSP_RESPID_KEY;
  CHECK_TRUE(verify(respond_for_leaf(responder, by_key)).ok());
}

// Anything the issuer signed could otherwise vouch for its siblings.
TEST(Ocsp, DelegatedResponderNeedsTheEku) {
  Issued responder = responder_for(pki->intermediate, false, 21, kNow + 7 * kDay);
  check_rejected(respond_for_leaf(responder, Answer()),
                 "OCSP response for a.example is not signed by its issuer 'CN=Test "
                 "Intermediate' or a responder it delegated to: missing ocspsigning usage");
  Issued sibling = leaf_for("b.example", pki->intermediate, 22, nullptr);
  check_rejected(respond_for_leaf(sibling, Answer()), "missing ocspsigning usage");
}

TEST(Ocsp, DelegatedResponderOfAnotherCa) {
  Issued by_root = responder_for(pki->root, true, 23, kNow + 7 * kDay);
  check_rejected(respond_for_leaf(by_root, Answer()),
                 "not signed by its issuer 'CN=Test Intermediate' or a responder it delegated to: "
                 "certificate verify error (Verify error: unable to get local issuer certificate)");
}

TEST(Ocsp, ExpiredDelegatedResponder) {
  Issued responder = responder_for(pki->intermediate, true, 24, kNow - 60 * kMinute);
  check_rejected(respond_for_leaf(responder, Answer()), "(Verify error: certificate has expired)");
  // Judged at the caller's now, not the system clock.
  Answer answer;
  answer.this_update = kNow - 3 * 60 * kMinute;
  CHECK_TRUE(verify(respond_for_leaf(responder, answer), kNow - 2 * 60 * kMinute).ok());
}

TEST(Ocsp, WrongSigner) {
  Issued stranger = issue("Stranger CA", nullptr, "", kNow - kDay, kNow + kDay, 30);
  check_rejected(respond_for_leaf(stranger, Answer()), "(Verify error: self-signed certificate)");
  // Same name as the issuer, other key: the issuer's own certificate is
  // found by name, and the signature does not verify with it.
  Issued impostor = issue("Test Intermediate", nullptr, "", kNow - kDay, kNow + kDay, 31);
  Answer answer;
  answer.sign_flags = OCSP_NOCERTS;
  check_rejected(respond_for_leaf(impostor, answer), "signature failure");
  check_rejected(respond_for_leaf(impostor, Answer()), "signature failure");
}

TEST(Ocsp, Stale) {
  Answer answer;
  answer.this_update = kNow - 4 * kDay;
  answer.next_update = kNow - kDay;
  check_rejected(respond_for_leaf(pki->intermediate, answer),
                 ("OCSP response for a.example is stale: nextUpdate " +
                  format_rfc3339(kNow - kDay) + " is in the past")
                     .c_str());
}

TEST(Ocsp, ThisUpdateInTheFuture) {
  Answer answer;
  answer.this_update = kNow + 10 * kMinute;
  check_rejected(respond_for_leaf(pki->intermediate, answer),
                 ("OCSP response for a.example is not yet valid: thisUpdate " +
                  format_rfc3339(kNow + 10 * kMinute) + " is after now")
                     .c_str());
  answer.this_update = kNow + 4 * kMinute;  // within the skew allowance
  CHECK_TRUE(verify(respond_for_leaf(pki->intermediate, answer)).ok());
}

TEST(Ocsp, NextUpdateBeforeThisUpdate) {
  Answer answer;
  answer.next_update = answer.this_update - kMinute;
  check_rejected(respond_for_leaf(pki->intermediate, answer), "precedes thisUpdate");
}

TEST(Ocsp, ResponseForAnotherCertificate) {
  Issued other = leaf_for("b.example", pki->intermediate, 40, nullptr);
  check_rejected(ocsp_respond(other.cert, pki->intermediate.cert, pki->intermediate, Answer()),
                 "OCSP response for a.example has no status for this certificate");
}

TEST(Ocsp, UnsuccessfulResponseStatus) {
  check_rejected(unsuccessful(OCSP_RESPONSE_STATUS_TRYLATER),
                 "OCSP responder for a.example answered trylater (responseStatus 3)");
  check_rejected(unsuccessful(OCSP_RESPONSE_STATUS_UNAUTHORIZED), "unauthorized");
}

TEST(Ocsp, Garbage) {
  check_rejected("", "OCSP response for a.example is malformed");
  check_rejected("garbage", "OCSP response for a.example is malformed");
  check_rejected(respond_for_leaf(pki->intermediate, Answer()) + "x", "has trailing data");
}

TEST(Ocsp, WrongIssuerGiven) {
  Result<OcspResult> result = verify_ocsp_response(respond_for_leaf(pki->intermediate, Answer()),
                                                   pki->leaf.cert, pki->root.cert, kNow);
  CHECK_FALSE(result.ok());
  STRCMP_CONTAINS("was not issued by 'CN=Test Root'", result.status().message().c_str());
}
