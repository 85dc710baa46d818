// Parent-side startup work in post_config: the shared challenge table, the
// store prepared for the child user, staged sets promoted into live/, and
// the files each vhost hands to mod_ssl (live set or self-signed fallback).
#pragma once

#include <httpd.h>

namespace acme {

// Runs before mod_ssl's post_config. Returns OK or an httpd error.
int startup(apr_pool_t* pconf, apr_pool_t* ptemp, server_rec* main_server);

}  // namespace acme
