// Activation in the parent: a staged, verified set goes live through a
// graceful restart (post_config promotes it), started by the parent itself
// within a tick of the watchdog raising the counter in shared memory. The
// decisions are renew/activation_thread.h's; this file gives them the MPM's
// state and the signal, and ties the thread to a configuration generation.
//
// mod_watchdog cannot host this: ap_watchdog_get_instance() refuses parent
// instances (APR_ENOTIMPL) under every forked MPM (prefork, worker, event),
// so the module runs its own small thread in the parent, as mod_watchdog
// would for a non-forked MPM. It is joined before pconf is cleared.
// The monitor hook (about every 10 s) remains as the fallback, and handles
// ACMEActivation manual (tell the admin, restart nothing).
#pragma once

#include <apr_pools.h>
#include <httpd.h>

namespace acme {

class FileStore;
struct ModuleState;

// Real post_config pass, after promotion (the store tells which managed
// certificates still have no live set: once all of those are staged, the
// restart need not wait for more). No thread for ACMEActivation manual.
void start_activation(apr_pool_t* pconf, ModuleState& state, const FileStore& store);

// Parent, monitor hook: the fallback when the activation thread is not running.
void check_activation(ModuleState& state);

// Parent, the last post_config of a real pass (after mod_ssl's): a restart
// this module asked for is over; its cost bounds how soon the next may come.
void note_restart_done(server_rec* s);

}  // namespace acme
