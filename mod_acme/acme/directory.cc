#include "acme/directory.h"

#include <algorithm>
#include <cctype>

namespace acme {

Result<Directory> parse_directory(const Json& json) {
  if (!json.is_object()) return Status(Code::kProtocol, "directory is not a JSON object");
  Directory d;
  for (auto [key, field] :
       {std::pair{"newNonce", &d.new_nonce}, std::pair{"newAccount", &d.new_account},
        std::pair{"newOrder", &d.new_order}}) {
    auto url = json.get_string(key);
    if (!url.ok()) return url.status().with_context("ACME directory");
    *field = *url;
  }
  d.revoke_cert = json.get_string_or("revokeCert", "");
  d.key_change = json.get_string_or("keyChange", "");
  d.renewal_info = json.get_string_or("renewalInfo", "");
  Json meta = json.get("meta");
  if (meta.is_object()) {
    d.terms_of_service = meta.get_string_or("termsOfService", "");
    d.website = meta.get_string_or("website", "");
    d.external_account_required = meta.get_bool_or("externalAccountRequired", false);
    auto caa = meta.get_string_array("caaIdentities");
    if (caa.ok()) d.caa_identities = *caa;
    Json profiles = meta.get("profiles");
    if (profiles.is_object()) {
      const char* key;
      json_t* value;
      json_object_foreach(profiles.raw(), key, value) {
        d.profiles.push_back(key);
      }
    }
  }
  return d;
}

std::string known_ca_url(const std::string& text) {
  std::string name;
  for (char c : text) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "letsencrypt") return "https://acme-v02.api.letsencrypt.org/directory";
  if (name == "letsencrypt-staging")
    return "https://acme-staging-v02.api.letsencrypt.org/directory";
  if (name == "zerossl") return "https://acme.zerossl.com/v2/DV90";
  if (name == "buypass") return "https://api.buypass.com/acme/directory";
  if (name == "buypass-test") return "https://api.test4.buypass.no/acme/directory";
  if (name == "google") return "https://dv.acme-v02.api.pki.goog/directory";
  if (name == "google-staging") return "https://dv.acme-v02.test-api.pki.goog/directory";
  return "";
}

}  // namespace acme
