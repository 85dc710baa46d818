// Private keys: generation, PEM round trip, and the key types mod_acme offers.
// Owns an EVP_PKEY through unique_ptr; move-only.
#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>
#include <string>

#include "base/handle.h"
#include "base/status.h"

namespace acme {

enum class KeyType { kRsa2048, kRsa3072, kRsa4096, kP256, kP384 };

constexpr KeyType kDefaultKeyType = KeyType::kP256;

// Accepts "rsa2048", "rsa3072", "rsa4096", "p256", "p384" (case-insensitive);
// "rsa" means rsa2048, "ec"/"ecdsa" mean p256.
Result<KeyType> parse_key_type(const std::string& text);
const char* key_type_name(KeyType type);  // "rsa2048", ..., "p384"
bool is_rsa(KeyType type);

using EvpPkeyDeleter = FreeWith<EVP_PKEY_free>;

class PrivateKey {
 public:
  PrivateKey() = default;
  PrivateKey(PrivateKey&&) = default;
  PrivateKey& operator=(PrivateKey&&) = default;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  static Result<PrivateKey> generate(KeyType type);
  static Result<PrivateKey> from_pem(const std::string& pem);
  // Takes ownership of pkey (freed even on error); detects the KeyType and
  // rejects keys mod_acme does not offer.
  static Result<PrivateKey> adopt(EVP_PKEY* pkey);

  Result<std::string> to_pem() const;  // PKCS#8, unencrypted
  Result<std::string> public_pem() const;
  KeyType type() const { return type_; }
  EVP_PKEY* get() const { return pkey_.get(); }
  bool empty() const { return !pkey_; }

 private:
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> pkey_;
  KeyType type_ = kDefaultKeyType;
};

// OpenSSL plumbing shared by crypto/*.cc.
using BioDeleter = FreeWith<BIO_free_all>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
std::string bio_text(BIO* bio);  // what a memory BIO holds
// Drains OpenSSL's thread error queue into one line ("" when empty).
std::string openssl_errors();
// Status(kCrypto, "<what>: <openssl errors>").
Status crypto_error(const std::string& what);

}  // namespace acme
