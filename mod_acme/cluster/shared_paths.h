// SharedPaths: which store paths the nodes of a cluster share in etcd and
// which stay on each node's disk, and which shared paths hold private keys
// (sealed with the cluster key before they enter etcd). docs/cluster.md
// "The shared store" has the table and the reasons.
//
// Routing is by path prefix, whole components, the longest listed prefix
// winning ("status" is shared, "status/ca" stays local); a path under no
// listed prefix stays local, so the file contract (live/, archive/,
// staging/, fallback/) never depends on etcd.
//
// Sealing is by explicit path pattern ('*' matches one component), never by
// file mode: the private keys of the store layout (store/layout.h; the
// account key and its rollover siblings, a job's key, a kept key, a shared
// set's key). tests/unit/cluster/shared_paths_test.cc builds the paths with
// the layout's own functions, so a layout change that moves a key fails there.
// As a second line, EtcdStore refuses an owner-only (0600) write to a shared
// path not listed here: a key added to the layout without a pattern is an
// error, never a key in etcd in the clear.
#pragma once

#include <string>
#include <vector>

namespace acme {

enum class StoreSide { kLocal, kShared };

// Where `path` (a store path, relative, '/'-separated) lives.
StoreSide store_side(const std::string& path);
// True when a private key is stored at `path` (sealed in etcd).
bool is_sealed_path(const std::string& path);
// The names of listed prefixes directly below `dir` ("" = the root) whose side
// is not store_side(dir)'s: list(dir) must also ask the other side for them.
std::vector<std::string> other_side_below(const std::string& dir);

}  // namespace acme
