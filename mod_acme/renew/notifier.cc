#include "renew/notifier.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include <vector>

extern char** environ;

namespace acme {

namespace {

// Waits for pid up to timeout_s; kills it after that. Returns the wait status or -1.
int wait_bounded(pid_t pid, int timeout_s) {
  for (int waited_ms = 0;; waited_ms += 50) {
    int status = 0;
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return status;
    if (done < 0) return -1;
    if (waited_ms >= timeout_s * 1000) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return -1;
    }
    struct timespec pause = {0, 50 * 1000 * 1000};
    nanosleep(&pause, nullptr);
  }
}

}  // namespace

void CommandNotifier::notify(const std::string& name, const std::string& event) {
  if (command_.empty()) return;
  const std::string script = command_ + " \"$@\"";
  std::vector<std::string> args = {"/bin/sh", "-c", script, "acme-notify", name, event};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), environ) != 0) {
    log_.log(LogLevel::kWarn, kMsgNotify, "ACMENotifyCommand could not be started: " + command_);
    return;
  }
  int status = wait_bounded(pid, timeout_s_);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    log_.log(LogLevel::kWarn, kMsgNotify,
             "ACMENotifyCommand '" + command_ + "' for " + name + " " + event + " " +
                 (status == -1 ? "timed out after " + std::to_string(timeout_s_) + "s"
                               : "failed with status " + std::to_string(WEXITSTATUS(status))));
    return;
  }
  log_.log(LogLevel::kInfo, kMsgNotify, "notified " + event + " for " + name);
}

}  // namespace acme
