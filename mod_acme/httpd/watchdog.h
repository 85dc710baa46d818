// The singleton watchdog (mod_watchdog): the only place that talks to a CA.
// It runs in one child process as the unprivileged child user, steps the
// Renewer, and sleeps exactly as long as the Renewer asks.
#pragma once

#include <apr_pools.h>

namespace acme {

struct ModuleState;

bool start_watchdog(apr_pool_t* pconf, ModuleState& state);

// Parent, monitor hook: a verified set was staged; restart gracefully so
// post_config promotes it (ACMEActivation auto), or tell the admin (manual).
void check_activation(ModuleState& state);

}  // namespace acme
