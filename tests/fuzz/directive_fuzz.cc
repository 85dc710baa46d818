// Fuzzes the value parsers behind mod_acme's directives (config/
// directive_values.h): every parser httpd/directives.cc hands a directive's
// arguments to, fed an argument as an admin could write it, and the rules
// over a vhost (config/settings.h). Every parser gets the whole input; the
// two-argument ones (EAB KID KEY, ACMEProfile NAME FLAG) get it split at the
// first space, the word lists (ACMEDomain, ACMEKeyType, ACMEChallenges,
// ACMEPortMap, ACMECertificateAuthority) split at every space. Paths resolve
// to nothing, so no file is read and no program looked for; what a found
// file or program would go through (the EAB JSON, the command's quoting) is
// fuzzed directly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "acme/eab.h"
#include "base/subprocess.h"  // shell_command
#include "config/directive_values.h"
#include "config/settings.h"
#include "fuzz_util.h"

namespace acme {
namespace {

std::vector<std::string> words(std::string rest) {
  std::vector<std::string> out;
  while (!rest.empty()) {
    auto parts = fuzz::split_once(rest, ' ');
    out.push_back(parts.first);
    rest = parts.second;
  }
  return out;
}

std::string nowhere(const std::string&) {
  return "";
}

void fuzz_one_value(const std::string& arg) {
  (void)parse_readable_file(arg, nowhere);
  (void)parse_terms(arg);
  (void)parse_contact(arg);
  (void)parse_preferred_chain(arg);
  (void)parse_renew_window_value(arg);
  (void)parse_retry_delay(arg);
  (void)parse_activation(arg);
  (void)parse_check_interval(arg);
  (void)parse_max_parallel(arg);
  (void)parse_notify_command(arg, nowhere);
  (void)parse_preflight_resolver(arg);
}

void fuzz_two_values(const std::string& arg) {
  auto [first, second] = fuzz::split_once(arg, ' ');
  (void)parse_eab_directive(first, second.c_str(), nowhere);
  (void)parse_eab_directive(arg, nullptr, nowhere);
  (void)parse_eab_json(arg);  // the one-argument form reads this JSON from its file
  (void)parse_profile(first, second.empty() ? nullptr : second.c_str());
}

void fuzz_lists(const std::string& arg) {
  const auto list = words(arg);
  (void)parse_cas(list);
  (void)parse_key_types(list);
  (void)parse_challenges(list);
  (void)parse_port_map(list);
  (void)parse_dns01_command(list, nowhere);
  if (!list.empty()) (void)shell_command(list);  // what it makes of a program found
  auto names = parse_domains(list, {});
  if (!names.ok()) return;
  VhostDirectives vhost;
  vhost.where = "fuzz.conf:1";
  vhost.domains = *names;
  (void)check_config({vhost, vhost});
  (void)managed_certs({vhost});
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string arg = acme::fuzz::text(data, size);
  acme::fuzz_one_value(arg);
  acme::fuzz_two_values(arg);
  acme::fuzz_lists(arg);
  return 0;
}
