// Parsers of the server-wide directives (config/directive_values.h).
#include <strings.h>
#include <unistd.h>

#include <cstdio>

#include "base/time_format.h"
#include "config/directive_error.h"
#include "config/directive_values.h"

namespace acme {

Result<bool> parse_activation(const std::string& arg) {
  if (strcasecmp(arg.c_str(), "auto") == 0) return false;
  if (strcasecmp(arg.c_str(), "manual") == 0) return true;
  return value_error(arg, "is not 'auto' (graceful restart by the module) or 'manual'");
}

Result<Seconds> parse_check_interval(const std::string& arg) {
  auto d = parse_duration(arg);
  if (d.ok() && d->count() > 0) return d;
  return value_error(arg, "is not a positive duration; write e.g. 1h, 30m or 3600s");
}

Result<std::size_t> parse_max_parallel(const std::string& text) {
  std::size_t n = 0;
  bool digits = !text.empty() && text.size() <= 5;
  for (char c : text) {
    if (c < '0' || c > '9') digits = false;
    if (digits) n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (!digits || n < 1 || n > kMaxMaxParallel) {
    return value_error(
        text, "is not a whole number from 1 to " + std::to_string(kMaxMaxParallel) +
                  "; write e.g. 256, the default (more orders at once than the CA allows only "
                  "earn rate-limit answers)");
  }
  return n;
}

// The port the CA connects to, and the local port httpd listens on for it
// (setups behind port mappings).
Result<PortMap> parse_port_map(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("needs 80:PORT and/or 443:PORT");
  PortMap map;
  for (const std::string& arg : args) {
    int external = 0, local = 0;
    char extra = 0;
    if (sscanf(arg.c_str(), "%d:%d%c", &external, &local, &extra) != 2 || local < 1 ||
        local > 65535 || (external != 80 && external != 443)) {
      return value_error(arg,
                         "is not a port mapping; write 80:LOCAL and/or 443:LOCAL, "
                         "e.g. 'ACMEPortMap 80:8080 443:8443'");
    }
    (external == 80 ? map.http : map.https) = local;
  }
  return map;
}

Result<std::string> parse_notify_command(const std::string& arg, const PathResolver& resolve) {
  std::string program = arg.substr(0, arg.find(' '));
  std::string path = program.empty() ? "" : resolve(program);
  if (path.empty() || access(path.c_str(), X_OK) != 0) {
    // The program only: the arguments may hold an API token.
    return value_error(program,
                       "is not an executable program; give its full path, e.g. "
                       "'ACMENotifyCommand /usr/local/bin/acme-notify' (called as PROGRAM NAME "
                       "EVENT)");
  }
  return arg;
}

Result<ResolverOptions> parse_preflight_resolver(const std::string& arg) {
  auto address = parse_resolver_address(arg);
  if (!address.ok()) return value_error(arg, address.status().message());
  return address;
}

}  // namespace acme
