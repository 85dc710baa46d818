// Renewer: the watchdog's work. Knows every managed certificate, decides
// which are due (missing, names changed, inside the renew window) and steps
// their RenewalJobs, several interleaved up to a bound, on one thread.
// run_once() never sleeps; it returns when it next has something to do.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "http/http_client.h"
#include "renew/ari_schedule.h"
#include "renew/ca_session.h"
#include "renew/job.h"
#include "renew/live_cache.h"
#include "renew/managed_cert.h"
#include "renew/notifier.h"
#include "renew/ocsp_refresher.h"
#include "renew/status_record.h"
#include "shm/challenge_table.h"
#include "store/store.h"

namespace acme {

class Renewer {
 public:
  using HttpFactory = std::function<std::unique_ptr<HttpClient>(const CaSettings&)>;

  struct Options {
    Seconds check_interval{3600};  // ACMECheckInterval: re-read the store at least this often
    std::size_t max_parallel = 8;  // jobs in flight at once
    Seconds request_poll{2};       // how soon `acmectl renew|revoke` is picked up
    // False when nothing listens where the CA's port 80 arrives: without
    // ACMEChallenges, certificates then skip http-01.
    bool http01_by_default = true;
  };

  Renewer(Store& store, ChallengeTable& table, const Clock& clock, LogSink& log,
          HttpFactory http_factory, std::function<double()> random01, Options options);
  Renewer(const Renewer&) = delete;
  Renewer& operator=(const Renewer&) = delete;

  void set_certs(std::vector<ManagedCert> certs);
  void set_notifier(Notifier* notifier) { notifier_ = notifier ? notifier : &null_notifier_; }
  // OCSP stapling (ACMEStapling on): the refresher runs beside the jobs.
  void set_ocsp(OcspRefresher* ocsp) { ocsp_ = ocsp; }
  // Challenge types beyond http-01 (which is built in), in default order.
  void add_responder(ChallengeResponder* responder) { responders_.push_back(responder); }
  // The watchdog starts: answers left in shared memory by a previous life are
  // withdrawn; running jobs publish theirs again on their next step.
  void start();
  TimePoint run_once();

 private:
  bool due(const ManagedCert& cert, TimePoint now, TimePoint* next_check);
  TimePoint process(const ManagedCert& cert, TimePoint now);
  void take_requests(TimePoint now);
  void roll_account_keys();  // `acmectl rollover`: every CA in use
  void handle_request(const ManagedCert& cert, const AdminRequest& request);
  Status revoke_live(const ManagedCert& cert, int reason);
  void after_step(const ManagedCert& cert, const RenewalJob& job, int failures_before,
                  const RenewalJob::Outcome& outcome);
  void record(const ManagedCert& cert, const std::string& state, TimePoint next,
              const JobState* job);
  void note_live_serial(const ManagedCert& cert, const std::string& serial);
  TimePoint check_ocsp(const ManagedCert& cert);
  std::vector<ChallengeResponder*> responders_for(const ManagedCert& cert) const;
  CaSession& session_for(const CaSettings& ca);

  Store& store_;
  ChallengeTable& table_;
  const Clock& clock_;
  LogSink& log_;
  HttpFactory http_factory_;
  std::function<double()> random01_;
  Options options_;
  AriSchedule ari_{store_, clock_, log_, random01_};  // RFC 9773 renewal windows
  std::vector<ManagedCert> certs_;
  std::map<std::string, TimePoint> next_check_;  // by cert name
  std::map<std::string, TimePoint> ocsp_next_;   // by cert name: the OCSP refresher's next
  LiveCache live_{store_};                       // parsed live sets (renew/live_cache.h)
  std::map<std::string, std::unique_ptr<RenewalJob>> jobs_;
  std::map<std::string, std::unique_ptr<CaSession>> sessions_;
  std::map<std::string, bool> forced_;              // renew now, whatever is due
  std::map<std::string, std::string> last_record_;  // status JSON last written
  struct LastState {
    std::string state;
    TimePoint next;
    bool has_job = false;
    JobState job;
  };
  std::map<std::string, LastState> last_state_;        // to rewrite the record on OCSP news
  std::map<std::string, std::string> revoked_serial_;  // OCSP revocations already acted on
  // The live serial last seen, by cert name ("" none; nullopt: never known).
  std::map<std::string, std::optional<std::string>> live_serial_;
  OcspRefresher* ocsp_ = nullptr;
  Http01Responder http01_{table_};
  std::vector<ChallengeResponder*> responders_{&http01_};
  NullNotifier null_notifier_;
  Notifier* notifier_ = &null_notifier_;
};

}  // namespace acme
