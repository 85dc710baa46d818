// The dry run's placeholder for mod_ssl. At startup httpd runs post_config
// twice; the first, dry pass must write nothing, yet mod_ssl loads a
// certificate and key for every SSL vhost in both passes and stops httpd
// (AH02572) if one has none. A vhost that has neither a live set nor a
// fallback yet (a first start) gets this constant pair in the dry pass: an
// in-memory file (memfd), never on disk, closed with the pass's pool. It
// never serves: the dry pass's configuration is discarded before the MPM
// accepts a connection, and the real pass hands real files or fails.
#pragma once

#include <apr_pools.h>

namespace acme {

// "/proc/self/fd/N" holding the placeholder certificate and key (one file
// for both), allocated from and closed with pool; null if it cannot be made.
const char* dry_run_placeholder(apr_pool_t* pool);

}  // namespace acme
