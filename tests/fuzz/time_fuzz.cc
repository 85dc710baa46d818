// Fuzzes the time formats read from the network, the store and the config:
// RFC 3339 timestamps (ACME "expires", ARI windows, store records), HTTP
// dates (Retry-After) and durations (directives). What parses must also
// format without fault.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/time_format.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text = acme::fuzz::text(data, size);
  auto rfc3339 = acme::parse_rfc3339(text);
  if (rfc3339.ok()) (void)acme::format_rfc3339(*rfc3339);
  auto http_date = acme::parse_http_date(text);
  if (http_date.ok()) (void)acme::format_rfc3339(*http_date);
  auto duration = acme::parse_duration(text);
  if (duration.ok()) (void)acme::format_duration(*duration);
  return 0;
}
