// The cluster key (ACMESharedStoreKeyFile) and the sealing of private keys
// before they enter etcd, so an etcd backup or a member's disk leaks no key.
//
// Key file: 32 random bytes, base64, alone in the file (a trailing newline is
// fine); create it with `umask 077; openssl rand -base64 32 > FILE`. Refused
// when it is not a regular file, when group or others have any access to it,
// or when it does not decode to exactly 32 bytes; the error names the path,
// the cause and the fix.
//
// Sealed value: version byte 0x01 | 12-byte random nonce | ciphertext |
// 16-byte GCM tag (AES-256-GCM, NIST SP 800-38D). The associated data is the
// version byte followed by the etcd key name the value is stored under, so a
// sealed value copied to another key (another certificate's key slot) does not
// open. open_sealed() verifies the tag before it returns a byte.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

class ClusterKey {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  static constexpr unsigned char kVersion = 0x01;

  static Result<ClusterKey> load(const std::string& path);
  ~ClusterKey();  // wipes the key bytes
  ClusterKey(const ClusterKey&) = default;
  ClusterKey& operator=(const ClusterKey&) = default;
  // From raw bytes (tests, and the file loader); kInvalidArgument unless 32 bytes.
  static Result<ClusterKey> from_bytes(const std::string& bytes);

  // Encrypts plaintext bound to etcd_key (the full key name under the prefix).
  Result<std::string> seal(const std::string& plaintext, const std::string& etcd_key) const;
  // kCrypto when the value was not sealed with this key for this etcd_key,
  // or was altered; kProtocol when it is too short or of an unknown version.
  Result<std::string> open_sealed(const std::string& sealed, const std::string& etcd_key) const;

 private:
  explicit ClusterKey(std::string bytes) : key_(std::move(bytes)) {}
  std::string key_;
};

}  // namespace acme
