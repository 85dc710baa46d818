// The dry run's placeholder for mod_ssl: a constant, public P-256
// certificate and key in an in-memory file (memfd), never on disk. At
// startup httpd runs post_config twice; the first, dry pass must write
// nothing, yet mod_ssl loads a certificate and key for every SSL vhost in
// both passes and stops httpd (AH02572) if one has none. A vhost that has
// neither a live set nor a fallback yet (a first start) gets this pair in
// the dry pass (httpd/startup.cc hands "/proc/self/fd/N" and closes it with
// the pass's pool). It never serves: the dry pass's configuration is
// discarded before the MPM accepts a connection, and the real pass hands
// real files or fails.
#pragma once

namespace acme {

// A descriptor of a memfd holding the placeholder certificate and key (one
// file for both), close-on-exec; -1 if it cannot be made. The caller closes it.
int placeholder_fd();

}  // namespace acme
