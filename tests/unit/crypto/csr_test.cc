#include "crypto/csr.h"

#include <openssl/x509.h>

#include <memory>

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

struct ReqDeleter {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
using ReqPtr = std::unique_ptr<X509_REQ, ReqDeleter>;

ReqPtr parse(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return ReqPtr(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
}

std::string common_name(X509_REQ* req) {
  char cn[256] = {0};
  if (X509_NAME_get_text_by_NID(X509_REQ_get_subject_name(req), NID_commonName, cn, sizeof(cn)) <
      0) {
    return "";
  }
  return cn;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

}  // namespace

TEST_GROUP(Csr) {
  PrivateKey key;
  void setup() override {
    key = std::move(PrivateKey::generate(KeyType::kP256).value());
  }
};

TEST(Csr, AllNamesInSan) {
  Result<std::string> der =
      make_csr_der(key, {"a.example", "www.a.example", "192.0.2.1", "2001:DB8::1"});
  CHECK_TRUE(der.ok());
  Result<std::vector<std::string>> names = csr_names(*der);
  CHECK_TRUE(names.ok());
  // RFC 8738: IP addresses are iPAddress entries, read back in canonical text.
  STRCMP_EQUAL("a.example www.a.example 192.0.2.1 2001:db8::1", join(*names).c_str());
}

TEST(Csr, FirstNameIsCommonName) {
  ReqPtr req = parse(*make_csr_der(key, {"a.example", "b.example"}));
  CHECK_TRUE(req != nullptr);
  STRCMP_EQUAL("a.example", common_name(req.get()).c_str());
  LONGS_EQUAL(0, X509_REQ_get_version(req.get()));
  LONGS_EQUAL(NID_ecdsa_with_SHA256, X509_REQ_get_signature_nid(req.get()));
  CHECK_EQUAL(1, X509_REQ_verify(req.get(), key.get()));
}

TEST(Csr, RsaKeySignsWithSha256) {
  PrivateKey rsa = std::move(PrivateKey::generate(KeyType::kRsa2048).value());
  ReqPtr req = parse(*make_csr_der(rsa, {"a.example"}));
  LONGS_EQUAL(NID_sha256WithRSAEncryption, X509_REQ_get_signature_nid(req.get()));
  CHECK_EQUAL(1, X509_REQ_verify(req.get(), rsa.get()));
}

// RFC 5280 ub-common-name is 64: a longer first name lives only in the SAN.
TEST(Csr, LongFirstNameHasNoCommonName) {
  std::string long_name = std::string(60, 'a') + ".example";
  Result<std::string> der = make_csr_der(key, {long_name, "b.example"});
  CHECK_TRUE(der.ok());
  STRCMP_EQUAL("", common_name(parse(*der).get()).c_str());
  STRCMP_EQUAL((long_name + " b.example").c_str(), join(*csr_names(*der)).c_str());
}

TEST(Csr, IpFirstNameHasNoCommonName) {
  Result<std::string> der = make_csr_der(key, {"192.0.2.1"});
  STRCMP_EQUAL("", common_name(parse(*der).get()).c_str());
  STRCMP_EQUAL("192.0.2.1", join(*csr_names(*der)).c_str());
}

TEST(Csr, RejectsBadInput) {
  CHECK_FALSE(make_csr_der(key, {}).ok());
  CHECK_FALSE(make_csr_der(key, {""}).ok());
  Result<std::string> idn = make_csr_der(key, {"b\xc3\xbc"
                                               "cher.example"});
  CHECK_FALSE(idn.ok());
  STRCMP_CONTAINS("xn--", idn.status().message().c_str());
  PrivateKey empty;
  CHECK_FALSE(make_csr_der(empty, {"a.example"}).ok());
}

TEST(Csr, NamesRejectsGarbage) {
  CHECK_FALSE(csr_names("").ok());
  CHECK_FALSE(csr_names("not der").ok());
  std::string der = *make_csr_der(key, {"a.example"});
  der[der.size() - 10] ^= 0x01;  // inside the signature
  CHECK_FALSE(csr_names(der).ok());
}
