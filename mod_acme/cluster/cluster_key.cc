#include "cluster/cluster_key.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "cluster/private_file.h"
#include "crypto/base64url.h"

namespace acme {

namespace {

constexpr std::size_t kNonceBytes = 12;  // GCM's recommended IV length (SP 800-38D §8.2)
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kMaxKeyFile = 1024;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Status key_file_error(const std::string& path, const std::string& cause) {
  return Status(Code::kInvalidArgument,
                "ACMESharedStoreKeyFile " + path + ": " + cause +
                    "; create it with: umask 077; openssl rand -base64 32 > " + path);
}

// Root reads it (post_config, acmectl) under the privilege rule
// (cluster/private_file.h): nothing another user can write is on its way.
Result<std::string> read_key_file(const std::string& path) {
  auto text = read_private_file(path, kMaxKeyFile);
  if (text.status().tag() == kPrivateFileMode) {
    return Status(Code::kInvalidArgument, "ACMESharedStoreKeyFile " + path +
                                              ": group or others may access it; make it the "
                                              "owner's alone: chmod 600 " +
                                              path);
  }
  if (text.status().code() == Code::kNotFound) return key_file_error(path, "does not exist");
  if (!text.ok()) {
    return Status(Code::kInvalidArgument,
                  "ACMESharedStoreKeyFile " + path + ": " + text.status().message());
  }
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r' || text->back() == ' ')) {
    text->pop_back();
  }
  return text;
}

std::string associated_data(const std::string& etcd_key) {
  return std::string(1, static_cast<char>(ClusterKey::kVersion)) + etcd_key;
}

}  // namespace

ClusterKey::~ClusterKey() {
  if (!key_.empty()) OPENSSL_cleanse(&key_[0], key_.size());
}

Result<ClusterKey> ClusterKey::from_bytes(const std::string& raw) {
  if (raw.size() != kKeyBytes) {
    return Status(Code::kInvalidArgument,
                  "a cluster key is 32 bytes, not " + std::to_string(raw.size()));
  }
  return ClusterKey(raw);
}

Result<ClusterKey> ClusterKey::load(const std::string& path) {
  auto text = read_key_file(path);
  ACME_RETURN_IF_ERROR(text);
  auto raw = base64_decode(*text);
  if (!raw.ok()) return key_file_error(path, "is not base64");
  if (raw->size() != kKeyBytes) {
    return key_file_error(
        path, "holds " + std::to_string(raw->size()) + " bytes, a cluster key is 32 random bytes");
  }
  return ClusterKey(std::move(raw.value()));
}

Result<std::string> ClusterKey::seal(const std::string& plaintext,
                                     const std::string& etcd_key) const {
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&nonce[0]), kNonceBytes) != 1) {
    return Status(Code::kCrypto, "sealing for etcd: no random bytes for the nonce");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  const std::string aad = associated_data(etcd_key);
  std::string out = std::string(1, static_cast<char>(kVersion)) + nonce;
  std::size_t head = out.size();
  out.resize(head + plaintext.size() + kTagBytes);
  auto* dst = reinterpret_cast<unsigned char*>(&out[head]);
  int n = 0, m = 0;
  bool ok =
      ctx &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), bytes(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), dst, &n, bytes(plaintext), static_cast<int>(plaintext.size())) ==
          1 &&
      EVP_EncryptFinal_ex(ctx.get(), dst + n, &m) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, dst + plaintext.size()) == 1;
  if (!ok) return Status(Code::kCrypto, "sealing for etcd key " + etcd_key + " failed (OpenSSL)");
  return out;
}

Result<std::string> ClusterKey::open_sealed(const std::string& sealed,
                                            const std::string& etcd_key) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes || sealed[0] != static_cast<char>(kVersion)) {
    return Status(Code::kProtocol,
                  "etcd key " + etcd_key + ": not a sealed value of a known version (mod_acme 1)");
  }
  const std::string aad = associated_data(etcd_key);
  const std::size_t length = sealed.size() - 1 - kNonceBytes - kTagBytes;
  const auto* nonce = bytes(sealed) + 1;
  const auto* body = nonce + kNonceBytes;
  std::string tag = sealed.substr(sealed.size() - kTagBytes);
  std::string out(length, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(&out[0]);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0, m = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key_), nonce) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), dst, &n, body, static_cast<int>(length)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, &tag[0]) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), dst + n, &m) == 1;  // verifies the tag
  if (!ok) {
    return Status(Code::kCrypto, "etcd key " + etcd_key +
                                     ": the sealed value does not open with this cluster key "
                                     "(another key file, altered, or moved from another key)");
  }
  return out;
}

}  // namespace acme
