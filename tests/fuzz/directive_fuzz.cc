// Fuzzes the value checks behind mod_acme's directives (httpd/directives.cc):
// the core functions its handlers call, fed a directive argument as an admin
// could write it. A few checks live inline in the handlers (ACMEContactEmail,
// ACMEProfile, ACMEPortMap's sscanf, ACMECertificateAuthority's https:// test)
// and cannot be reached without httpd's headers; see docs/reliability.md.
// Every function gets the whole input; the two-argument ones (EAB KID KEY)
// get it split at the first space, the word lists (ACMEDns01Command,
// ACMEKeyType) split at every space.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "acme/directory.h"
#include "acme/eab.h"
#include "acme/identifier.h"
#include "base/time_format.h"
#include "certset/key_variants.h"
#include "crypto/certificate.h"
#include "crypto/key.h"
#include "fuzz_util.h"
#include "schedule/policy.h"
#include "solve/dns01_responder.h"

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

void fuzz_names(const std::string& arg) {
  // ACMEDomain
  std::string name = canonical_name(arg);
  if (!is_ip_literal(name)) (void)dns_name_problem(name, true);
  (void)lower_case(arg);  // ACMEChallenges
}

void fuzz_eab(const std::string& arg) {
  auto kid_key = fuzz::split_once(arg, ' ');
  (void)parse_eab(kid_key.first, kid_key.second);
  (void)check_eab_kid(kid_key.first);
  (void)decode_eab_hmac_key(arg);
  (void)parse_eab_json(arg);  // the one-argument form: the file's JSON
}

void fuzz_lists(const std::string& arg) {
  auto list = words(arg);
  std::vector<KeyType> types;  // ACMEKeyType
  for (const auto& word : list) {
    auto type = parse_key_type(word);
    if (!type.ok()) continue;
    if (key_type_conflict(types, *type).empty()) types.push_back(*type);
  }
  if (!list.empty()) (void)shell_command(list);  // ACMEDns01Command
}

}  // namespace
}  // namespace acme

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string arg = acme::fuzz::text(data, size);
  (void)acme::known_ca_url(arg);  // ACMECertificateAuthority
  (void)acme::parse_renew_window(arg);
  (void)acme::parse_duration(arg);  // ACMECheckInterval, ACMERetryDelay
  acme::fuzz_names(arg);
  acme::fuzz_eab(arg);
  acme::fuzz_lists(arg);
  return 0;
}
