// Server config records: creation, merge (a vhost inherits the main
// server's CA settings; its names are its own), the cross-directive checks
// for `apachectl -t` and the conversion into the core's ManagedCert, both in
// config/settings.h, which gets each vhost's record as plain C++.
#include "httpd/config.h"

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_strings.h>

#include <string>
#include <vector>

extern "C" module AP_MODULE_DECLARE_DATA acme_module;

namespace acme {

void* create_server_conf(apr_pool_t* p, server_rec*) {
  auto* sc = static_cast<ServerConf*>(apr_pcalloc(p, sizeof(ServerConf)));
  sc->terms_agreed = kUnset;
  sc->key_reuse = kUnset;
  sc->retry_delay = kUnset;
  sc->domains = apr_array_make(p, 2, sizeof(const char*));
  sc->manual_activation = kUnset;
  sc->check_interval = kUnset;
  sc->max_parallel = kUnset;
  sc->port_http = kUnset;
  sc->port_https = kUnset;
  sc->stapling = kUnset;
  sc->preflight = kUnset;
  return sc;
}

template <class T>
static T pick(T add, T base, T unset) {
  return add != unset ? add : base;
}

void* merge_server_conf(apr_pool_t* p, void* base_conf, void* add_conf) {
  auto* base = static_cast<ServerConf*>(base_conf);
  auto* add = static_cast<ServerConf*>(add_conf);
  auto* sc = static_cast<ServerConf*>(apr_pcalloc(p, sizeof(ServerConf)));
  sc->ca_url = pick<const char*>(add->ca_url, base->ca_url, nullptr);
  sc->ca_failover = add->ca_url ? add->ca_failover : base->ca_failover;  // one list
  sc->ca_file = pick<const char*>(add->ca_file, base->ca_file, nullptr);
  sc->trust_anchor_file =
      pick<const char*>(add->trust_anchor_file, base->trust_anchor_file, nullptr);
  sc->terms_agreed = pick(add->terms_agreed, base->terms_agreed, kUnset);
  sc->contact = pick<const char*>(add->contact, base->contact, nullptr);
  sc->eab_kid = add->eab_kid ? add->eab_kid : base->eab_kid;  // kid and key go together
  sc->eab_key = add->eab_kid ? add->eab_key : base->eab_key;
  sc->key_types = add->key_types ? add->key_types : base->key_types;
  sc->key_reuse = pick(add->key_reuse, base->key_reuse, kUnset);
  sc->preferred_chain = pick<const char*>(add->preferred_chain, base->preferred_chain, nullptr);
  sc->profile = add->profile ? add->profile : base->profile;  // name and flag go together
  sc->profile_mandatory = add->profile ? add->profile_mandatory : base->profile_mandatory;
  sc->renew_window = pick<const char*>(add->renew_window, base->renew_window, nullptr);
  sc->retry_delay = pick<apr_interval_time_t>(add->retry_delay, base->retry_delay, kUnset);
  sc->dns01_command = pick<const char*>(add->dns01_command, base->dns01_command, nullptr);
  sc->challenges = add->challenges ? add->challenges : base->challenges;  // one list
  sc->domains = add->domains;  // a vhost's names are its own
  sc->store_dir = base->store_dir;
  sc->manual_activation = base->manual_activation;
  sc->check_interval = base->check_interval;
  sc->max_parallel = base->max_parallel;
  sc->port_http = base->port_http;
  sc->port_https = base->port_https;
  sc->notify_command = base->notify_command;
  sc->stapling = base->stapling;
  sc->preflight = base->preflight;
  sc->preflight_server = base->preflight_server;
  sc->preflight_port = base->preflight_port;
  return sc;
}

ServerConf* server_conf(const server_rec* s) {
  return static_cast<ServerConf*>(ap_get_module_config(s->module_config, &acme_module));
}

namespace {

std::vector<std::string> strings(const apr_array_header_t* list) {
  std::vector<std::string> out;
  for (int i = 0; list && i < list->nelts; ++i) out.push_back(APR_ARRAY_IDX(list, i, const char*));
  return out;
}

std::string text(const char* value) {
  return value ? value : "";
}

// One vhost's merged record, as config/ reads it.
VhostDirectives directives_of(server_rec* s) {
  const ServerConf* sc = server_conf(s);
  VhostDirectives d;
  d.where = text(s->defn_name ? s->defn_name : "?") + ":" + std::to_string(s->defn_line_number);
  d.domains = strings(sc->domains);
  if (sc->ca_url) d.cas = strings(sc->ca_failover);
  if (sc->ca_url) d.cas.insert(d.cas.begin(), sc->ca_url);
  d.ca_file = text(sc->ca_file);
  d.trust_anchor_file = text(sc->trust_anchor_file);
  d.terms_agreed = sc->terms_agreed == 1;
  d.contact = text(sc->contact);
  d.eab_kid = text(sc->eab_kid);
  d.eab_key = text(sc->eab_key);
  for (int i = 0; sc->key_types && i < sc->key_types->nelts; ++i)
    d.key_types.push_back(static_cast<KeyType>(APR_ARRAY_IDX(sc->key_types, i, int)));
  d.key_reuse = sc->key_reuse == 1;
  d.preferred_chain = text(sc->preferred_chain);
  d.profile = {text(sc->profile), sc->profile_mandatory == 1};
  d.renew_window = text(sc->renew_window);
  if (sc->retry_delay != kUnset) d.retry_delay = Seconds(apr_time_sec(sc->retry_delay));
  d.dns01_command = text(sc->dns01_command);
  d.challenges = strings(sc->challenges);
  return d;
}

std::vector<VhostDirectives> all_directives(server_rec* main_server) {
  std::vector<VhostDirectives> vhosts;
  for (server_rec* s = main_server; s; s = s->next) vhosts.push_back(directives_of(s));
  return vhosts;
}

}  // namespace

std::string check_config(server_rec* main_server) {
  return check_config(all_directives(main_server)).message();
}

GlobalSettings global_settings(apr_pool_t* p, server_rec* main_server) {
  ServerConf* sc = server_conf(main_server);
  GlobalSettings g;
  g.store_dir = sc->store_dir ? sc->store_dir : ap_server_root_relative(p, "acme");
  g.manual_activation = sc->manual_activation == 1;
  if (sc->check_interval != kUnset) g.check_interval = Seconds(apr_time_sec(sc->check_interval));
  if (sc->max_parallel != kUnset) g.max_parallel = static_cast<std::size_t>(sc->max_parallel);
  if (sc->port_http != kUnset) g.port_http = sc->port_http;
  if (sc->port_https != kUnset) g.port_https = sc->port_https;
  if (sc->stapling != kUnset) g.stapling = sc->stapling == 1;
  if (sc->preflight != kUnset) g.preflight = sc->preflight == 1;
  if (sc->preflight_server) g.preflight_server = sc->preflight_server;
  if (sc->preflight_server) g.preflight_port = sc->preflight_port;
  if (sc->notify_command) g.notify_command = ap_server_root_relative(p, sc->notify_command);
  return g;
}

std::vector<ManagedCert> managed_certs(server_rec* main_server) {
  return managed_certs(all_directives(main_server));
}

}  // namespace acme
