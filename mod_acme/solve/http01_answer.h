// What a request worker answers on the http-01 path (RFC 8555 §8.3): GET
// http://{domain}/.well-known/acme-challenge/{token} gets the key
// authorization from shared memory, and a vhost serving its self-signed
// fallback answers everything else with 503. Decided before auth, rewrites
// and redirects (httpd/request.cc); no disk, no lock held by the watchdog.
//
// For a name no certificate manages only `acmectl preflight`'s probes are
// answered (preflight/probe.h); anything else there is another tool's
// webroot and keeps working.
//
// The readiness answer, for a load balancer in front of a cluster
// (docs/cluster.md, "The load balancer"): GET
// /.well-known/acme-challenge/mod_acme-ready on any host is 200 "ready"
// while this node may be sent the CA's validations (it serves every answer
// the cluster published and its watchdog is alive: shm/activation_signal.h,
// kAnswering and the beat), else 503. A
// node without ACMESharedStore is always ready. No CA token has this form:
// tokens carry 128 random bits (RFC 8555 §8.1).
#pragma once

#include <string>
#include <vector>

#include "shm/challenge_table.h"

namespace acme {

struct Http01Answer {
  enum class Kind {
    kDecline,           // not ours: httpd goes on as usual
    kAnswer,            // 200 text/plain with body, not cached
    kNotFound,          // 404
    kMethodNotAllowed,  // 405, Allow: GET, HEAD
    kUnavailable,       // 503, Retry-After: 60 (the fallback certificate)
  };
  Kind kind = Kind::kDecline;
  std::string body;  // the key authorization, for kAnswer

  // The HTTP status each kind is sent with; 0 for kDecline.
  int http_status() const;
};

struct Http01Request {
  const char* path = nullptr;  // the URL path, undecoded
  const char* host = nullptr;  // the Host, without port (may be null)
  bool is_get = false;         // GET or HEAD
  bool on_fallback = false;    // the vhost serves its self-signed stand-in
  bool answering = true;       // this node serves the cluster's answers (readiness)
};

// The readiness answer's token (above).
inline constexpr char kReadinessToken[] = "mod_acme-ready";

// managed_hosts: sorted, lower case, the http-01 names of every certificate.
Http01Answer answer_http01(const ChallengeTable& table,
                           const std::vector<std::string>& managed_hosts,
                           const Http01Request& request);

// Whether host is in the sorted list (httpd hands over a lower-case host).
bool manages_host(const std::vector<std::string>& managed_hosts, const char* host);

}  // namespace acme
