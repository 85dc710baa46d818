// Every ACME directive, once, as plain C++: how many words it takes, its help
// text, its value parser (config/directive_values.h) and where the result
// goes in the server's record (a vhost's VhostDirectives, the main server's
// GlobalSettings). httpd/directives.cc makes httpd's command table from this
// list (one entry per action, the action as its cmd_data); its one guard
// checks GLOBAL_ONLY, turns a refusal into the directive's error text
// (config/directive_error.h) and keeps every C++ exception out of httpd.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/directive_values.h"
#include "config/settings.h"

namespace acme {

// The server's record a directive line writes into.
struct DirectiveTarget {
  VhostDirectives& vhost;
  GlobalSettings& global;       // kept from the main server's only
  const PathResolver& resolve;  // against ServerRoot; "" when it cannot
};

using DirectiveArgs = std::vector<std::string>;  // as written; a flag as "on" or "off"

// The words a directive takes, as httpd counts them before apply() runs:
// apply() reads args[0] (and args[1] for kOneOrTwo) without looking.
enum class Arity {
  kOne,        // TAKE1
  kOneOrTwo,   // TAKE12
  kWords,      // TAKE_ARGV: one or more
  kFlag,       // FLAG: "on" or "off"
  kWholeLine,  // RAW_ARGS: the rest of the line as one word
};

struct DirectiveAction {
  const char* name;  // as httpd's table spells it
  bool global_only;  // main server only (GLOBAL_ONLY)
  Arity arity;
  Status (*apply)(const DirectiveTarget& to, const DirectiveArgs& args);
  const char* help;  // `httpd -L`, and httpd's error for a wrong number of words
};

// Every directive, in the order `httpd -L` lists them.
constexpr std::size_t kDirectiveCount = 29;
const DirectiveAction* directive_actions();  // kDirectiveCount of them

// The action of the directive called name; null if there is none.
const DirectiveAction* find_directive(const std::string& name);

}  // namespace acme
