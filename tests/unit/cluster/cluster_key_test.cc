#include "cluster/cluster_key.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "crypto/base64url.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

const std::string kRaw(32, '\x42');
const char* kSlot = "/mod_acme/certs/example.org/rsa/privkey";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A key file in a temp dir of its own, removed with the object.
class KeyFile {
 public:
  KeyFile(const std::string& content, mode_t mode) {
    char tmpl[] = "/tmp/acme-cluster-key.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/cluster.key";
    int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    CHECK(write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
    chmod(path_.c_str(), mode);
  }
  ~KeyFile() {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

ClusterKey key_of(char fill) {
  auto k = ClusterKey::from_bytes(std::string(32, fill));
  CHECK_TRUE(k.ok());
  return *k;
}

}  // namespace

TEST_GROUP(ClusterKey){};

TEST(ClusterKey, SealOpenRoundTrip) {
  ClusterKey key = key_of('\x42');
  std::string pem = "-----BEGIN PRIVATE KEY-----\nMIG...\n-----END PRIVATE KEY-----\n";
  auto sealed = key.seal(pem, kSlot);
  CHECK_TRUE(sealed.ok());
  LONGS_EQUAL(1 + 12 + pem.size() + 16, sealed->size());
  LONGS_EQUAL(0x01, static_cast<unsigned char>((*sealed)[0]));
  CHECK_FALSE(contains(*sealed, "PRIVATE KEY"));
  auto opened = key.open_sealed(*sealed, kSlot);
  CHECK_TRUE(opened.ok());
  CHECK_TRUE(*opened == pem);
}

TEST(ClusterKey, EverySealHasItsOwnNonce) {
  ClusterKey key = key_of('\x42');
  auto a = key.seal("same", kSlot);
  auto b = key.seal("same", kSlot);
  CHECK_TRUE(a.ok() && b.ok());
  CHECK_FALSE(a->substr(1, 12) == b->substr(1, 12));
  CHECK_FALSE(*a == *b);
}

TEST(ClusterKey, MovedToAnotherKeyDoesNotOpen) {
  ClusterKey key = key_of('\x42');
  auto sealed = key.seal("secret", kSlot);
  auto moved = key.open_sealed(*sealed, "/mod_acme/certs/evil.example/rsa/privkey");
  LONGS_EQUAL(static_cast<int>(Code::kCrypto), static_cast<int>(moved.status().code()));
  CHECK(contains(moved.status().message(), "evil.example"));
}

TEST(ClusterKey, AlteredOrForeignDoesNotOpen) {
  ClusterKey key = key_of('\x42');
  auto sealed = key.seal("secret", kSlot);
  for (std::size_t at : {std::size_t{1}, std::size_t{14}, sealed->size() - 1}) {
    std::string altered = *sealed;
    altered[at] = static_cast<char>(altered[at] ^ 0x01);
    CHECK_FALSE(key.open_sealed(altered, kSlot).ok());
  }
  CHECK_FALSE(key_of('\x43').open_sealed(*sealed, kSlot).ok());
}

TEST(ClusterKey, ShortOrUnknownVersionRefused) {
  ClusterKey key = key_of('\x42');
  auto sealed = key.seal("", kSlot);
  CHECK_TRUE(key.open_sealed(*sealed, kSlot).ok());  // empty plaintext is fine
  auto cut = key.open_sealed(sealed->substr(0, 28), kSlot);
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(cut.status().code()));
  std::string v2 = *sealed;
  v2[0] = 0x02;
  LONGS_EQUAL(static_cast<int>(Code::kProtocol),
              static_cast<int>(key.open_sealed(v2, kSlot).status().code()));
}

TEST(ClusterKey, FromBytesWantsExactly32) {
  CHECK_FALSE(ClusterKey::from_bytes(std::string(31, 'a')).ok());
  CHECK_FALSE(ClusterKey::from_bytes(std::string(33, 'a')).ok());
}

TEST(ClusterKey, FileWithNewlineLoadsAndMatchesItsBytes) {
  KeyFile file(base64_encode(kRaw) + "\n", 0600);
  auto key = ClusterKey::load(file.path());
  CHECK_TEXT(key.ok(), key.status().message().c_str());
  auto sealed = key->seal("x", kSlot);
  CHECK_TRUE(key_of('\x42').open_sealed(*sealed, kSlot).ok());
}

TEST(ClusterKey, FileReadableByGroupOrOthersRefused) {
  for (mode_t mode : {0640, 0604, 0620}) {
    KeyFile file(base64_encode(kRaw), mode);
    auto key = ClusterKey::load(file.path());
    CHECK_FALSE(key.ok());
    const std::string& m = key.status().message();
    CHECK_TEXT(contains(m, file.path()) && contains(m, "chmod 600"), m.c_str());
  }
}

TEST(ClusterKey, FileOfWrongSizeRefused) {
  KeyFile file(base64_encode(std::string(16, 'k')), 0600);
  auto key = ClusterKey::load(file.path());
  CHECK_FALSE(key.ok());
  const std::string& m = key.status().message();
  CHECK_TEXT(contains(m, file.path()) && contains(m, "16 bytes"), m.c_str());
  CHECK_TEXT(contains(m, "openssl rand -base64 32"), m.c_str());
}

TEST(ClusterKey, FileNotBase64OrMissingRefused) {
  KeyFile file("this is not a key\n", 0600);
  auto key = ClusterKey::load(file.path());
  CHECK_TEXT(contains(key.status().message(), "not base64"), key.status().message().c_str());
  auto missing = ClusterKey::load("/nonexistent/acme-cluster.key");
  CHECK_TEXT(contains(missing.status().message(), "/nonexistent/acme-cluster.key"),
             missing.status().message().c_str());
}

TEST(ClusterKey, FileInADirectoryOthersCanWriteRefused) {
  KeyFile file(base64_encode(kRaw), 0600);
  std::string dir = file.path().substr(0, file.path().rfind('/'));
  chmod(dir.c_str(), 0777);  // as a directory the child user may write
  auto key = ClusterKey::load(file.path());
  chmod(dir.c_str(), 0700);
  CHECK_FALSE(key.ok());
  const std::string& m = key.status().message();
  CHECK_TEXT(
      contains(m, "ACMESharedStoreKeyFile " + file.path()) && contains(m, "directory " + dir),
      m.c_str());
}
