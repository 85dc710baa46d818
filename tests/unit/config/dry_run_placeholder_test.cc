// The dry run's placeholder: a certificate and its key in one in-memory
// file, as mod_ssl reads them (SSLCertificateFile and SSLCertificateKeyFile).
#include "config/dry_run_placeholder.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "crypto/certificate.h"
#include "crypto/key.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(DryRunPlaceholder){};

TEST(DryRunPlaceholder, HoldsACertificateAndItsKey) {
  int fd = placeholder_fd();
  CHECK(fd >= 0);
  CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
  std::string pem;
  char buf[4096];
  for (ssize_t n; (n = pread(fd, buf, sizeof buf, static_cast<off_t>(pem.size()))) > 0;)
    pem.append(buf, static_cast<std::size_t>(n));
  close(fd);
  auto chain = Certificate::parse_pem_chain(pem);
  CHECK(chain.ok());
  LONGS_EQUAL(1, chain->size());
  auto key = PrivateKey::from_pem(pem);
  CHECK(key.ok());
  CHECK(key->type() == KeyType::kP256);
}
