// httpd's directive table, made from config/directive_actions.h's list:
// each directive's arity, help text and what it does with its words are
// there (the action is the table entry's cmd_data). One guard runs every
// directive: it checks GLOBAL_ONLY, turns a refused value into the directive's error text
// (directive, value, fix) and keeps every C++ exception out of httpd's C frames.
#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>
#include <http_config.h>

#include <array>
#include <cstddef>
#include <exception>

#include "config/directive_actions.h"
#include "config/directive_error.h"
#include "httpd/glue.h"

namespace acme {

namespace {

// The one guard.
const char* run(cmd_parms* cmd, int argc, const char* const argv[]) noexcept {
  const char* name = cmd->directive->directive;  // as the admin wrote it
  try {
    const auto& action = *static_cast<const DirectiveAction*>(cmd->info);
    if (action.global_only) {
      if (const char* err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) return err;
    }
    ServerConf& sc = *server_conf(cmd->server);
    const PathResolver resolve = [cmd](const std::string& path) {
      const char* resolved = ap_server_root_relative(cmd->pool, path.c_str());
      return std::string(resolved ? resolved : "");
    };
    Status status = action.apply({sc.vhost, sc.global, resolve}, DirectiveArgs(argv, argv + argc));
    if (status.ok()) return nullptr;
    return apr_pstrdup(cmd->pool, directive_message(name, status).c_str());
  } catch (const std::exception& e) {
    return apr_psprintf(cmd->pool, "%s: cannot be read (%s)", name, e.what());
  } catch (...) {
    return apr_psprintf(cmd->pool, "%s: cannot be read", name);
  }
}

}  // namespace

extern "C" {
static const char* take1(cmd_parms* cmd, void*, const char* arg) {
  return run(cmd, 1, &arg);
}
static const char* take12(cmd_parms* cmd, void*, const char* arg1, const char* arg2) {
  const char* argv[] = {arg1, arg2};
  return run(cmd, arg2 ? 2 : 1, argv);
}
static const char* take_argv(cmd_parms* cmd, void*, int argc, char* const argv[]) {
  return run(cmd, argc, argv);
}
static const char* flag(cmd_parms* cmd, void*, int on) {
  const char* word = on ? "on" : "off";
  return run(cmd, 1, &word);
}
}  // extern "C"

namespace {

// How httpd counts a directive's words, and the callback that takes them.
struct Callback {
  cmd_how how;
  cmd_func func;
};

template <class F>
cmd_func as_cmd_func(F* f) {
  return reinterpret_cast<cmd_func>(f);  // httpd calls it with the arguments `how` implies
}

// By Arity, in its order; RAW_ARGS hands the rest of the line as take1's one word.
const Callback kCallbacks[] = {{TAKE1, as_cmd_func(take1)},
                               {TAKE12, as_cmd_func(take12)},
                               {TAKE_ARGV, as_cmd_func(take_argv)},
                               {FLAG, as_cmd_func(flag)},
                               {RAW_ARGS, as_cmd_func(take1)}};
static_assert(static_cast<int>(Arity::kWholeLine) == 4, "kCallbacks follows Arity");

// config/'s list as httpd's table; each entry's cmd_data is its action.
std::array<command_rec, kDirectiveCount + 1> command_table() {
  std::array<command_rec, kDirectiveCount + 1> table{};  // the last stays zero: the end
  for (std::size_t i = 0; i < kDirectiveCount; ++i) {
    const DirectiveAction& action = directive_actions()[i];
    const Callback& cb = kCallbacks[static_cast<int>(action.arity)];
    void* data = const_cast<DirectiveAction*>(&action);  // run() reads it back as const
    table[i] = {action.name, cb.func, data, RSRC_CONF, cb.how, action.help};
  }
  return table;
}

}  // namespace

// Made when the DSO is loaded, before httpd reads the module record; its
// elements are plain C structs: nothing to destroy when the DSO is unloaded.
const std::array<command_rec, kDirectiveCount + 1> kDirectives = command_table();

}  // namespace acme
