// The per-server config record: the plain C++ of config/settings.h, which
// the directive handlers (httpd/directives.cc) fill straight from config/'s
// value parsers. Each record is made once per server with `new` and deleted
// by a cleanup of the pool it was made for (docs/decisions.md), so no C++
// object outlives its configuration generation.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_config.h>

#include <string>
#include <vector>

#include "config/managed_cert.h"
#include "config/settings.h"

namespace acme {

struct ServerConf {
  VhostDirectives vhost;  // merged from the main server's (merge_vhost)
  GlobalSettings global;  // main server only (the directives are GLOBAL_ONLY)
  // Set in post_config for the SSL hooks and the request path.
  std::vector<std::string> cert_files;  // one live pair per key type
  std::vector<std::string> key_files;
  std::string fallback_cert_file;
  std::string fallback_key_file;
  bool on_fallback = false;
};

extern const command_rec kDirectives[];

void* create_server_conf(apr_pool_t* p, server_rec* s);
void* merge_server_conf(apr_pool_t* p, void* base, void* add);
ServerConf* server_conf(const server_rec* s);

// Every server's directives, main server first, each with its "FILE:LINE".
std::vector<VhostDirectives> all_directives(server_rec* main_server);

// The main server's global settings, the store directory's default filled in.
GlobalSettings global_settings(apr_pool_t* p, server_rec* main_server);

}  // namespace acme
