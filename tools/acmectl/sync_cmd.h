// `acmectl --cluster FILE [--store DIR] sync` (issue 10 item 6): a node that
// joins a cluster gets every certificate before it first serves. Run before
// httpd starts (a systemd ExecStartPre, docs/cluster.md "A node that joins
// later"): for every certificate whose set `current` exists in the cluster
// store, install_shared_set (certset/shared_sets.h, the very code of the
// watchdog's tick) reads it from etcd (the key opened with the cluster key),
// verifies it as the watchdog does and stages it in this node's
// staging/<name>/. httpd's parent then promotes it, verifying it once more,
// in its first real post_config pass, before it serves: the path of every
// staged set. The parent itself never talks to etcd (docs/decisions.md).
//
// The certificate each set is checked against: its name from sets/<name>;
// its names from the cluster's status record (status/<name>.json, written
// with the ordering node's ACMEDomain names), else its own name; the trust
// anchors of FILE's ACMETrustAnchorFile line, else the system's store.
//
// As root: every write goes through FileStore, whose descriptor walk never
// follows a link the child user planted in staging/ (store/fd_walk.h); the
// store root must be root's alone, as httpd's parent demands; and each
// staging/<name>/ written is handed to the owner of staging/ (the child
// user, once httpd ran), so the watchdog can replace it later, as `renew`
// hands requests/ over.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "args.h"
#include "base/clock.h"
#include "base/status.h"
#include "config/managed_cert.h"
#include "store/store.h"

namespace acme::ctl {

struct SyncSetup {
  std::string cluster_file;       // --cluster FILE, for the fixes in messages
  std::string trust_anchor_file;  // FILE's ACMETrustAnchorFile; "" = the system's store
  TimePoint now;
};

struct SyncCounts {
  int staged = 0;
  int current = 0;  // this node's live or staged leaf already
  int skipped = 0;  // no `current` (yet): nothing published
  int failed = 0;
  std::vector<std::string> staged_names;
};

// The entries of sets/ in shared: one per certificate ever published
// (file names: "_.a.test" for "*.a.test"). An error (etcd unreachable)
// names the members and their causes.
Result<std::vector<std::string>> shared_set_names(const Store& shared);

// What install_shared_set checks the set of sets/<entry> against (above).
ManagedCert sync_cert(const Store& shared, const std::string& entry,
                      const std::string& trust_anchor_file);

// install_shared_set for each entry, one line per certificate: staged and
// already current to out, failures (name, cause, fix) to err.
SyncCounts sync_sets(const Store& shared, Store& local, const std::vector<std::string>& entries,
                     const SyncSetup& setup, std::ostream& out, std::ostream& err);

// kExitOk every set staged, current already or not published yet;
// kExitProblem a set was not staged.
int sync_exit_status(const SyncCounts& counts);

// Exit status: sync_exit_status, or kExitUsage when FILE, the store or etcd
// could not be used (nothing written).
int run_sync(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
