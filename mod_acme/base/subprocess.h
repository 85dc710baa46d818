// Subprocess: the one way mod_acme runs an admin's program (ACMENotifyCommand,
// ACMEDns01Command), in the watchdog child, never as root.
//
// The program starts in a process group of its own (a timeout kills whatever
// it started too), with an empty signal mask and default signal handlers
// (httpd's are not meant for it), stdin from /dev/null, stdout and stderr into
// one pipe of ours (the first max_output bytes kept, the rest read and
// dropped so the program never blocks on a full pipe) and no other descriptor
// of httpd's: listening sockets, the store's lock and log files stay ours.
//
// Asynchronous: start() never waits; the caller polls the handle (each
// watchdog tick), which reads what is there, reaps the program once it has
// ended, and past the timeout kills the whole group (SIGKILL to -pgid) and
// reaps it. Destroying a handle whose program still runs does the same.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"

namespace acme {

struct SubprocessOptions {
  Millis timeout{30000};
  std::size_t max_output = 4096;  // bytes of stdout + stderr kept
};

struct SubprocessResult {
  enum class End { kRunning, kExited, kSignaled, kTimedOut, kNotStarted };
  End end = End::kRunning;
  int exit_code = -1;       // kExited
  int signal = 0;           // kSignaled
  std::string start_error;  // kNotStarted
  std::string output;       // stdout and stderr as written, at most max_output bytes
  bool truncated = false;   // the program wrote more than that
  Millis timeout{0};        // kTimedOut: the limit it ran into
  bool ok() const { return end == End::kExited && exit_code == 0; }
  // "exited with status 2", "was killed by signal 15", "did not finish within 30s and was
  // killed", "could not start: No such file or directory".
  std::string describe() const;
};

class Subprocess {
 public:
  // Starts argv[0] (a path) with argv and the current environment. A program
  // that cannot start yields a finished handle (End::kNotStarted).
  static std::unique_ptr<Subprocess> start(const std::vector<std::string>& argv,
                                           SubprocessOptions options = SubprocessOptions());
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Reads output, reaps, enforces the timeout; waits at most `wait` for output
  // (0: never blocks). True once finished (result() is final).
  bool poll(Millis wait = Millis(0));
  bool finished() const { return result_.end != SubprocessResult::End::kRunning; }
  const SubprocessResult& result() const { return result_; }
  pid_t pid() const { return pid_; }  // also the process group id
  // Kills the group now and reaps (End::kSignaled unless it had ended).
  void kill();

 private:
  Subprocess(SubprocessOptions options) : options_(options) {}
  void read_output();
  void close_output();
  bool reap(int flags);

  SubprocessOptions options_;
  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::chrono::steady_clock::time_point deadline_;
  SubprocessResult result_;
};

// Starts and polls to the end (tests, acmectl; never in a watchdog tick).
SubprocessResult run_subprocess(const std::vector<std::string>& argv,
                                SubprocessOptions options = SubprocessOptions());

// A /bin/sh command line that runs exactly argv: each word single-quoted.
// ACMEDns01Command's arguments arrive split by httpd's own quoting rules.
std::string shell_command(const std::vector<std::string>& argv);

// `/bin/sh -c 'COMMAND "$@"' ARG0 ARGS...`: an admin's command line may carry
// its own arguments while ours stay plain arguments ("$1" ...).
std::vector<std::string> shell_argv(const std::string& command, const std::string& arg0,
                                    const std::vector<std::string>& args);

// How a hook is named in log lines and messages: its program (the first word
// of the command line), never its arguments, which often hold API tokens.
std::string program_name(const std::string& command);

// Output fit for one log line: control characters become spaces.
std::string one_line(const std::string& text);

}  // namespace acme
