// Parsers of the directives that shape one certificate
// (config/directive_values.h).
#include <unistd.h>

#include <algorithm>

#include "acme/challenge.h"
#include "acme/identifier.h"
#include "base/subprocess.h"  // shell_command
#include "base/time_format.h"
#include "config/directive_error.h"
#include "config/directive_values.h"
#include "config/key_variants.h"
#include "schedule/policy.h"
#include "store/layout.h"

namespace acme {

namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// A directive's list of values, each read by parse_one(arg, taken), which
// sees the values taken before it (for duplicates and conflicts). No value
// at all is a usage error saying `usage`.
template <class T, class ParseOne>
Result<std::vector<T>> parse_list(const std::vector<std::string>& args, const char* usage,
                                  ParseOne parse_one) {
  if (args.empty()) return usage_error(usage);
  std::vector<T> taken;
  for (const std::string& arg : args) {
    Result<T> value = parse_one(arg, taken);
    if (!value.ok()) return value.status();
    taken.push_back(std::move(value.value()));
  }
  return taken;
}

}  // namespace

Result<std::vector<std::string>> parse_domains(const std::vector<std::string>& args,
                                               const std::vector<std::string>& earlier) {
  const char* usage =
      "needs at least one name, e.g. 'ACMEDomain example.org www.example.org' (the first name "
      "names the certificate)";
  return parse_list<std::string>(
      args, usage,
      [&](const std::string& arg, const std::vector<std::string>& names) -> Result<std::string> {
        std::string name = canonical_name(arg);  // RFC 5952 text for IPv6
        if (!is_ip_literal(name)) {
          // "*.a.test" needs ACMEDns01Command: checked in check_config, as the
          // directives of a vhost may come in any order.
          std::string why = dns_name_problem(name, true);
          if (!why.empty()) return value_error(arg, "is not a name a CA can certify: " + why);
        }
        // The first name names the store files.
        std::string too_long =
            earlier.empty() && names.empty() ? layout::name_length_problem(name) : "";
        if (!too_long.empty()) return value_error(arg, too_long);
        if (contains(earlier, name) || contains(names, name))
          return value_error(arg, "is listed twice; list each name once");
        return name;
      });
}

Result<std::vector<KeyType>> parse_key_types(const std::vector<std::string>& args) {
  const char* usage = "needs a key type, e.g. 'ACMEKeyType p256 rsa2048'";
  return parse_list<KeyType>(
      args, usage,
      [](const std::string& arg, const std::vector<KeyType>& types) -> Result<KeyType> {
        auto type = parse_key_type(arg);
        if (!type.ok()) {
          return value_error(arg,
                             "is not a supported key type; use one of rsa2048, rsa3072, rsa4096, "
                             "p256, p384 (default p256)");
        }
        std::string conflict = key_type_conflict(types, *type);
        if (!conflict.empty()) return value_error(arg, "cannot be added: " + conflict);
        return *type;
      });
}

Result<std::vector<std::string>> parse_challenges(const std::vector<std::string>& args) {
  const char* usage =
      "needs at least one challenge type, e.g. 'ACMEChallenges tls-alpn-01 http-01' (http-01, "
      "tls-alpn-01, dns-01; most preferred first)";
  return parse_list<std::string>(
      args, usage,
      [](const std::string& arg, const std::vector<std::string>& types) -> Result<std::string> {
        std::string type = lower_case(arg);
        if (type != kHttp01 && type != kTlsAlpn01 && type != kDns01) {
          return value_error(
              arg,
              "is not a challenge type; use http-01, tls-alpn-01 and/or dns-01, most "
              "preferred first, e.g. 'ACMEChallenges tls-alpn-01 http-01'");
        }
        if (contains(types, type))
          return value_error(arg, "is listed twice; list each challenge type once");
        return type;
      });
}

Result<std::string> parse_renew_window_value(const std::string& arg) {
  if (parse_renew_window(arg).ok()) return arg;
  return value_error(arg,
                     "is not a renew window; use a percentage of the lifetime below 100% "
                     "(e.g. 33%) or a duration (e.g. 30d)");
}

Result<Seconds> parse_retry_delay(const std::string& arg) {
  auto d = parse_duration(arg);
  if (d.ok() && d->count() > 0) return d;
  return value_error(arg, "is not a positive duration; write e.g. 10m, 30s or 1h");
}

// A relative program path resolves against ServerRoot (the watchdog runs it
// from '/').
Result<std::string> parse_dns01_command(const std::vector<std::string>& args,
                                        const PathResolver& resolve) {
  std::string path = args.empty() ? "" : resolve(args[0]);
  if (path.empty() || access(path.c_str(), X_OK) != 0) {
    return value_error(args.empty() ? "" : args[0],
                       "is not an executable program; give its full path, e.g. "
                       "'ACMEDns01Command /usr/local/bin/acme-dns --zone example.org' (called as "
                       "PROGRAM [ARGS] setup|teardown NAME TOKEN TXTVALUE)");
  }
  std::vector<std::string> words = args;
  words[0] = path;
  return shell_command(words);
}

}  // namespace acme
