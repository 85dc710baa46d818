// The store layout (DESIGN.md "Files the module writes"), in one place.
//
//   accounts/<ca-id>/account.json, account.key.pem   (watchdog writes)
//   jobs/<name>/job.json, privkey.pem                (watchdog: resumable order)
//   staging/<name>/fullchain.pem, privkey.pem        (watchdog: verified, not yet live)
//   archive/<name>/<seq>/{fullchain,cert,chain,privkey}.pem, ssl.conf  (parent)
//   live/<name> -> ../archive/<name>/<seq>           (parent, swapped atomically)
//   fallback/<name>/{cert,privkey}.pem               (parent: self-signed stand-in)
//   status/<name>.json                               (watchdog: for status pages, acmectl)
//   requests/<name>.json                             (acmectl renew|revoke -> watchdog)
//   requests/_account-rollover.json                  (acmectl rollover -> watchdog)
//   ocsp/<name>.der                                  (watchdog: last verified OCSP response)
//   keys/<name>/privkey.pem                          (watchdog: ACMEKeyReuse, the live key)
//   dns01/<token>.json                               (watchdog: TXT records ACMEDns01Command set)
//   ari/<name>.json                                  (watchdog: RFC 9773 window, chosen time)
//   status/ca/<ca-id>.json                           (watchdog: requests/errors per CA)
//   status/ca/<ca-id>.nonces                         (watchdog -> next watchdog: unused nonces)
//   sets/<name>/<seq>/fullchain.pem, privkey.pem     (cluster: the ordering node's set)
//   sets/<name>/current -> <seq>                     (cluster: the set every node installs)
//
// sets/ exists only in a cluster's shared store (etcd; cluster/shared_paths.cc
// routes it there, the key sealed): certset/shared_sets.h writes and reads it.
// It is not in kChildWritable: no node keeps it on disk.
// <name> is the certificate's name through file_name(): "*.a.test" is "_.a.test".
#pragma once

#include <cstddef>
#include <string>

#include "crypto/key.h"

namespace acme {

// Several key types per name (config/key_variants.h): the store name of the
// certificate for `type` is `name` for the first type, "<name>_<type>" for
// the others ('_' occurs in no DNS name and no IP literal).
constexpr char kKeyVariantSeparator = '_';
std::string key_variant_name(const std::string& name, KeyType type, bool first);

}  // namespace acme

namespace acme::layout {

// A directory name for a CA, readable and stable: "127.0.0.1_14000_dir".
// Spellings of one CA (canonical_ca_url) share it.
std::string ca_id(const std::string& directory_url);

// `acmectl rollover`: new account keys for every CA in use. Its name cannot
// be a certificate's (ACMEDomain names never hold '_').
constexpr const char kAccountRolloverRequest[] = "_account-rollover.json";

// A certificate name as a file or directory name: the wildcard label '*'
// becomes '_' ("*.a.test" -> "_.a.test": no shell glob, no quoting). An
// ACMEDomain name never starts with '_', so no two certificates collide, and
// a mapped name maps to itself (names read back from a listing stay valid).
inline std::string file_name(std::string name) {
  if (name.compare(0, 2, "*.") == 0) name[0] = '_';
  return name;
}

// The longest file name the store makes from certificate `name`: the key
// variant of the longest key type ("<name>_rsa4096"), the longest suffix
// (".json") and FileStore's temp file for an atomic write
// (".tmp.<pid>.<counter>", budgeted at 7 pid digits, Linux's PID_MAX_LIMIT,
// and 10 counter digits).
std::size_t longest_file_name(const std::string& name);
// A name whose longest_file_name passes NAME_MAX fails every write with
// ENAMETOOLONG at run time; "" when `name` fits, else the cause and the fix
// for the configuration check.
std::string name_length_problem(const std::string& name);

// The files of a certificate set, certbot's names (staging/, archive/<seq>/
// through live/, fallback/, jobs/ and keys/ hold some of them).
constexpr const char kFullchainFile[] = "fullchain.pem";  // leaf + intermediates
constexpr const char kCertFile[] = "cert.pem";            // the leaf alone
constexpr const char kChainFile[] = "chain.pem";          // the intermediates
constexpr const char kPrivkeyFile[] = "privkey.pem";      // 0600
constexpr const char kSslConfFile[] = "ssl.conf";         // directives for the running httpd
inline std::string file_in(const std::string& dir, const char* file) {
  return dir + "/" + file;
}

constexpr const char kLiveDir[] = "live";
constexpr const char kStatusDir[] = "status";
constexpr const char kRequestsDir[] = "requests";
constexpr const char kAccountsDir[] = "accounts";
constexpr const char kJobsDir[] = "jobs";
constexpr const char kOcspDir[] = "ocsp";
constexpr const char kDns01Dir[] = "dns01";
constexpr const char kCaCountsDir[] = "status/ca";  // per-CA request counts (metrics)

// In the store, child-writable: only the watchdog (child user) opens it,
// O_NOFOLLOW; root never does (base/file_lock.h, docs/decisions.md).
constexpr const char kWatchdogLockFile[] = "jobs/.watchdog.lock";

inline std::string account_dir(const std::string& ca) {
  return std::string(kAccountsDir) + "/" + ca_id(ca);
}
inline std::string job_dir(const std::string& name) {
  return std::string(kJobsDir) + "/" + file_name(name);
}
constexpr const char kJobFile[] = "job.json";                // in job_dir: the resumable order
constexpr const char kAccountFile[] = "account.json";        // in account_dir: URL, contact
constexpr const char kAccountKeyFile[] = "account.key.pem";  // in account_dir: 0600
inline std::string job_file(const std::string& name) {
  return file_in(job_dir(name), kJobFile);
}
inline std::string account_file(const std::string& ca) {
  return file_in(account_dir(ca), kAccountFile);
}
inline std::string account_key_file(const std::string& ca) {
  return file_in(account_dir(ca), kAccountKeyFile);
}
inline std::string staging_dir(const std::string& name) {
  return "staging/" + file_name(name);
}
inline std::string archive_dir(const std::string& name) {
  return "archive/" + file_name(name);
}
inline std::string live_dir(const std::string& name) {
  return "live/" + file_name(name);
}
inline std::string fallback_dir(const std::string& name) {
  return "fallback/" + file_name(name);
}
inline std::string kept_key(const std::string& name) {
  return file_in("keys/" + file_name(name), kPrivkeyFile);
}
inline std::string ari_file(const std::string& name) {
  return "ari/" + file_name(name) + ".json";
}
inline std::string status_file(const std::string& name) {
  return std::string(kStatusDir) + "/" + file_name(name) + ".json";
}
inline std::string request_file(const std::string& name) {
  return std::string(kRequestsDir) + "/" + file_name(name) + ".json";
}
// Any file under requests/ by its file name (a listing's entry).
inline std::string request_path(const std::string& file) {
  return std::string(kRequestsDir) + "/" + file;
}
inline std::string ocsp_file(const std::string& name) {
  return std::string(kOcspDir) + "/" + file_name(name) + ".der";
}
inline std::string dns01_record(const std::string& token) {
  return std::string(kDns01Dir) + "/" + token + ".json";
}
inline std::string ca_counts_file(const std::string& directory_url) {
  return std::string(kCaCountsDir) + "/" + ca_id(directory_url) + ".json";
}
// Beside the counts, local to the node like them (renew/nonce_handover.h);
// not ".json": the counts' readers take only those.
inline std::string ca_nonces_file(const std::string& directory_url) {
  return std::string(kCaCountsDir) + "/" + ca_id(directory_url) + ".nonces";
}
constexpr const char kSetsDir[] = "sets";
inline std::string shared_sets_dir(const std::string& name) {
  return std::string(kSetsDir) + "/" + file_name(name);
}
inline std::string shared_set_dir(const std::string& name, const std::string& seq) {
  return shared_sets_dir(name) + "/" + seq;
}
// The link naming the set to serve; target: the bare <seq> (relative to sets/<name>/).
inline std::string shared_set_current(const std::string& name) {
  return shared_sets_dir(name) + "/current";
}

// Directories the unprivileged watchdog must be able to write.
constexpr const char* kChildWritable[] = {kAccountsDir, kJobsDir,     "staging",
                                          kStatusDir,   kRequestsDir, kOcspDir,
                                          "keys",       kDns01Dir,    "ari"};

}  // namespace acme::layout
