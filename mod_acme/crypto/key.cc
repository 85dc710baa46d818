#include "crypto/key.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>

#include "base/enum_names.h"

namespace acme {

namespace {

constexpr const char* kKeyTypeChoices = "rsa2048, rsa3072, rsa4096, p256 or p384";

// Names first, then the aliases parse_key_type() accepts too.
constexpr EnumName<KeyType> kKeyTypeNames[] = {
    {KeyType::kRsa2048, "rsa2048"}, {KeyType::kRsa3072, "rsa3072"}, {KeyType::kRsa4096, "rsa4096"},
    {KeyType::kP256, "p256"},       {KeyType::kP384, "p384"},       {KeyType::kRsa2048, "rsa"},
    {KeyType::kP256, "ec"},         {KeyType::kP256, "ecdsa"},
};

// A PEM password callback that refuses: OpenSSL's default would prompt on
// the terminal, which would hang a daemon on an encrypted key.
int no_password(char*, int, int, void*) {
  return -1;
}

Result<KeyType> rsa_type(EVP_PKEY* pkey) {
  int bits = EVP_PKEY_get_bits(pkey);
  if (bits == 2048) return KeyType::kRsa2048;
  if (bits == 3072) return KeyType::kRsa3072;
  if (bits == 4096) return KeyType::kRsa4096;
  return Status(Code::kInvalidArgument, "RSA key of " + std::to_string(bits) +
                                            " bits is not supported; use 2048, 3072 or 4096");
}

Result<KeyType> ec_type(EVP_PKEY* pkey) {
  char group[80] = {0};
  if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     nullptr) != 1) {
    return Status(Code::kInvalidArgument,
                  "EC key without a named curve is not supported; use P-256 or P-384");
  }
  int nid = OBJ_txt2nid(group);
  if (nid == NID_undef) nid = EC_curve_nist2nid(group);
  if (nid == NID_X9_62_prime256v1) return KeyType::kP256;
  if (nid == NID_secp384r1) return KeyType::kP384;
  return Status(Code::kInvalidArgument,
                std::string("EC key on curve ") + group + " is not supported; use P-256 or P-384");
}

Result<KeyType> detect_type(EVP_PKEY* pkey) {
  switch (EVP_PKEY_get_base_id(pkey)) {
    case EVP_PKEY_RSA:
      return rsa_type(pkey);
    case EVP_PKEY_EC:
      return ec_type(pkey);
    default:
      break;
  }
  const char* name = EVP_PKEY_get0_type_name(pkey);
  return Status(Code::kInvalidArgument, std::string(name ? name : "unknown") +
                                            " keys are not supported; use an RSA or EC key (" +
                                            kKeyTypeChoices + ")");
}

}  // namespace

Result<KeyType> parse_key_type(const std::string& text) {
  std::string t = text;
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (auto type = enum_named(t, kKeyTypeNames)) return *type;
  return Status(Code::kInvalidArgument, "unknown key type '" + text + "'; use " + kKeyTypeChoices);
}

const char* key_type_name(KeyType type) {
  return name_of(type, kKeyTypeNames, "unknown");
}

bool is_rsa(KeyType type) {
  return type == KeyType::kRsa2048 || type == KeyType::kRsa3072 || type == KeyType::kRsa4096;
}

Result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* pkey = nullptr;
  switch (type) {
    case KeyType::kRsa2048:
      pkey = EVP_RSA_gen(2048);
      break;
    case KeyType::kRsa3072:
      pkey = EVP_RSA_gen(3072);
      break;
    case KeyType::kRsa4096:
      pkey = EVP_RSA_gen(4096);
      break;
    case KeyType::kP256:
      pkey = EVP_EC_gen("P-256");
      break;
    case KeyType::kP384:
      pkey = EVP_EC_gen("P-384");
      break;
  }
  if (!pkey) return crypto_error(std::string("generating a ") + key_type_name(type) + " key");
  PrivateKey key;
  key.pkey_.reset(pkey);
  key.type_ = type;
  // Spelled out: compilers before P1825 do not move a local into Result<T>.
  return Result<PrivateKey>(std::move(key));
}

Result<PrivateKey> PrivateKey::adopt(EVP_PKEY* pkey) {
  std::unique_ptr<EVP_PKEY, EvpPkeyDeleter> owned(pkey);
  if (!owned) return Status(Code::kInvalidArgument, "no private key");
  Result<KeyType> type = detect_type(owned.get());
  if (!type.ok()) return type.status();
  PrivateKey key;
  key.pkey_ = std::move(owned);
  key.type_ = *type;
  return Result<PrivateKey>(std::move(key));
}

Result<PrivateKey> PrivateKey::from_pem(const std::string& pem) {
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return Status(Code::kInvalidArgument, "no PEM private key found (no -----BEGIN line)");
  }
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return crypto_error("reading a private key");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr);
  if (!pkey) {
    return Status(Code::kInvalidArgument,
                  "cannot read the PEM private key (an unencrypted PKCS#8, RSA or EC private "
                  "key is expected): " +
                      openssl_errors());
  }
  return adopt(pkey);
}

Result<std::string> PrivateKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || empty() ||
      PEM_write_bio_PrivateKey(bio.get(), get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return crypto_error("writing the private key as PEM");
  }
  return bio_text(bio.get());
}

Result<std::string> PrivateKey::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || empty() || PEM_write_bio_PUBKEY(bio.get(), get()) != 1) {
    return crypto_error("writing the public key as PEM");
  }
  return bio_text(bio.get());
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || !data) return std::string();
  return std::string(data, static_cast<std::size_t>(len));
}

std::string openssl_errors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(code);
    std::string one = reason ? reason : "error " + std::to_string(ERR_GET_REASON(code));
    if (text.find(one) != std::string::npos) continue;  // the same reason, one level up
    if (!text.empty()) text += "; ";
    text += one;
  }
  return text;
}

Status crypto_error(const std::string& what) {
  std::string errors = openssl_errors();
  return Status(Code::kCrypto, what + " failed" + (errors.empty() ? "" : ": " + errors));
}

}  // namespace acme
