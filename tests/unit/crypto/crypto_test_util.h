// Helpers for the crypto tests: keys built from the JWK parameters the RFCs
// publish, the tiny PKI of crypto/test_pki.h (tests/support), and TempFile.
#pragma once

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "crypto/base64url.h"
#include "crypto/certificate.h"
#include "crypto/key.h"
#include "crypto/test_pki.h"

namespace acme {
namespace testing {

// RFC 7515 Appendix A: the payload of the A.2 and A.3 examples, and its
// signing inputs.
constexpr const char* kRfc7515Payload64 =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";
constexpr const char* kRfc7515Payload =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

inline BIGNUM* bn64(const char* text) {
  std::string bytes = *base64url_decode(text);
  return BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                   static_cast<int>(bytes.size()), nullptr);
}

inline PrivateKey key_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (EVP_PKEY_fromdata_init(ctx) != 1 ||
      EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) != 1) {
    std::abort();
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return std::move(PrivateKey::adopt(pkey).value());
}

// An RSA private key from its JWK members (RFC 7518 §6.3.2).
inline PrivateKey rsa_key_from_jwk(const std::vector<const char*>& n_e_d_p_q_dp_dq_qi) {
  static const char* const kNames[] = {
      OSSL_PKEY_PARAM_RSA_N,         OSSL_PKEY_PARAM_RSA_E,           OSSL_PKEY_PARAM_RSA_D,
      OSSL_PKEY_PARAM_RSA_FACTOR1,   OSSL_PKEY_PARAM_RSA_FACTOR2,     OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  std::vector<BIGNUM*> bns;
  for (std::size_t i = 0; i < 8; ++i) {
    bns.push_back(bn64(n_e_d_p_q_dp_dq_qi[i]));
    OSSL_PARAM_BLD_push_BN(bld, kNames[i], bns.back());
  }
  PrivateKey key = key_from_params("RSA", bld);
  for (BIGNUM* bn : bns) BN_free(bn);
  return key;
}

// An EC private key from its JWK members (RFC 7518 §6.2.2).
inline PrivateKey ec_key_from_jwk(const char* group, const char* x, const char* y, const char* d) {
  std::string point = "\x04" + *base64url_decode(x) + *base64url_decode(y);
  BIGNUM* priv = bn64(d);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv);
  PrivateKey key = key_from_params("EC", bld);
  BN_free(priv);
  return key;
}

// RFC 7515 Appendix A.2.1 (RS256).
inline PrivateKey rfc7515_rsa_key() {
  return rsa_key_from_jwk({
      "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
      "4qPCJrcS2mJPMEzP1Pt0Bm4d4Ql"
      "L-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-"
      "bSf63kpaSHSXndS5z5rexMdbBYUs"
      "LA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
      "DWNmoud"
      "F8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
      "AQAB",
      "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-"
      "7YwVol2NXOoAJe"
      "46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_"
      "V51gfpRLI9J"
      "YanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_"
      "jTj3ccPDVZFD9pIuh"
      "LhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
      "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_"
      "Py5PJdTJ"
      "NPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
      "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-"
      "7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_Yw"
      "D66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
      "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-"
      "FOKnu1R6HsJ"
      "eDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
      "h_96-mK1R_"
      "7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-N"
      "KJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
      "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_"
      "QJQ3ydy5cY7YIBi8"
      "7w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U",
  });
}

// RFC 7515 Appendix A.3.1 (ES256).
inline PrivateKey rfc7515_ec_key() {
  return ec_key_from_jwk("P-256", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                         "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                         "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI");
}

// A file removed when the object goes out of scope.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char path[] = "/tmp/acme_crypto_test_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size()))
      std::abort();
    close(fd);
    path_ = path;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace testing
}  // namespace acme
