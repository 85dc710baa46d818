#include "crypto/key.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

// A P-384 key in the traditional (SEC 1) PEM form, made with
// `openssl ecparam -genkey -name secp384r1 -noout`.
constexpr const char* kEcP384TraditionalPem = R"(-----BEGIN EC PRIVATE KEY-----
MIGkAgEBBDDTBgciYt7Hz1c8hRaecRr6iKXR65BVTuJ1eTxfnnjVtLmWQHNi03ym
C1oSQZ6zTpKgBwYFK4EEACKhZANiAAQdcc20Ux01lZah4vsmiJeFskpC/3T5uQfg
TGRLT3NCCigbswK3Hww1u0R75gCF/G3bhRYmnPWw0ceF//N0NoeHfgkNVjFjh7U+
rtduc8hiyIAibnNdCeGgKLValBkE/Us=
-----END EC PRIVATE KEY-----
)";

std::string pem_of(EVP_PKEY* pkey, const EVP_CIPHER* cipher = nullptr) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  char pass[] = "secret";
  PEM_write_bio_PrivateKey(bio.get(), pkey, cipher,
                           cipher ? reinterpret_cast<unsigned char*>(pass) : nullptr,
                           cipher ? 6 : 0, nullptr, nullptr);
  return bio_text(bio.get());
}

std::string curve_of(const PrivateKey& key) {
  char group[64] = {0};
  EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                 nullptr);
  return group;
}

void check_generated(KeyType type, int bits, const char* curve) {
  Result<PrivateKey> key = PrivateKey::generate(type);
  CHECK_TRUE(key.ok());
  CHECK_TRUE(key->type() == type);
  LONGS_EQUAL(bits, EVP_PKEY_get_bits(key->get()));
  if (curve) STRCMP_EQUAL(curve, curve_of(*key).c_str());
  Result<std::string> pem = key->to_pem();
  CHECK_TRUE(pem.ok());
  CHECK_TRUE(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0) == 0);  // PKCS#8
  Result<PrivateKey> back = PrivateKey::from_pem(*pem);
  CHECK_TRUE(back.ok());
  CHECK_TRUE(back->type() == type);
  CHECK_EQUAL(1, EVP_PKEY_eq(key->get(), back->get()));
  Result<std::string> pub = key->public_pem();
  CHECK_TRUE(pub.ok());
  CHECK_TRUE(pub->rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
}

}  // namespace

TEST_GROUP(Key){};

TEST(Key, ParseKeyTypeAccepted) {
  CHECK_TRUE(*parse_key_type("rsa2048") == KeyType::kRsa2048);
  CHECK_TRUE(*parse_key_type("RSA") == KeyType::kRsa2048);
  CHECK_TRUE(*parse_key_type("rsa3072") == KeyType::kRsa3072);
  CHECK_TRUE(*parse_key_type("RSA4096") == KeyType::kRsa4096);
  CHECK_TRUE(*parse_key_type("p256") == KeyType::kP256);
  CHECK_TRUE(*parse_key_type("EC") == KeyType::kP256);
  CHECK_TRUE(*parse_key_type("ecdsa") == KeyType::kP256);
  CHECK_TRUE(*parse_key_type("P384") == KeyType::kP384);
}

TEST(Key, ParseKeyTypeRejected) {
  for (const char* text : {"rsa1024", "ed25519", "", "p521", "p-256", "rsa 2048"}) {
    Result<KeyType> type = parse_key_type(text);
    CHECK_FALSE(type.ok());
    CHECK_TRUE(type.status().code() == Code::kInvalidArgument);
    STRCMP_CONTAINS("rsa2048, rsa3072, rsa4096, p256 or p384", type.status().message().c_str());
  }
}

TEST(Key, NamesRoundTrip) {
  for (KeyType type :
       {KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096, KeyType::kP256, KeyType::kP384}) {
    CHECK_TRUE(*parse_key_type(key_type_name(type)) == type);
  }
  STRCMP_EQUAL("rsa2048", key_type_name(KeyType::kRsa2048));
  STRCMP_EQUAL("p384", key_type_name(KeyType::kP384));
  // Aliases and any case are read, never written.
  CHECK_TRUE(*parse_key_type("RSA") == KeyType::kRsa2048);
  CHECK_TRUE(*parse_key_type("ec") == KeyType::kP256);
  CHECK_TRUE(*parse_key_type("ECDSA") == KeyType::kP256);
  CHECK_FALSE(parse_key_type("rsa1024").ok());
  CHECK_TRUE(is_rsa(KeyType::kRsa3072));
  CHECK_FALSE(is_rsa(KeyType::kP384));
}

TEST(Key, GenerateP256) {
  check_generated(KeyType::kP256, 256, "prime256v1");
}
TEST(Key, GenerateP384) {
  check_generated(KeyType::kP384, 384, "secp384r1");
}
TEST(Key, GenerateRsa2048) {
  check_generated(KeyType::kRsa2048, 2048, nullptr);
}
TEST(Key, GenerateRsa3072) {
  check_generated(KeyType::kRsa3072, 3072, nullptr);
}
TEST(Key, GenerateRsa4096) {
  check_generated(KeyType::kRsa4096, 4096, nullptr);
}

TEST(Key, FromPemAcceptsTraditionalForms) {
  Result<PrivateKey> ec = PrivateKey::from_pem(kEcP384TraditionalPem);
  CHECK_TRUE(ec.ok());
  CHECK_TRUE(ec->type() == KeyType::kP384);
  CHECK_TRUE(ec->to_pem()->rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
}

TEST(Key, FromPemRejectsUnsupportedKeys) {
  EVP_PKEY* small = EVP_RSA_gen(1024);
  Result<PrivateKey> rsa = PrivateKey::from_pem(pem_of(small));
  EVP_PKEY_free(small);
  CHECK_FALSE(rsa.ok());
  STRCMP_CONTAINS("RSA key of 1024 bits is not supported", rsa.status().message().c_str());

  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  Result<PrivateKey> edkey = PrivateKey::from_pem(pem_of(ed));
  EVP_PKEY_free(ed);
  CHECK_FALSE(edkey.ok());
  STRCMP_CONTAINS("ED25519 keys are not supported", edkey.status().message().c_str());

  EVP_PKEY* p521 = EVP_EC_gen("P-521");
  Result<PrivateKey> eckey = PrivateKey::from_pem(pem_of(p521));
  EVP_PKEY_free(p521);
  CHECK_FALSE(eckey.ok());
  STRCMP_CONTAINS("secp521r1 is not supported", eckey.status().message().c_str());
}

// An encrypted key must fail, not prompt for a passphrase on the terminal.
TEST(Key, FromPemRejectsEncryptedKeyWithoutPrompting) {
  Result<PrivateKey> plain = PrivateKey::generate(KeyType::kP256);
  Result<PrivateKey> key = PrivateKey::from_pem(pem_of(plain->get(), EVP_aes_128_cbc()));
  CHECK_FALSE(key.ok());
  STRCMP_CONTAINS("cannot read the PEM private key", key.status().message().c_str());
}

TEST(Key, FromPemRejectsGarbage) {
  CHECK_FALSE(PrivateKey::from_pem("").ok());
  CHECK_FALSE(PrivateKey::from_pem("not a key").ok());
  CHECK_FALSE(
      PrivateKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
}

TEST(Key, EmptyKeyHasNoPem) {
  PrivateKey key;
  CHECK_TRUE(key.empty());
  CHECK_FALSE(key.to_pem().ok());
}
