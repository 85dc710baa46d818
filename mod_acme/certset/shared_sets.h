// Shared certificate sets (issue 10 item 5, docs/cluster.md "Shared sets"):
// the node that ordered a certificate publishes the set to the cluster's
// shared store; every node installs it into its own staging/, from where its
// parent promotes and activates it exactly as a locally ordered set.
//
//   sets/<name>/<seq>/fullchain.pem, privkey.pem  (0600; EtcdStore seals it by path)
//   sets/<name>/current -> <seq>                  (linked last: a reader never sees a half set)
//
// <seq> comes from the leaf: its notBefore (UTC, "20260101T000000Z") and its
// serial ("-0A1B..."). Unique across nodes without coordination (a CA never
// reuses a serial), so two publishers never write into one directory and a
// mixed set cannot arise; the same certificate published twice (a job resumed
// by another node) is the same seq and the same bytes: safe to repeat, as
// every etcd write must be. Ordered by issue time, so a listing reads
// oldest first. Which set is served is decided by `current` alone, never by
// the largest seq: a CA that backdates notBefore more than another cannot
// make a newer set lose. A counter read from the store would need the lock
// for uniqueness, and a repeat would make a second set of the same leaf.
//
// Publishing keeps the new set and the one `current` named before (a node
// may be reading it right now); older ones are removed.
//
// Installing verifies with verify_cert_set, the check a local order passes in
// the renewal job and again in promote_staged (chain to this node's trust
// anchors, key matches leaf, names cover the ManagedCert's, valid now).
#pragma once

#include <map>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "config/managed_cert.h"
#include "store/store.h"

namespace acme {

// The seq of the set whose leaf is first in chain_pem.
Result<std::string> shared_set_seq(const std::string& chain_pem);

// Ordering node, after its own verification of chain and key: writes the set,
// links `current` to it, prunes older sets (a failed removal is logged, not
// returned). Returns the seq. Publishing the current set again writes nothing.
Result<std::string> publish_shared_set(Store& shared, const std::string& name,
                                       const std::string& chain_pem, const std::string& key_pem,
                                       LogSink& log);

// What a node remembers between ticks, per certificate name: the seq it is
// done with (staged, found live or staged here, or refused: not read or
// verified again until `current` moves), and the seq it waits for (not valid
// yet by this node's clock: retried, logged once). One per watchdog: a
// restart (every activation is one) starts afresh, with the configuration.
// refused: why the seq in `done` was refused (verify_cert_set's message, or
// that `current` names no set), for a caller that reports per certificate
// (`acmectl sync`); absent when `done` holds a set staged or found here.
struct SharedSetMemory {
  std::map<std::string, std::string> done;
  std::map<std::string, std::string> waiting;
  std::map<std::string, std::string> refused;
};

// Every node, each tick: stages the set `current` names into local's
// staging/<name>/ unless its leaf is already live or staged there. A set that
// fails verification is logged (name, seq, cause) and remembered in memory:
// never staged, not tried again. True when a set was staged: the caller
// raises the activation signal. Errors are the shared store's (etcd away):
// nothing staged, try again next tick.
Result<bool> install_shared_set(const Store& shared, Store& local, const ManagedCert& cert,
                                TimePoint now, SharedSetMemory& memory, LogSink& log);

}  // namespace acme
