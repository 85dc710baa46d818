// The dry run's placeholder for mod_ssl (httpd/dry_run.h says when and why):
// a constant, public P-256 certificate and key in an in-memory file (memfd),
// never on disk. It never serves a connection.
#pragma once

namespace acme {

// A descriptor of a memfd holding the placeholder certificate and key (one
// file for both), close-on-exec; -1 if it cannot be made. The caller closes it.
int placeholder_fd();

}  // namespace acme
