// The certificate key of a renewal, and ACMEKeyReuse.
//
// By default every order gets a new key. With `ACMEKeyReuse on` a renewal
// keeps the key of the live certificate (for key pins: DANE "3 1 1" TLSA
// records, pinned public keys in apps). The live set's privkey.pem belongs
// to root, so the watchdog keeps its own copy in keys/<name>/privkey.pem
// (0600, child user) when it stages a set, and reuses it only while it is
// still the key of the live certificate and of the configured type. A
// revoked certificate's key is forgotten: its replacement gets a new one, and
// so does an order in flight (its key is dropped with its order), and so
// does a renewal whose key or CSR the CA refused (badPublicKey, badCSR).
#pragma once

#include <string>

#include "base/log.h"
#include "base/status.h"
#include "config/managed_cert.h"
#include "store/store.h"

namespace acme {

// PEM of the key for a new order: the kept live key when cert.key_reuse
// allows it (logged), else a new key of cert.key_type.
Result<std::string> certificate_key_pem(const Store& store, const ManagedCert& cert, LogSink& log);

// After staging: keeps key_pem for the next renewal when cert.key_reuse,
// else removes any kept key.
Status remember_key(Store& store, const ManagedCert& cert, const std::string& key_pem);

// The certificate was revoked, or the CA refused the key: neither the kept
// key nor the key of a job in flight (jobs/<name>/privkey.pem) may be used
// again. The job notices the missing key on its next step (RenewalJob).
// Both are tried; the first failure is returned (the caller must say so:
// a key left behind could be used again).
Status forget_key(Store& store, const std::string& name);
// The same, a failure logged as an error that names the files to remove.
void forget_key_or_log(Store& store, const std::string& name, LogSink& log);

}  // namespace acme
