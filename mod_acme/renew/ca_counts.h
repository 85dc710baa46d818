// The request counts of each CA session (acme/client.h RequestCounts), carried
// from the watchdog to the acme-status handler the way status records are:
// status/ca/<ca id>.json in the store, rewritten when they changed. A new
// session starts from the saved totals, so they only grow across the graceful
// restarts that start a new watchdog (counts of the last moments before a
// kill may be lost; a counter never goes back). One writer per store: nodes
// of a cluster sharing one store overwrite each other's counts.
#pragma once

#include <string>
#include <vector>

#include "acme/client.h"
#include "base/status.h"
#include "store/store.h"

namespace acme {

struct CaCounts {
  std::string ca;  // the directory URL
  RequestCounts counts;
};

std::string ca_counts_json(const CaCounts& counts);
Result<CaCounts> parse_ca_counts(const std::string& text);
Status write_ca_counts(Store& store, const CaCounts& counts);
// The saved totals of the CA at directory_url (zero if none or unreadable).
RequestCounts read_ca_counts(const Store& store, const std::string& directory_url);
std::vector<CaCounts> read_all_ca_counts(const Store& store);

// Writes the session's counts when they differ from *last_written (the JSON
// last written, kept by the caller).
void save_ca_counts(Store& store, const std::string& directory_url, const RequestCounts& counts,
                    std::string* last_written);

}  // namespace acme
