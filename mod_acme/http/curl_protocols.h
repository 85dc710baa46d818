// Restricts a libcurl transfer to https and http: a CA's URL (directory,
// Location, Link, OCSP responder) never makes libcurl read a file, run a
// command or speak another protocol. CURLOPT_PROTOCOLS_STR is libcurl 7.85;
// older libcurl (RHEL 9 / Alma 9 ship 7.76) gets the same restriction from
// the bit mask CURLOPT_PROTOCOLS, which 7.85 deprecated. Only this file knows
// the difference. ACME_FORCE_OLD_CURL_PROTOCOLS selects the fallback on a new
// libcurl, so the unit suite runs it (tests/unit/http/curl_protocols_test.cc).
#pragma once

#include <curl/curl.h>

#if LIBCURL_VERSION_NUM >= 0x075500 && !defined(ACME_FORCE_OLD_CURL_PROTOCOLS)
#define ACME_CURL_PROTOCOLS_STR 1
#else
#define ACME_CURL_PROTOCOLS_STR 0
#endif

namespace acme {

// static: each translation unit gets its own copy, so a test can compile the
// fallback branch next to the library's without two definitions meeting.
static inline CURLcode restrict_to_http(CURL* c) {
#if ACME_CURL_PROTOCOLS_STR
  return curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
#else
  // Deprecated from 7.85 on: a forced fallback on a new libcurl must not warn.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  return curl_easy_setopt(c, CURLOPT_PROTOCOLS,
                          static_cast<long>(CURLPROTO_HTTPS | CURLPROTO_HTTP));
#pragma GCC diagnostic pop
#endif
}

}  // namespace acme
