// Fuzzes the HTTP header values mod_acme interprets: Retry-After (RFC 9110
// §10.2.3, as delta-seconds or HTTP-date; also ARI's clamped form, RFC 9773
// §4.3) and Link (RFC 8288, "up" / "alternate" / "index"). The first byte
// picks: 'r' Retry-After, 'l' Link (the rest split at '\n' into several
// Link headers); anything else feeds both.
#include <cstddef>
#include <cstdint>
#include <string>

#include "acme/ari.h"
#include "fuzz_util.h"
#include "http/http_client.h"
#include "http/retry_after.h"

namespace acme {
namespace {

void fuzz_retry_after(const std::string& value) {
  (void)parse_retry_after(value, fuzz::fixed_now());
  HttpResponse r;
  r.headers.emplace("retry-after", value);
  (void)ari_retry_after(r, fuzz::fixed_now());
}

void fuzz_links(const std::string& values) {
  HttpResponse r;
  std::string rest = values;
  while (!rest.empty()) {
    auto parts = fuzz::split_once(rest, '\n');
    r.headers.emplace("link", parts.first);
    rest = parts.second;
  }
  for (const char* rel : {"up", "alternate", "index"}) (void)r.links(rel);
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string value = acme::fuzz::text(data + 1, size - 1);
  if (data[0] != 'l') acme::fuzz_retry_after(value);
  if (data[0] != 'r') acme::fuzz_links(value);
  return 0;
}
