// Notifier: tells the admin's own tooling what happened, through
// ACMENotifyCommand, called as `COMMAND NAME EVENT` for the events below.
#pragma once

#include <deque>
#include <memory>
#include <string>

#include "base/log.h"
#include "base/subprocess.h"

namespace acme {

namespace event {
constexpr const char kRenewed[] = "renewed";      // a new certificate is obtained and verified
constexpr const char kInstalled[] = "installed";  // it went live
constexpr const char kExpiring[] = "expiring";    // renewal keeps failing and expiry is near
constexpr const char kErrored[] = "errored";      // an attempt failed (retried later)
constexpr const char kRevoked[] = "revoked";      // revoked by the admin or per OCSP
constexpr const char kOcspErrored[] = "ocsp-errored";
}  // namespace event

class Notifier {
 public:
  virtual ~Notifier() = default;
  virtual void notify(const std::string& name, const std::string& event) = 0;
  // Called each watchdog tick: moves running programs along. True while any
  // runs or waits to run.
  virtual bool poll() { return false; }
};

class NullNotifier : public Notifier {
 public:
  void notify(const std::string&, const std::string&) override {}
};

// Runs `/bin/sh -c 'COMMAND "$@"' acme-notify NAME EVENT` (so the command
// may carry its own arguments while NAME and EVENT stay plain arguments) in
// the watchdog child through the Subprocess runner: never as root, never
// waited for. Events run one at a time in the order they happened (a queue
// of at most kMaxQueued); each is bounded by timeout (its group killed). A
// failure is logged with the program's name only (its arguments may hold
// tokens) and its output.
class CommandNotifier : public Notifier {
 public:
  static constexpr std::size_t kMaxQueued = 64;

  CommandNotifier(std::string command, LogSink& log, Millis timeout = Millis(30000))
      : command_(std::move(command)), log_(log), timeout_(timeout) {}
  // Watchdog stop: what runs and waits gets a few seconds, then is killed.
  ~CommandNotifier() override;
  CommandNotifier(const CommandNotifier&) = delete;
  CommandNotifier& operator=(const CommandNotifier&) = delete;

  void notify(const std::string& name, const std::string& event) override;
  bool poll() override;

 private:
  struct Event {
    std::string name;
    std::string event;
  };
  void report(const Event& e, const SubprocessResult& r);

  std::string command_;
  LogSink& log_;
  Millis timeout_;
  std::deque<Event> queue_;
  std::unique_ptr<Subprocess> running_;
  Event running_event_;
};

}  // namespace acme
