// The request counts of each CA session (acme/client.h RequestCounts), carried
// from the watchdog to the acme-status handler the way status records are:
// status/ca/<ca id>.json in the store, rewritten when they changed. A new
// session starts from the saved totals, so they only grow across the graceful
// restarts that start a new watchdog (counts of the last moments before a
// kill may be lost). One writer per store: nodes of a cluster sharing one
// store overwrite each other's counts, and so may the old and the new
// watchdog while both send requests during an activation's handover (a
// counter may then step back by that overlap, which Prometheus reads as a
// reset).
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

// Adds the saved totals of client's CA to client's counts; returns them as
// the last_written of save_ca_counts, so a session writes only once it has
// counted something itself (a new watchdog does not write back what an older
// one may still be adding to).
std::string carry_on_ca_counts(const Store& store, AcmeClient& client);

// Writes the session's counts when they differ from *last_written (the JSON
// last written, kept by the caller).
void save_ca_counts(Store& store, const std::string& directory_url, const RequestCounts& counts,
                    std::string* last_written);

}  // namespace acme
