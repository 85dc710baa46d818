// Notifier: tells the admin's own tooling what happened, through
// ACMENotifyCommand, called as `COMMAND NAME EVENT` for the events below.
#pragma once

#include <string>

#include "base/log.h"

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
};

class NullNotifier : public Notifier {
 public:
  void notify(const std::string&, const std::string&) override {}
};

// Runs `/bin/sh -c 'COMMAND "$@"' acme-notify NAME EVENT` (so the command
// may carry its own arguments while NAME and EVENT stay plain arguments),
// waits at most timeout, and logs a failure or a non-zero exit.
class CommandNotifier : public Notifier {
 public:
  CommandNotifier(std::string command, LogSink& log, int timeout_s = 30)
      : command_(std::move(command)), log_(log), timeout_s_(timeout_s) {}
  void notify(const std::string& name, const std::string& event) override;

 private:
  std::string command_;
  LogSink& log_;
  int timeout_s_;
};

}  // namespace acme
