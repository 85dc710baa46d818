#include "solve/dns01_responder.h"

#include <thread>

#include "crypto/base64url.h"
#include "json/json.h"
#include "json/record_file.h"
#include "store/layout.h"

namespace acme {

namespace {

// Watchdog stop: how long teardowns still running may take to finish.
constexpr Millis kStopGrace{5000};

std::string wildcard_base(const std::string& name) {
  return name.compare(0, 2, "*.") == 0 ? name.substr(2) : name;
}

}  // namespace

std::string dns01_txt_value(const std::string& key_authorization) {
  return base64url_encode(sha256(key_authorization));
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
  return layout::dns01_record(token);
}

Dns01Responder::~Dns01Responder() {
  for (auto it = runs_.begin(); it != runs_.end();)
    it = it->second.action == "setup" ? runs_.erase(it) : std::next(it);  // killed
  const auto deadline = std::chrono::steady_clock::now() + kStopGrace;
  while (poll() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(Millis(50));
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
  if (runs_.count(token)) {
    Status taken = take_setup(token);
    if (taken.code() != Code::kNotFound) return taken;  // setup running or ended
  }
  Record record{id.value, dns01_txt_value(key_authorization)};
  Json saved = Json::object().set("name", record.name).set("value", record.value);
  ACME_RETURN_IF_ERROR(store_.write(record_path(token), record_file_text(saved), 0644));
  start(*command, "setup", token, record);
  return Status(Code::kPending, "ACMEDns01Command setup for " + record.name + " is running");
}

// The program running for token: still running (kPending), the outcome of a
// setup that has ended, or kNotFound once a teardown before it has ended.
Status Dns01Responder::take_setup(const std::string& token) {
  auto it = runs_.find(token);
  Run& run = it->second;
  if (!run.program->poll()) {
    return Status(Code::kPending,
                  "ACMEDns01Command " + run.action + " for " + run.record.name + " is running");
  }
  Status done = outcome(run);
  const bool setup = run.action == "setup";
  const std::string name = run.record.name;
  runs_.erase(it);
  if (!setup) {
    if (!done.ok()) log_.log(LogLevel::kWarn, kMsgDns01, done.message());
    remove_logged(store_, record_path(token), log_);  // left: torn down again next start
    return Status(Code::kNotFound, "no setup");
  }
  if (!done.ok()) return done;
  set_up_.insert(token);
  log_.log(LogLevel::kInfo, kMsgDns01,
           "dns-01: ACMEDns01Command set TXT _acme-challenge." + name + " for token " + token);
  return Status();
}

void Dns01Responder::withdraw(const Identifier& id, const std::string& token) {
  set_up_.erase(token);
  if (!is_base64url(token)) return;  // never published: tokens name files
  auto running = runs_.find(token);
  if (running != runs_.end()) {
    if (running->second.action == "teardown") return;  // already on its way
    runs_.erase(running);  // the setup is abandoned: its group is killed
  }
  auto text = store_.read(record_path(token));
  if (!text.ok()) return;  // nothing of ours was published for it
  auto saved = Json::parse(*text);
  Record record{id.value, saved.ok() ? saved->get_string_or("value", "") : ""};
  const std::string* command = command_for(id.value);
  if (command) return start(*command, "teardown", token, record);
  log_.log(LogLevel::kWarn, kMsgDns01,
           "no ACMEDns01Command for " + id.value + " any more: remove TXT _acme-challenge." +
               id.value + " yourself");
  remove_logged(store_, record_path(token), log_);
}

void Dns01Responder::withdraw_all() {
  auto files = store_.list(layout::kDns01Dir);
  if (!files.ok()) return;
  const std::string suffix = ".json";
  for (const auto& file : *files) {
    if (file.size() <= suffix.size() ||
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string token = file.substr(0, file.size() - suffix.size());
    auto text = store_.read(record_path(token));
    auto saved = text.ok() ? Json::parse(*text) : Result<Json>(text.status());
    if (saved.ok()) withdraw(Identifier{"dns", saved->get_string_or("name", "")}, token);
  }
}

bool Dns01Responder::poll() {
  for (auto it = runs_.begin(); it != runs_.end();) {
    const std::string token = it->first;
    ++it;  // take_setup may erase the entry
    if (runs_[token].action == "teardown") {
      (void)take_setup(token);  // a teardown's outcome is logged in there; nothing waits on it
    } else {
      runs_[token].program->poll();  // enforces the timeout; publish() takes the outcome
    }
  }
  return !runs_.empty();
}

// `/bin/sh -c 'COMMAND "$@"' acme-dns01 ACTION NAME TOKEN VALUE`.
void Dns01Responder::start(const std::string& command, const char* action, const std::string& token,
                           const Record& record) {
  SubprocessOptions options;
  options.timeout = options_.timeout;
  options.max_output = options_.max_output;
  Run& run = runs_[token];
  run.command = command;
  run.action = action;
  run.record = record;
  run.program = Subprocess::start(
      shell_argv(command, "acme-dns01", {action, record.name, token, record.value}), options);
}

// The program is named without its arguments (they often hold API tokens);
// what it printed goes to the error log only, never into the Status, which
// reaches the status pages.
Status Dns01Responder::outcome(const Run& run) {
  const SubprocessResult& r = run.program->result();
  if (r.ok()) return Status();
  const std::string what = "ACMEDns01Command " + program_name(run.command) + " " + run.action +
                           " for " + run.record.name + " " + r.describe();
  if (!r.output.empty()) {
    log_.log(LogLevel::kWarn, kMsgDns01,
             what + "; its output: " + one_line(r.output) + (r.truncated ? " [cut]" : ""));
  }
  const Code code = r.end == SubprocessResult::End::kTimedOut ? Code::kTimeout : Code::kIo;
  return Status(code, what + (r.output.empty() ? "" : "; see the error log for its output"));
}

}  // namespace acme
