// Probes: a token and answer that this httpd serves at
// http://NAME/.well-known/acme-challenge/TOKEN, as it serves http-01
// answers, so a preflight can tell that a request for NAME reaches this
// server (and not another one that happens to answer on port 80).
//
// Only the watchdog writes the shared-memory challenge table. `acmectl
// preflight` asks it through the store's requests/ directory, like `acmectl
// renew` does: requests/_preflight-ID.json lists the probes to publish (or
// to withdraw); the watchdog publishes them and removes the file, which is
// how acmectl knows they are served. A probe lives kProbeLifetime at most,
// so one left by a killed acmectl goes away by itself.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "shm/challenge_table.h"
#include "store/store.h"

namespace acme {

constexpr Seconds kProbeLifetime{120};
// Every probe token starts so: no ACME token does (they are base64url of
// random bytes, 43 characters), and the workers answer them for any name.
constexpr const char kProbeTokenPrefix[] = "preflight-";

struct Probe {
  std::string host;
  std::string token;  // base64url, random
  std::string value;  // what the server answers, random
};

// A new probe for host with fresh random token and value.
Probe new_probe(const std::string& host);

// The request file for a batch: "requests/_preflight-ID.json". ID is
// random base64url; a certificate name never starts with '_'.
std::string probe_request_path(const std::string& id);
std::string new_probe_request_id();

Status write_probe_request(Store& store, const std::string& id, const std::vector<Probe>& probes);
Status write_probe_withdrawal(Store& store, const std::string& id,
                              const std::vector<Probe>& probes);

// The watchdog's side: publishes and withdraws what the request files ask
// (each is removed once read) and withdraws probes past their lifetime.
class ProbePublisher {
 public:
  ProbePublisher(Store& store, ChallengeTable& table, LogSink& log)
      : store_(store), table_(table), log_(log) {}
  // names: the entries of requests/ (one listing per tick, the caller's).
  void take(const std::vector<std::string>& names, TimePoint now);
  // Probes published by the module itself (the check before a first order).
  Status publish(const Probe& probe, TimePoint now);
  void withdraw(const std::string& token);
  // A probe a previous watchdog published (found in shared memory at start):
  // acmectl may be probing it this moment (the old watchdog took its request
  // just before it handed over), so it stays, for kProbeLifetime from now.
  // False for a token that is not a probe's.
  bool adopt(const std::string& token, TimePoint now);

 private:
  void take_file(const std::string& name, TimePoint now);
  Store& store_;
  ChallengeTable& table_;
  LogSink& log_;
  std::map<std::string, TimePoint> expires_;  // by token
  std::set<std::string> unremovable_;         // request files that could not be removed (said once)
};

}  // namespace acme
