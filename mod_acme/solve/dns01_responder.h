// Dns01Responder: answers dns-01 challenges (RFC 8555 §8.4) through the
// admin's ACMEDns01Command, run as
//
//   PROGRAM [ARGS] setup    NAME TOKEN TXTVALUE   before the CA is asked to validate
//   PROGRAM [ARGS] teardown NAME TOKEN TXTVALUE   when the challenge is withdrawn
//
// NAME is the identifier the CA validates: "a.test" for both "a.test" and
// "*.a.test" (RFC 8555 §7.1.3). The program adds the label itself: the record
// is TXT _acme-challenge.NAME with the value TXTVALUE =
// base64url(SHA-256(key authorization)). Several values may be wanted for
// one NAME at once ("a.test" and "*.a.test" in one certificate): setup adds a
// value, teardown removes only its own. setup returns once the record is
// visible at the zone's authoritative servers; exit 0 means success.
//
// The program must be idempotent: after a restart of the watchdog a job
// publishes again (setup twice for one token), and teardown also follows a
// setup that failed half-way. Within one process setup runs once per token.
// TXTVALUE of a published record is kept in the store (dns01/<token>.json)
// so teardown gets it even when the process was restarted in between.
//
// The command (ManagedCert::dns01_command) is a /bin/sh command line; it
// runs as `/bin/sh -c 'COMMAND "$@"' acme-dns01 ACTION NAME TOKEN TXTVALUE`
// in the watchdog child (the child user, never root) through the one
// Subprocess runner (base/subprocess.h): own process group, timeout (default
// 60 s) that kills the group. Nothing waits for it: publish() starts setup
// and answers Code::kPending until it has ended (the job asks again on its
// next step); withdraw() starts teardown, which poll() (each tick) follows.
// What the program prints goes to the error log only, never into a Status:
// statuses reach /acme-status, and hook output may hold secrets.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/subprocess.h"
#include "config/managed_cert.h"
#include "solve/challenge_responder.h"
#include "store/store.h"

namespace acme {

// RFC 8555 §8.4: the TXT record's value for a key authorization.
std::string dns01_txt_value(const std::string& key_authorization);

class Dns01Responder : public ChallengeResponder {
 public:
  struct Options {
    Millis timeout{60000};
    std::size_t max_output = 2048;  // of the program's output, for the error log
  };

  // Takes the ACMEDns01Command of every certificate that has one.
  Dns01Responder(const std::vector<ManagedCert>& certs, Store& store, LogSink& log,
                 Options options);
  Dns01Responder(const std::vector<ManagedCert>& certs, Store& store, LogSink& log)
      : Dns01Responder(certs, store, log, Options()) {}
  ~Dns01Responder() override;  // teardowns get a few seconds to finish, setups are killed
  Dns01Responder(const Dns01Responder&) = delete;
  Dns01Responder& operator=(const Dns01Responder&) = delete;

  // No certificate has an ACMEDns01Command: nothing to register.
  bool empty() const { return commands_.empty(); }
  // Watchdog start: tears down every TXT value an earlier watchdog left set
  // up (it may have exited mid-teardown), as start() withdraws every http-01
  // answer; a job still in flight publishes its own again on its next step.
  void withdraw_all();

  // ChallengeResponder:
  const char* type() const override { return "dns-01"; }
  // DNS identifiers (wildcard or not) of certificates with a command; never
  // IP addresses (RFC 8738 §7).
  bool can_answer(const Identifier& id, bool wildcard) const override;
  Status publish(const Identifier& id, const std::string& token,
                 const std::string& key_authorization) override;
  void withdraw(const Identifier& id, const std::string& token) override;
  // Follows running programs (timeouts, teardowns); true while any runs.
  bool poll() override;

 private:
  struct Record {
    std::string name;
    std::string value;
  };
  struct Run {
    std::string command;
    std::string action;  // "setup" or "teardown"
    Record record;
    std::unique_ptr<Subprocess> program;
  };
  const std::string* command_for(const std::string& name) const;
  void start(const std::string& command, const char* action, const std::string& token,
             const Record& record);
  Status outcome(const Run& run);
  Status take_setup(const std::string& token);
  std::string record_path(const std::string& token) const;

  std::map<std::string, std::string> commands_;  // identifier value -> command
  Store& store_;
  LogSink& log_;
  Options options_;
  std::set<std::string> set_up_;     // tokens whose setup succeeded in this process
  std::map<std::string, Run> runs_;  // by token: at most one program per token at a time
};

}  // namespace acme
