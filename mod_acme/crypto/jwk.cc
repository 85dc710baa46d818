#include "crypto/jwk.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>

#include <memory>
#include <vector>

#include "base/handle.h"
#include "crypto/base64url.h"

namespace acme {

namespace {

using BnDeleter = FreeWith<BN_free>;

// base64url of a public key parameter, big-endian. width 0 means minimal
// (RSA n and e, RFC 7518 §6.3.1); otherwise left-padded to width bytes (EC
// coordinates, RFC 7518 §6.2.1.2).
Result<std::string> bn_param(const PrivateKey& key, const char* name, int width) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), name, &raw) != 1) {
    return crypto_error(std::string("reading public key parameter ") + name);
  }
  std::unique_ptr<BIGNUM, BnDeleter> bn(raw);
  int len = width > 0 ? width : BN_num_bytes(bn.get());
  std::vector<unsigned char> bytes(static_cast<std::size_t>(len));
  int written =
      width > 0 ? BN_bn2binpad(bn.get(), bytes.data(), width) : BN_bn2bin(bn.get(), bytes.data());
  if (written != len) return crypto_error(std::string("encoding public key parameter ") + name);
  return base64url_encode(std::string(bytes.begin(), bytes.end()));
}

Result<std::string> rsa_jwk(const PrivateKey& key) {
  Result<std::string> e = bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0);
  ACME_RETURN_IF_ERROR(e);
  Result<std::string> n = bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0);
  ACME_RETURN_IF_ERROR(n);
  return "{\"e\":\"" + *e + "\",\"kty\":\"RSA\",\"n\":\"" + *n + "\"}";
}

Result<std::string> ec_jwk(const PrivateKey& key) {
  bool p256 = key.type() == KeyType::kP256;
  int width = p256 ? 32 : 48;
  Result<std::string> x = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, width);
  ACME_RETURN_IF_ERROR(x);
  Result<std::string> y = bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, width);
  ACME_RETURN_IF_ERROR(y);
  return std::string("{\"crv\":\"") + (p256 ? "P-256" : "P-384") + "\",\"kty\":\"EC\",\"x\":\"" +
         *x + "\",\"y\":\"" + *y + "\"}";
}

}  // namespace

// RFC 7638 §3.2: required members only, sorted, no whitespace. Every value
// is base64url or a fixed name, so no JSON escaping is ever needed.
Result<std::string> jwk_json(const PrivateKey& key) {
  if (key.empty()) return Status(Code::kInvalidArgument, "no key to describe as a JWK");
  return is_rsa(key.type()) ? rsa_jwk(key) : ec_jwk(key);
}

Result<std::string> jwk_thumbprint(const PrivateKey& key) {
  Result<std::string> jwk = jwk_json(key);
  ACME_RETURN_IF_ERROR(jwk);
  return thumbprint_of_canonical_jwk(*jwk);
}

std::string thumbprint_of_canonical_jwk(const std::string& canonical_jwk) {
  return base64url_encode(sha256(canonical_jwk));
}

// RFC 7518 §3.1.
const char* jws_alg(const PrivateKey& key) {
  switch (key.type()) {
    case KeyType::kP256:
      return "ES256";
    case KeyType::kP384:
      return "ES384";
    default:
      return "RS256";
  }
}

}  // namespace acme
