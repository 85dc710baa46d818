#include "config/settings.h"

#include <unistd.h>

#include <map>

#include "acme/directory.h"
#include "config/key_variants.h"
#include "crypto/base64url.h"
#include "schedule/policy.h"

namespace acme {

namespace {

template <class T>
void inherit(T& field, const T& base) {
  if (field == T()) field = base;
}

}  // namespace

VhostDirectives merge_vhost(const VhostDirectives& base, const VhostDirectives& add) {
  VhostDirectives m = add;
  inherit(m.cas, base.cas);
  inherit(m.ca_file, base.ca_file);
  inherit(m.trust_anchor_file, base.trust_anchor_file);
  m.terms_agreed = add.terms_agreed || base.terms_agreed;  // only 'agreed' can be written
  inherit(m.contact, base.contact);
  if (add.eab_kid.empty()) {
    m.eab_kid = base.eab_kid;
    m.eab_key = base.eab_key;
  }
  inherit(m.key_types, base.key_types);
  inherit(m.key_reuse, base.key_reuse);
  inherit(m.preferred_chain, base.preferred_chain);
  if (add.profile.name.empty()) m.profile = base.profile;
  inherit(m.renew_window, base.renew_window);
  inherit(m.retry_delay, base.retry_delay);
  inherit(m.dns01_command, base.dns01_command);
  inherit(m.challenges, base.challenges);
  return m;
}

Status check_config(const std::vector<VhostDirectives>& vhosts) {
  std::map<std::string, std::string> owner;  // name -> vhost
  for (const VhostDirectives& vhost : vhosts) {
    for (const std::string& name : vhost.domains) {
      auto [it, fresh] = owner.emplace(name, vhost.where);
      if (!fresh) {
        return Status(Code::kInvalidArgument,
                      "ACMEDomain: '" + name + "' is managed twice (virtual hosts at " +
                          it->second + " and " + vhost.where + "); name it in one ACMEDomain only");
      }
      if (name.compare(0, 2, "*.") == 0 && vhost.dns01_command.empty()) {
        return Status(Code::kInvalidArgument,
                      "ACMEDomain: '" + name + "' (virtual host at " + vhost.where +
                          "): wildcard names need the dns-01 challenge: set ACMEDns01Command");
      }
    }
  }
  return Status();
}

namespace {

// The first CA and its failover: the same API trust, contact and terms; an
// EAB binds an account at the first CA only.
void set_cas(const VhostDirectives& vhost, ManagedCert& c) {
  c.ca.directory_url = vhost.cas.empty() ? known_ca_url("letsencrypt") : vhost.cas.front();
  c.ca.ca_file = vhost.ca_file;
  if (!vhost.contact.empty()) c.ca.contact.push_back(vhost.contact);
  c.ca.terms_agreed = vhost.terms_agreed;
  auto eab_key = base64url_decode(vhost.eab_key);
  if (!vhost.eab_kid.empty() && eab_key.ok()) c.ca.eab = {vhost.eab_kid, *eab_key};
  for (std::size_t i = 1; i < vhost.cas.size(); ++i) {
    CaSettings more = c.ca;
    more.directory_url = vhost.cas[i];
    more.eab = ExternalAccountBinding();
    c.failover_cas.push_back(std::move(more));
  }
}

ManagedCert managed_cert(const VhostDirectives& vhost) {
  ManagedCert c;
  c.names = vhost.domains;
  c.name = c.names.front();
  c.key_reuse = vhost.key_reuse.value_or(false);
  c.preferred_chain = vhost.preferred_chain;
  set_cas(vhost, c);
  c.profile = vhost.profile.name;
  c.profile_mandatory = vhost.profile.mandatory;
  c.trust_anchor_file = vhost.trust_anchor_file;
  c.dns01_command = vhost.dns01_command;
  c.challenges = vhost.challenges;
  if (auto window = parse_renew_window(vhost.renew_window); window.ok()) c.renew_window = *window;
  if (vhost.retry_delay) c.retry_delay = *vhost.retry_delay;
  return c;
}

}  // namespace

std::vector<ManagedCert> managed_certs(const std::vector<VhostDirectives>& vhosts) {
  std::vector<ManagedCert> certs;
  for (const VhostDirectives& vhost : vhosts) {
    if (vhost.domains.empty()) continue;
    for (auto& each : per_key_type(managed_cert(vhost), vhost.key_types))
      certs.push_back(std::move(each));
  }
  return certs;
}

Status check_global(GlobalSettings* global) {
  char host[256] = "";
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';  // then ACMENodeName is needed
  return check_cluster_settings(&global->cluster, host);
}

}  // namespace acme
