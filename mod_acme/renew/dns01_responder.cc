#include "renew/dns01_responder.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <chrono>

#include "crypto/base64url.h"
#include "json/json.h"

extern char** environ;

namespace acme {

namespace {

constexpr const char kRecordDir[] = "dns01";

// One run of the program: how it ended and what it said on stderr.
struct ProgramRun {
  std::string start_error;  // non-empty: it never ran
  bool timed_out = false;
  int wait_status = -1;  // waitpid status; -1 if unknown
  std::string stderr_text;
};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// The program starts in a process group of its own (so a timeout kills
// whatever it started too), with default signal handling and an empty
// signal mask (httpd's are not meant for it), stdin and stdout on /dev/null
// and stderr into write_fd.
pid_t spawn(std::vector<std::string>& args, int write_fd, std::string* error) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_fd, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  sigdelset(&all, SIGKILL);
  sigdelset(&all, SIGSTOP);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *error = strerror(rc);
    return -1;
  }
  return pid;
}

// Reads what is there (waiting at most wait_ms); false at end of file.
bool read_some(int fd, int wait_ms, std::size_t cap, std::string* out) {
  pollfd p{fd, POLLIN, 0};
  int ready = poll(&p, 1, wait_ms);
  if (ready <= 0) return true;  // nothing yet (or EINTR)
  char buf[4096];
  ssize_t got = read(fd, buf, sizeof buf);
  if (got < 0) return errno == EINTR || errno == EAGAIN;
  if (got == 0) return false;
  if (out->size() < cap) out->append(buf, std::min<std::size_t>(got, cap - out->size()));
  return true;
}

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

// True once pid has ended (status set), or if it cannot be waited for.
bool reaped(pid_t pid, int* status) {
  int st = 0;
  pid_t done = waitpid(pid, &st, WNOHANG);
  if (done == pid) *status = st;
  return done == pid || (done < 0 && errno != EINTR);
}

// Runs args[0] with args, bounded by timeout; keeps the first cap bytes of stderr.
ProgramRun run_program(std::vector<std::string> args, Seconds timeout, std::size_t cap) {
  ProgramRun run;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    run.start_error = strerror(errno);
    return run;
  }
  Fd read_end(fds[0]), write_end(fds[1]);
  pid_t pid = spawn(args, write_end.get(), &run.start_error);
  write_end.reset();  // only the child writes: end of file when it is done
  if (pid < 0) return run;
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  bool open = true, exited = false;
  for (;;) {
    if (open) {
      open = read_some(read_end.get(), exited ? 0 : 50, cap, &run.stderr_text);
    } else if (!exited) {
      struct timespec pause = {0, 20 * 1000 * 1000};
      nanosleep(&pause, nullptr);
    }
    if (!exited) exited = reaped(pid, &run.wait_status);
    // Once it has exited, read what is left, but never wait for a
    // background process it left holding stderr.
    if (exited && (!open || !readable(read_end.get()))) break;
    if (Clock::now() >= deadline) {
      if (!exited) {
        kill(-pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        run.timed_out = true;
      }
      break;
    }
  }
  return run;
}

// Something fit for one log line: control characters become spaces.
std::string one_line(const std::string& text) {
  std::string out;
  for (char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string wildcard_base(const std::string& name) {
  return name.compare(0, 2, "*.") == 0 ? name.substr(2) : name;
}

}  // namespace

std::string dns01_txt_value(const std::string& key_authorization) {
  return base64url_encode(sha256(key_authorization));
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

// "a.test" and "*.a.test" both need TXT _acme-challenge.a.test, so the
// command is looked up by identifier value. A name listed as is wins over a
// wildcard for the same base (another vhost's "*.a.test"): either command is
// in charge of the same DNS record.
Dns01Responder::Dns01Responder(const std::vector<ManagedCert>& certs, Store& store, LogSink& log,
                               Options options)
    : store_(store), log_(log), options_(options) {
  for (bool wildcards : {false, true}) {
    for (const auto& cert : certs) {
      if (cert.dns01_command.empty()) continue;
      for (const auto& name : cert.names) {
        if (is_ip_literal(name) || (name.compare(0, 2, "*.") == 0) != wildcards) continue;
        commands_.emplace(wildcard_base(name), cert.dns01_command);
      }
    }
  }
}

const std::string* Dns01Responder::command_for(const std::string& name) const {
  auto it = commands_.find(name);
  return it == commands_.end() ? nullptr : &it->second;
}

// RFC 8738 §7: IP identifiers cannot be validated with dns-01.
bool Dns01Responder::can_answer(const Identifier& id, bool) const {
  return id.type == "dns" && command_for(id.value) != nullptr;
}

std::string Dns01Responder::record_path(const std::string& token) const {
  return std::string(kRecordDir) + "/" + token + ".json";
}

// RFC 8555 §8.4. The record is saved before setup runs, so teardown follows
// even a setup that failed half-way or a restart of the process.
Status Dns01Responder::publish(const Identifier& id, const std::string& token,
                               const std::string& key_authorization) {
  const std::string* command = command_for(id.value);
  if (id.type != "dns" || !command) {
    return Status(Code::kInvalidArgument,
                  "no ACMEDns01Command for " + id.value + ": dns-01 cannot answer for it");
  }
  if (!is_base64url(token)) {
    return Status(Code::kProtocol, "challenge token '" + token + "' is not base64url");
  }
  if (set_up_.count(token)) return Status();
  Record record{id.value, dns01_txt_value(key_authorization)};
  Json saved = Json::object().set("name", record.name).set("value", record.value);
  ACME_RETURN_IF_ERROR(store_.write(record_path(token), saved.dump_pretty() + "\n", 0644));
  ACME_RETURN_IF_ERROR(run(*command, "setup", token, record));
  set_up_.insert(token);
  log_.log(
      LogLevel::kInfo, kMsgDns01,
      "dns-01: ACMEDns01Command set TXT _acme-challenge." + record.name + " for token " + token);
  return Status();
}

void Dns01Responder::withdraw(const Identifier& id, const std::string& token) {
  set_up_.erase(token);
  if (!is_base64url(token)) return;  // never published: tokens name files
  auto text = store_.read(record_path(token));
  if (!text.ok()) return;  // nothing of ours was published for it
  auto saved = Json::parse(*text);
  Record record{id.value, saved.ok() ? saved->get_string_or("value", "") : ""};
  const std::string* command = command_for(id.value);
  Status done = command ? run(*command, "teardown", token, record)
                        : Status(Code::kNotFound, "no ACMEDns01Command for " + id.value +
                                                      " any more: remove TXT _acme-challenge." +
                                                      id.value + " yourself");
  if (!done.ok()) log_.log(LogLevel::kWarn, kMsgDns01, done.message());
  store_.remove(record_path(token));
}

// `/bin/sh -c 'COMMAND "$@"' acme-dns01 ACTION NAME TOKEN VALUE`: the
// command may carry its own arguments while ours stay plain arguments.
Status Dns01Responder::run(const std::string& command, const char* action, const std::string& token,
                           const Record& record) {
  ProgramRun r = run_program({"/bin/sh", "-c", command + " \"$@\"", "acme-dns01", action,
                              record.name, token, record.value},
                             options_.timeout, options_.max_stderr);
  std::string what = "ACMEDns01Command '" + command + "' " + action + " for " + record.name;
  std::string said = one_line(r.stderr_text);
  said = said.empty() ? "" : ": " + said;
  if (!r.start_error.empty()) return Status(Code::kIo, what + " could not start: " + r.start_error);
  if (r.timed_out) {
    return Status(Code::kTimeout, what + " did not finish within " +
                                      std::to_string(options_.timeout.count()) +
                                      "s and was killed" + said);
  }
  if (r.wait_status != -1 && WIFEXITED(r.wait_status) && WEXITSTATUS(r.wait_status) == 0) {
    return Status();
  }
  std::string how = r.wait_status == -1 ? "ended with an unknown status"
                    : WIFEXITED(r.wait_status)
                        ? "exited with status " + std::to_string(WEXITSTATUS(r.wait_status))
                    : WIFSIGNALED(r.wait_status)
                        ? "was killed by signal " + std::to_string(WTERMSIG(r.wait_status))
                        : "failed";
  return Status(Code::kIo, what + " " + how + said);
}

}  // namespace acme
