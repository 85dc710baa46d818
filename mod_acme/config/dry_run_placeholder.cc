#include "config/dry_run_placeholder.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

namespace acme {

namespace {

// A throwaway P-256 pair, public on purpose: see the header for why it is
// never used for a connection.
constexpr const char kPlaceholderPem[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBxzCCAW2gAwIBAgIUcniJm1gat9VKQfEYZxFuFtFNZuIwCgYIKoZIzj0EAwIw\n"
    "JzElMCMGA1UEAwwcbW9kX2FjbWUgZHJ5LXJ1biBwbGFjZWhvbGRlcjAgFw0yNjEx\n"
    "MjkyMjQ2MjdaGA8yMTI2MTEwNTIyNDYyN1owJzElMCMGA1UEAwwcbW9kX2FjbWUg\n"
    "ZHJ5LXJ1biBwbGFjZWhvbGRlcjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKdC\n"
    "n74eMASvhtMA50KW6F3i4cBvR2y/2B5ZqwKNSZYBc5gUh+yrX8vgB5Y3oSTHPF//\n"
    "mM8o+3Q4WuUIISWRYTGjdTBzMB0GA1UdDgQWBBQIo+8YySw3UWDZgFW0dFGv0h3T\n"
    "aDAfBgNVHSMEGDAWgBQIo+8YySw3UWDZgFW0dFGv0h3TaDAjBgNVHREEHDAaghhk\n"
    "cnktcnVuLm1vZC1hY21lLmludmFsaWQwDAYDVR0TAQH/BAIwADAKBggqhkjOPQQD\n"
    "AgNIADBFAiEAghSvrIGx7ax+jrq32MyHEZC49HagcZqbZN3ymwDC8wkCIFIQetDe\n"
    "U+pC0LJ5Xwrl04Q+8fO5OLZBT8pzJRRyvxjm\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN PRIVATE KEY-----\n"
    "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrMBaVxr0uneskqs9\n"
    "gND6m6UjT9S5wuiD+s6g0ertFr2hRANCAASnQp++HjAEr4bTAOdCluhd4uHAb0ds\n"
    "v9geWasCjUmWAXOYFIfsq1/L4AeWN6Ekxzxf/5jPKPt0OFrlCCElkWEx\n"
    "-----END PRIVATE KEY-----\n";

}  // namespace

int placeholder_fd() {
  int fd = ::memfd_create("mod_acme-dry-run", MFD_CLOEXEC);
  if (fd < 0) return -1;
  const std::size_t size = std::strlen(kPlaceholderPem);
  if (::write(fd, kPlaceholderPem, size) != static_cast<ssize_t>(size)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace acme
