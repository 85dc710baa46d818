// Parsers of the CA and account directives (config/directive_values.h).
#include <strings.h>
#include <unistd.h>

#include "acme/directory.h"
#include "config/directive_error.h"
#include "config/directive_values.h"

namespace acme {

// The first is used, the others in turn after repeated failures
// (renew/ca_resilience.h); the same CA twice would only repeat a failure.
Result<std::vector<std::string>> parse_cas(const std::vector<std::string>& args) {
  if (args.empty()) return usage_error("needs a directory URL or a known CA name");
  std::vector<std::string> urls;
  for (const std::string& arg : args) {
    std::string url = known_ca_url(arg);
    if (url.empty()) url = arg;
    if (url.rfind("https://", 0) != 0 || url.size() <= 8) {
      return value_error(arg,
                         "is neither an https:// directory URL nor a known CA name "
                         "(letsencrypt, letsencrypt-staging, zerossl, buypass, google)");
    }
    for (const std::string& earlier : urls)
      if (canonical_ca_url(url) == canonical_ca_url(earlier))
        return value_error(arg, "is listed twice; list each CA once");
    urls.push_back(url);
  }
  return urls;
}

Result<std::string> parse_readable_file(const std::string& arg, const PathResolver& resolve) {
  std::string path = resolve(arg);
  if (path.empty() || access(path.c_str(), R_OK) != 0) {
    return value_error(arg,
                       "is not a readable file; give the path of a PEM file with CA certificates");
  }
  return path;
}

Status parse_terms(const std::string& arg) {
  if (strcasecmp(arg.c_str(), "agreed") == 0) return Status();
  return value_error(arg,
                     "is not understood; after reading the CA's terms of service write "
                     "'ACMETermsOfService agreed'");
}

Result<std::string> parse_contact(const std::string& arg) {
  auto at = arg.find('@');
  if (arg.rfind("mailto:", 0) == 0) at = arg.find('@', 7);
  if (at == std::string::npos || at == 0 || arg.find('.', at) == std::string::npos ||
      arg.find_first_of(" ,;<>") != std::string::npos) {
    return value_error(arg,
                       "is not an e-mail address; write e.g. 'ACMEContactEmail admin@example.org'");
  }
  return arg;
}

// The HMAC key is a secret: an error names the key id or the file, never the key.
Result<ExternalAccountBinding> parse_eab_directive(const std::string& kid_or_file, const char* key,
                                                   const PathResolver& resolve) {
  Result<ExternalAccountBinding> eab = Status(Code::kNotFound, "is not a readable file");
  if (key) {
    eab = parse_eab(kid_or_file, key);
    if (!eab.ok() && check_eab_kid(kid_or_file).ok()) {
      return Status(Code::kInvalidArgument, "the HMAC key given for key id '" + kid_or_file + "' " +
                                                eab.status().message());
    }
  } else if (std::string path = resolve(kid_or_file); !path.empty()) {
    eab = read_eab_file(path);
  }
  if (!eab.ok()) return value_error(kid_or_file, eab.status().message());
  return eab;
}

Result<Profile> parse_profile(const std::string& name, const char* flag) {
  const char* allowed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
  if (name.empty() || name.size() > 64 || name.find_first_not_of(allowed) != std::string::npos) {
    return value_error(name,
                       "is not a profile name; use a name from the CA's directory "
                       "(meta.profiles), e.g. 'ACMEProfile tlsserver'");
  }
  if (flag && strcasecmp(flag, "mandatory") != 0) {
    return value_error(flag,
                       "is not understood; write 'ACMEProfile NAME' or 'ACMEProfile NAME "
                       "mandatory' (no order without that profile)");
  }
  return Profile{name, flag != nullptr};
}

Result<std::string> parse_preferred_chain(const std::string& arg) {
  if (arg.empty()) return value_error(arg, "is empty; name the issuer, e.g. 'ISRG Root X1'");
  return arg;
}

}  // namespace acme
