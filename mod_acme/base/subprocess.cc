#include "base/subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

namespace acme {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr int kMaxReadsPerPoll = 64;  // 256 KiB

// RAII for the spawn attributes: every exit path destroys them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// stdin from /dev/null, stdout and stderr into out_fd, every other
// descriptor closed (closefrom: glibc >= 2.34, after the dup2s); own process
// group, empty signal mask, default handlers.
int spawn(const std::vector<std::string>& args, int out_fd, pid_t* pid) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  SpawnSetup s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out_fd, 1);
  posix_spawn_file_actions_adddup2(&s.actions, out_fd, 2);
  posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&s.attr, &none);
  posix_spawnattr_setsigdefault(&s.attr, &all);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setflags(&s.attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  return posix_spawn(pid, argv[0], &s.actions, &s.attr, argv.data(), environ);
}

void pause_for(Millis wait) {
  struct timespec t = {0, static_cast<long>(std::min<long long>(wait.count(), 20)) * 1000000L};
  nanosleep(&t, nullptr);
}

}  // namespace

std::string SubprocessResult::describe() const {
  switch (end) {
    case End::kRunning:
      return "is still running";
    case End::kExited:
      return exit_code < 0 ? "ended with an unknown status"
                           : "exited with status " + std::to_string(exit_code);
    case End::kSignaled:
      return "was killed by signal " + std::to_string(signal);
    case End::kTimedOut:
      return "did not finish within " +
             (timeout.count() % 1000 ? std::to_string(timeout.count()) + "ms"
                                     : std::to_string(timeout.count() / 1000) + "s") +
             " and was killed";
    case End::kNotStarted:
      return "could not start: " + start_error;
  }
  return "failed";
}

std::unique_ptr<Subprocess> Subprocess::start(const std::vector<std::string>& argv,
                                              SubprocessOptions options) {
  std::unique_ptr<Subprocess> p(new Subprocess(options));
  p->deadline_ = SteadyClock::now() + options.timeout;
  int fds[2];
  if (argv.empty() || pipe2(fds, O_CLOEXEC) != 0) {
    p->result_.end = SubprocessResult::End::kNotStarted;
    p->result_.start_error = argv.empty() ? "no program" : strerror(errno);
    return p;
  }
  // Only our end is non-blocking: the program writes to a blocking pipe.
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
  p->out_fd_ = fds[0];
  int rc = spawn(argv, fds[1], &p->pid_);
  close(fds[1]);  // only the program writes: end of file once it and its children are done
  if (rc != 0) {
    p->close_output();
    p->result_.end = SubprocessResult::End::kNotStarted;
    p->result_.start_error = strerror(rc);
  }
  return p;
}

Subprocess::~Subprocess() {
  kill();
  close_output();
}

void Subprocess::close_output() {
  if (out_fd_ >= 0) close(out_fd_);
  out_fd_ = -1;
}

// What is there now; beyond max_output it is read and dropped. At most
// kMaxReadsPerPoll reads: a program writing without pause (`yes`) must not
// keep a watchdog tick here.
void Subprocess::read_output() {
  char buf[4096];
  for (int reads = 0; out_fd_ >= 0 && reads < kMaxReadsPerPoll; ++reads) {
    ssize_t got = read(out_fd_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return;
    if (got <= 0) return close_output();
    std::size_t room = options_.max_output - std::min(options_.max_output, result_.output.size());
    result_.output.append(buf, std::min<std::size_t>(room, got));
    if (static_cast<std::size_t>(got) > room) result_.truncated = true;
  }
}

// True once the program is reaped (or cannot be waited for: ECHILD).
bool Subprocess::reap(int flags) {
  int status = 0;
  pid_t done;
  do {
    done = waitpid(pid_, &status, flags);
  } while (done < 0 && errno == EINTR);
  if (done == 0) return false;
  if (done == pid_ && WIFSIGNALED(status)) {
    result_.end = SubprocessResult::End::kSignaled;
    result_.signal = WTERMSIG(status);
  } else {
    result_.end = SubprocessResult::End::kExited;
    result_.exit_code = done == pid_ && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return true;
}

bool Subprocess::poll(Millis wait) {
  if (finished()) return true;
  if (out_fd_ >= 0 && wait.count() > 0) {
    pollfd p{out_fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(wait.count()));
  } else if (wait.count() > 0) {
    pause_for(wait);
  }
  read_output();
  // Once it has ended, what is in the pipe now is all we wait for: a
  // background process it left may hold the pipe open for ever.
  if (reap(WNOHANG)) {
    read_output();
    close_output();
    return true;
  }
  if (SteadyClock::now() < deadline_) return false;
  kill();
  result_.end = SubprocessResult::End::kTimedOut;
  result_.timeout = options_.timeout;
  return true;
}

void Subprocess::kill() {
  if (finished()) return;
  ::kill(-pid_, SIGKILL);  // the group: whatever the program started goes too
  reap(0);
  read_output();
  close_output();
}

SubprocessResult run_subprocess(const std::vector<std::string>& argv, SubprocessOptions options) {
  auto p = Subprocess::start(argv, options);
  while (!p->poll(Millis(50))) {
  }
  return p->result();
}

std::vector<std::string> shell_argv(const std::string& command, const std::string& arg0,
                                    const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/sh", "-c", command + " \"$@\"", arg0};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// An environment assignment first ("TOKEN=... prog") is no program name and
// may be the secret itself.
std::string program_name(const std::string& command) {
  std::size_t begin = command.find_first_not_of(" \t");
  if (begin == std::string::npos) return "(empty command)";
  std::string word = command.substr(begin, command.find_first_of(" \t", begin) - begin);
  if (word.front() == '\'' || word.front() == '"') word = word.substr(1);
  if (!word.empty() && (word.back() == '\'' || word.back() == '"')) word.pop_back();
  if (word.empty() || word.find('=') != std::string::npos) return "(command)";
  return word;
}

std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string shell_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    out += out.empty() ? "'" : " '";
    for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += "'";
  }
  return out;
}

}  // namespace acme
