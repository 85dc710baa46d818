// OcspRefresher: keeps a fresh, verified OCSP response (RFC 6960) for every
// live certificate that names a responder: fetched by the watchdog,
// persisted in ocsp/<name>.der (so a restart staples at once), and put in
// shared memory for the workers' stapling. Refreshed at half the response's
// validity; failures retry with backoff while the last good response keeps
// being stapled. Certificates without an OCSP URL (Let's Encrypt since
// 2025) are skipped quietly.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "config/managed_cert.h"
#include "crypto/ocsp.h"
#include "http/http_client.h"
#include "shm/ocsp_table.h"
#include "store/store.h"

namespace acme {

struct OcspState {
  std::string serial;  // of the certificate the state is about
  bool no_responder = false;
  bool have_response = false;
  CertStatus status = CertStatus::kUnknown;
  TimePoint next_update{};
  TimePoint next_refresh{};
  int failures = 0;
  std::string last_error;
};

// The shared-memory entry of a certificate's response (keyed by the
// certificate's name) carries the serial of the leaf it is for, so a renewed
// certificate (same name, new serial) is never stapled with its
// predecessor's response: the worker staples only an entry for the serial of
// the certificate mod_ssl primed (staple/stapling_index.h).
std::string staple_entry(const std::string& serial_hex, const std::string& der);
bool staple_for_serial(const std::string& entry, const std::string& serial_hex, std::string* der);

class OcspRefresher {
 public:
  struct Outcome {
    TimePoint next;        // when to look again
    bool revoked = false;  // the responder says the live certificate is revoked
    bool errored = false;  // this attempt failed
  };

  OcspRefresher(Store& store, OcspTable& table, const Clock& clock, LogSink& log,
                std::unique_ptr<HttpClient> http);
  OcspRefresher(const OcspRefresher&) = delete;
  OcspRefresher& operator=(const OcspRefresher&) = delete;

  // Puts the persisted response (ocsp/<name>.der) into shared memory if it
  // still verifies for the live leaf and issuer and is fresh: after a full
  // restart the table is empty until then. Watchdog (child user) only: root
  // reads nothing in the child-writable ocsp/.
  void load(const ManagedCert& cert);
  Outcome refresh(const ManagedCert& cert);
  const OcspState* state(const std::string& name) const;

 private:
  struct Live;
  Result<Live> read_live_pair(const std::string& name) const;
  Result<OcspResult> fetch(const Live& live, const std::string& url);
  void accept(const ManagedCert& cert, OcspState& st, const OcspResult& result, bool fresh);
  Outcome fail(const ManagedCert& cert, OcspState& st, const Status& error);

  Store& store_;
  OcspTable& table_;
  const Clock& clock_;
  LogSink& log_;
  std::unique_ptr<HttpClient> http_;
  std::map<std::string, OcspState> states_;
};

}  // namespace acme
