// What each ACME directive does with its words, as plain C++: its value
// parser (config/directive_values.h) and where the result goes in the
// server's record (a vhost's VhostDirectives, the main server's
// GlobalSettings). httpd/directives.cc's table lists each directive once,
// with its arity and help text; its one guard finds the action here by
// name, checks GLOBAL_ONLY, turns a refusal into the directive's error text
// (config/directive_error.h) and keeps every C++ exception out of httpd.
#pragma once

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

struct DirectiveAction {
  const char* name;  // as httpd's table spells it
  bool global_only;  // main server only (GLOBAL_ONLY)
  Status (*apply)(const DirectiveTarget& to, const DirectiveArgs& args);
};

// The action of the directive called name; null if there is none.
const DirectiveAction* find_directive(const std::string& name);

}  // namespace acme
