// CurlProber: the Prober of checks.h over libcurl. Connects to the address
// given (not to what NAME resolves to here), sends NAME as Host and SNI,
// asks for the probe's path and compares the body with the probe's value.
// TLS (tls-alpn-01's port) is not verified: the point is which server
// answers, and the probe's random value shows that.
#pragma once

#include <map>
#include <string>

#include "base/clock.h"
#include "preflight/checks.h"
#include "preflight/probe.h"

namespace acme {

class CurlProber : public Prober {
 public:
  explicit CurlProber(Seconds timeout) : timeout_(timeout) {}
  void add(const Probe& probe) { probes_[probe.host] = probe; }
  Status probe(const std::string& address, int port, bool tls, const std::string& name) override;
  std::string url(const std::string& name, int port, bool tls) const override;

 private:
  Seconds timeout_;
  std::map<std::string, Probe> probes_;  // by host
};

}  // namespace acme
