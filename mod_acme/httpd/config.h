// Directive records and their conversion into config/'s plain C++
// (config/settings.h). Config records are plain C structs from pools (no
// constructors run); post_config converts them once into C++ settings.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

#include <apr_tables.h>
#include <http_config.h>

#include <string>
#include <vector>

#include "config/managed_cert.h"
#include "config/settings.h"

namespace acme {

constexpr int kUnset = -1;

struct ServerConf {
  // Per virtual host (merged from the main server when unset).
  const char* ca_url;               // the first ACMECertificateAuthority
  apr_array_header_t* ca_failover;  // const char*: its further URLs (failover); null = none
  const char* ca_file;
  const char* trust_anchor_file;
  int terms_agreed;
  const char* contact;
  const char* eab_kid;            // ACMEExternalAccountBinding, checked at parse time
  const char* eab_key;            // its HMAC key, base64url (raw bytes may hold NUL)
  apr_array_header_t* key_types;  // int (KeyType), ACMEKeyType order; null = unset
  int key_reuse;                  // ACMEKeyReuse
  const char* preferred_chain;    // ACMEPreferredChain
  const char* profile;            // ACMEProfile NAME
  int profile_mandatory;          // ... mandatory (goes with profile)
  const char* renew_window;
  apr_interval_time_t retry_delay;
  const char* dns01_command;       // ACMEDns01Command: program [args]
  apr_array_header_t* challenges;  // const char*: ACMEChallenges in order; null = unset
  apr_array_header_t* domains;     // const char*, this vhost only (never merged)
  // Global only (main server).
  const char* store_dir;
  int manual_activation;
  apr_interval_time_t check_interval;
  int max_parallel;  // ACMEMaxParallel
  int port_http;
  int port_https;
  const char* notify_command;
  int stapling;
  int preflight;                 // ACMEPreflight
  const char* preflight_server;  // ACMEPreflightResolver, parsed; null = the system's
  int preflight_port;
  // Set in post_config for the SSL hooks and the request path.
  apr_array_header_t* cert_files;  // const char*: one live pair per key type
  apr_array_header_t* key_files;
  const char* fallback_cert_file;
  const char* fallback_key_file;
  int on_fallback;
};

extern const command_rec kDirectives[];

void* create_server_conf(apr_pool_t* p, server_rec* s);
void* merge_server_conf(apr_pool_t* p, void* base, void* add);
ServerConf* server_conf(const server_rec* s);

// config/settings.h's rules over every vhost: an error text, or "".
std::string check_config(server_rec* main_server);

GlobalSettings global_settings(apr_pool_t* p, server_rec* main_server);
std::vector<ManagedCert> managed_certs(server_rec* main_server);

}  // namespace acme
