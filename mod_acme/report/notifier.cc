#include "report/notifier.h"

#include <thread>

namespace acme {

namespace {
constexpr Millis kStopGrace{5000};
}  // namespace

CommandNotifier::~CommandNotifier() {
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (poll() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(Millis(50));
  if (running_ || !queue_.empty()) {
    log_.log(LogLevel::kWarn, kMsgNotify,
             "watchdog stopping: " + std::to_string(queue_.size() + (running_ ? 1 : 0)) +
                 " ACMENotifyCommand event(s) not delivered");
  }
}

void CommandNotifier::notify(const std::string& name, const std::string& event) {
  if (command_.empty()) return;
  if (queue_.size() >= kMaxQueued) {
    log_.log(LogLevel::kWarn, kMsgNotify,
             "ACMENotifyCommand " + program_name(command_) + ": " + std::to_string(kMaxQueued) +
                 " events wait already; dropped " + event + " for " + name);
    return;
  }
  queue_.push_back({name, event});
  poll();
}

bool CommandNotifier::poll() {
  for (;;) {
    if (running_) {
      if (!running_->poll()) return true;
      report(running_event_, running_->result());
      running_.reset();
    }
    if (queue_.empty()) return false;
    running_event_ = queue_.front();
    queue_.pop_front();
    SubprocessOptions options;
    options.timeout = timeout_;
    running_ = Subprocess::start(
        shell_argv(command_, "acme-notify", {running_event_.name, running_event_.event}), options);
  }
}

void CommandNotifier::report(const Event& e, const SubprocessResult& r) {
  if (r.ok()) {
    log_.log(LogLevel::kInfo, kMsgNotify, "notified " + e.event + " for " + e.name);
    return;
  }
  log_.log(LogLevel::kWarn, kMsgNotify,
           "ACMENotifyCommand " + program_name(command_) + " for " + e.name + " " + e.event + " " +
               r.describe() + (r.output.empty() ? "" : "; its output: " + one_line(r.output)));
}

}  // namespace acme
