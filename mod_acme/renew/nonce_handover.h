// Nonce handover between watchdogs. Every CA answer brings a Replay-Nonce
// (RFC 8555 §6.5), so a watchdog ends with up to NoncePool::kMax unused
// ones, while the next one (a new child after each graceful restart) starts
// with an empty pool and used to fetch one with HEAD newNonce for each of
// its first ACMEMaxParallel requests (0.58 HEAD per certificate with 1,000
// names on pebble). The ending watchdog writes each CA's unused nonces to
// status/ca/<ca-id>.nonces (store/layout.h, beside the counts); the next
// one takes them when Renewer::session_for makes its CaSession for that CA.
//
// Used once: take_saved_nonces removes the file before the client gets the
// nonces, and gives none when it cannot remove it. Only the holder of the
// store lock (base/file_lock.h, one watchdog per store:
// renew/watchdog_session.h) saves or takes: the old watchdog writes before
// it releases the lock, the new one reads only once it holds it, so no two
// processes ever hold the same nonces. On a cluster the lock is the node's,
// and so is the file (status/ca is local: cluster/shared_paths.cc); in etcd
// two nodes could take it. A file no later watchdog took (its CA no longer
// configured, httpd stopped for a while) stays; read later, it is removed
// unused (the age bound).
//
// Stale nonces cost little: how long a CA accepts a nonce is up to it (§6.5:
// "the precise method used to generate and track nonces is up to the server";
// Boulder's bounded store drops the oldest), and a refused one is answered
// with badNonce and a fresh nonce that the client retries with (§6.5,
// acme/client.cc). Nonces older than kMaxNonceAge are not used at all; such a
// file is simply removed.
//
// Nonces are no secret (anti-replay tokens, useless without the account
// key), but the file is 0600 like the other store files the watchdog alone
// reads. A file that is not what save_unused_nonces writes (bad JSON, a
// nonce outside base64url, too many or too long) is removed and ignored
// with one log line.
#pragma once

#include <cstddef>

#include "acme/client.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/store.h"

namespace acme {

// Long enough for a graceful restart's handover (seconds), short enough
// that a file left by a watchdog that stopped for good is not used after a
// later start, when the CA may long have dropped them.
constexpr Seconds kMaxNonceAge{60};
// Nonces of the CAs we know are 22-43 characters; more is not a nonce.
constexpr std::size_t kMaxSavedNonceLength = 256;

// Writes the unused nonces of client's pool (oldest first) with the time
// `now`, emptying the pool; none: nothing is written. Unsynced: a lost file
// only costs HEAD requests. A failure is logged, not returned.
void save_unused_nonces(Store& store, AcmeClient& client, TimePoint now, LogSink& log);

// Takes the file saved for client's CA (removing it) and hands its nonces
// to client's pool when they were saved at most kMaxNonceAge before `now`.
// Returns how many were handed on.
std::size_t take_saved_nonces(Store& store, AcmeClient& client, TimePoint now, LogSink& log);

}  // namespace acme
