// The singleton watchdog (mod_watchdog): the only place that talks to a CA.
// It runs in one child process as the unprivileged child user, steps the
// Renewer, and sleeps exactly as long as the Renewer asks.
#pragma once

#include <apr_pools.h>

namespace acme {

struct ModuleState;

bool start_watchdog(apr_pool_t* pconf, ModuleState& state);

// child_init, every child: its exit waits for a running watchdog tick.
void watchdog_child_init(apr_pool_t* pchild);

}  // namespace acme
