#include "crypto/jws.h"

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <memory>

#include "base/handle.h"
#include "crypto/base64url.h"
#include "crypto/jwk.h"
#include "json/json.h"

namespace acme {

namespace {

using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

using MdCtxDeleter = FreeWith<EVP_MD_CTX_free>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

using EcdsaSigDeleter = FreeWith<ECDSA_SIG_free>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, EcdsaSigDeleter>;

const EVP_MD* digest_for(KeyType type) {
  return type == KeyType::kP384 ? EVP_sha384() : EVP_sha256();
}

// Size of r and of s in a raw ECDSA signature: the curve's field size.
int ec_scalar_size(KeyType type) {
  return type == KeyType::kP384 ? 48 : 32;
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL speaks DER (SEQUENCE of two INTEGERs); JWS wants r||s, each
// left-padded to the field size (RFC 7518 §3.4).
Result<std::string> der_to_raw(const std::string& der, int n) {
  const unsigned char* p = bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return crypto_error("decoding an ECDSA signature");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(static_cast<std::size_t>(2 * n), '\0');
  auto* out = reinterpret_cast<unsigned char*>(&raw[0]);
  if (BN_bn2binpad(r, out, n) != n || BN_bn2binpad(s, out + n, n) != n) {
    return crypto_error("encoding an ECDSA signature");
  }
  return raw;
}

Result<std::string> raw_to_der(const std::string& raw, int n) {
  if (raw.size() != static_cast<std::size_t>(2 * n)) {
    return Status(Code::kVerifyFailed, "ECDSA signature has " + std::to_string(raw.size()) +
                                           " bytes, expected " + std::to_string(2 * n));
  }
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), n, nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw) + n, n, nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return crypto_error("building an ECDSA signature");
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return crypto_error("encoding an ECDSA signature");
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

Status verify_signature(const PrivateKey& key, const std::string& input,
                        const std::string& signature) {
  std::string sig = signature;
  if (!is_rsa(key.type())) {
    Result<std::string> der = raw_to_der(signature, ec_scalar_size(key.type()));
    ACME_RETURN_IF_ERROR(der);
    sig = *der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key.type()), nullptr, key.get()) != 1) {
    return crypto_error("preparing JWS verification");
  }
  int rc = EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(input), input.size());
  ERR_clear_error();
  if (rc != 1) return Status(Code::kVerifyFailed, "JWS signature does not verify with the key");
  return Status::ok_status();
}

Status set_string(json_t* object, const char* name, const std::string& value) {
  if (json_object_set_new(object, name, json_stringn(value.data(), value.size())) != 0) {
    return Status(Code::kInvalidArgument,
                  std::string("JWS header \"") + name + "\" is not valid UTF-8: " + value);
  }
  return Status::ok_status();
}

Result<std::string> dump(const json_t* json) {
  char* text = json_dumps(json, JSON_COMPACT);
  if (!text) return Status(Code::kCrypto, "serialising a JWS header failed");
  std::string out(text);
  free(text);
  return out;
}

Status set_jwk(json_t* header, const PrivateKey& key) {
  Result<std::string> jwk = jwk_json(key);
  ACME_RETURN_IF_ERROR(jwk);
  json_t* parsed = json_loads(jwk->c_str(), 0, nullptr);
  if (!parsed || json_object_set_new(header, "jwk", parsed) != 0) {
    return Status(Code::kCrypto, "embedding the account JWK in a JWS header failed");
  }
  return Status::ok_status();
}

// RFC 8555 §6.2: alg, then jwk or kid, nonce, url.
Result<std::string> protected_header(const PrivateKey& key, const JwsParams& params) {
  JsonPtr header(json_object());
  ACME_RETURN_IF_ERROR(set_string(header.get(), "alg", jws_alg(key)));
  ACME_RETURN_IF_ERROR(params.kid.empty() ? set_jwk(header.get(), key)
                                          : set_string(header.get(), "kid", params.kid));
  if (!params.nonce.empty()) ACME_RETURN_IF_ERROR(set_string(header.get(), "nonce", params.nonce));
  ACME_RETURN_IF_ERROR(set_string(header.get(), "url", params.url));
  return dump(header.get());
}

// RFC 7515 §7.2.2. Every value is base64url, so no escaping is needed.
std::string flattened(const std::string& protected64, const std::string& payload64,
                      const std::string& signature) {
  return "{\"protected\":\"" + protected64 + "\",\"payload\":\"" + payload64 +
         "\",\"signature\":\"" + base64url_encode(signature) + "\"}";
}

Result<std::string> member(json_t* object, const char* name, const char* what) {
  const char* value = json_string_value(json_object_get(object, name));
  if (!value) {
    return Status(Code::kInvalidArgument,
                  std::string(what) + " has no string member \"" + name + "\"");
  }
  return std::string(value);
}

Status check_alg(const PrivateKey& key, const std::string& protected64) {
  Result<std::string> text = base64url_decode(protected64);
  ACME_RETURN_IF_ERROR(text);
  JsonPtr header(json_loadb(text->data(), text->size(), 0, nullptr));
  if (!json_is_object(header.get())) {
    return Status(Code::kInvalidArgument, "JWS protected header is not a JSON object");
  }
  Result<std::string> alg = member(header.get(), "alg", "JWS protected header");
  ACME_RETURN_IF_ERROR(alg);
  if (*alg != jws_alg(key)) {
    return Status(Code::kVerifyFailed,
                  "JWS alg " + *alg + " does not match the key (" + jws_alg(key) + ")");
  }
  return Status::ok_status();
}

}  // namespace

Result<std::string> jws_signature(const PrivateKey& key, const std::string& signing_input) {
  if (key.empty()) return Status(Code::kInvalidArgument, "no key to sign a JWS with");
  MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx ||
      EVP_DigestSignInit(ctx.get(), nullptr, digest_for(key.type()), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes(signing_input), signing_input.size()) != 1) {
    return crypto_error("signing a JWS");
  }
  std::string sig(len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(&sig[0]);
  if (EVP_DigestSign(ctx.get(), out, &len, bytes(signing_input), signing_input.size()) != 1) {
    return crypto_error("signing a JWS");
  }
  sig.resize(len);
  if (is_rsa(key.type())) return sig;
  return der_to_raw(sig, ec_scalar_size(key.type()));
}

Result<std::string> jws_sign(const PrivateKey& key, const JwsParams& params,
                             const std::string& payload) {
  if (key.empty()) return Status(Code::kInvalidArgument, "no account key to sign a request with");
  Result<std::string> header = protected_header(key, params);
  ACME_RETURN_IF_ERROR(header);
  std::string protected64 = base64url_encode(*header);
  std::string payload64 = base64url_encode(payload);  // "" for POST-as-GET (RFC 8555 §6.3)
  Result<std::string> sig = jws_signature(key, protected64 + "." + payload64);
  ACME_RETURN_IF_ERROR(sig);
  return flattened(protected64, payload64, *sig);
}

Result<std::string> jws_sign_hs256(const std::string& hmac_key, const std::string& kid,
                                   const std::string& url, const std::string& payload) {
  if (hmac_key.empty() || kid.empty()) {
    return Status(Code::kInvalidArgument,
                  "external account binding needs the key id and HMAC key the CA issued");
  }
  JsonPtr header(json_object());
  ACME_RETURN_IF_ERROR(set_string(header.get(), "alg", "HS256"));
  ACME_RETURN_IF_ERROR(set_string(header.get(), "kid", kid));
  ACME_RETURN_IF_ERROR(set_string(header.get(), "url", url));
  Result<std::string> text = dump(header.get());
  ACME_RETURN_IF_ERROR(text);
  std::string protected64 = base64url_encode(*text);
  std::string payload64 = base64url_encode(payload);
  std::string input = protected64 + "." + payload64;
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, hmac_key.data(), hmac_key.size(),
                 bytes(input), input.size(), mac, sizeof(mac), &len)) {
    return crypto_error("computing the external account binding HMAC");
  }
  return flattened(protected64, payload64, std::string(reinterpret_cast<char*>(mac), len));
}

Result<std::string> jws_verify(const PrivateKey& key, const std::string& jws_json) {
  if (key.empty()) return Status(Code::kInvalidArgument, "no key to verify a JWS with");
  json_error_t error;
  JsonPtr root(json_loadb(jws_json.data(), jws_json.size(), 0, &error));
  if (!json_is_object(root.get())) {
    return Status(Code::kInvalidArgument,
                  std::string("JWS is not a JSON object: ") + (root ? "" : error.text));
  }
  Result<std::string> protected64 = member(root.get(), "protected", "JWS");
  ACME_RETURN_IF_ERROR(protected64);
  Result<std::string> payload64 = member(root.get(), "payload", "JWS");
  ACME_RETURN_IF_ERROR(payload64);
  Result<std::string> signature64 = member(root.get(), "signature", "JWS");
  ACME_RETURN_IF_ERROR(signature64);
  ACME_RETURN_IF_ERROR(check_alg(key, *protected64));
  Result<std::string> signature = base64url_decode(*signature64);
  ACME_RETURN_IF_ERROR(signature);
  ACME_RETURN_IF_ERROR(verify_signature(key, *protected64 + "." + *payload64, *signature));
  return base64url_decode(*payload64);
}

}  // namespace acme
