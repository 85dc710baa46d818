// How a directive's value is refused. The parsers of config/ return
// Result<T> (never throw); an error's message is what follows the
// directive's name: "'VALUE' what is wrong; the fix", or, for a directive
// given no argument at all, a usage text tagged kUsage ("needs ..."). The
// caller that knows the directive as the admin wrote it (httpd/directives.cc)
// joins the two with directive_message(), so every text names the
// directive, the value and the fix, and the parsers stay testable alone.
#pragma once

#include <string>

#include "base/status.h"

namespace acme {

constexpr const char* kUsage = "usage";

// "'value' fix": the value the directive refuses and how to write it.
Status value_error(const std::string& value, const std::string& fix);
// "needs ...": the directive was given no argument.
Status usage_error(const std::string& text);

// "DIRECTIVE: 'value' fix", or "DIRECTIVE needs ..." for a usage error; a
// message that begins with the directive's name (then ' ' or ':') as is.
std::string directive_message(const std::string& directive, const Status& error);

}  // namespace acme
