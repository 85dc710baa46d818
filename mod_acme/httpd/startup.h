// Parent-side startup work in post_config: the shared challenge table, the
// store prepared for the child user, staged sets promoted into live/, and
// the files each vhost hands to mod_ssl (live set or self-signed fallback).
#pragma once

#include <httpd.h>

namespace acme {

// Runs before mod_ssl's post_config. Returns OK or an httpd error.
int startup(apr_pool_t* pconf, apr_pool_t* ptemp, server_rec* main_server);

// The real pass, after every other module's post_config: starts the parent's
// activation thread. Not in startup(): once a process has a second thread,
// glibc leaves its single-threaded fast paths (malloc, stdio locks) for
// good, and mod_ssl, loading every certificate after us, ran 20-60 % slower.
void start_parent_threads(apr_pool_t* pconf);

}  // namespace acme
