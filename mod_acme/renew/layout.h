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
//   ocsp/<name>.der                                  (watchdog: last verified OCSP response)
#pragma once

#include <string>

namespace acme::layout {

// A directory name for a CA, readable and stable: "127.0.0.1_14000_dir".
std::string ca_id(const std::string& directory_url);

inline std::string account_dir(const std::string& ca) {
  return "accounts/" + ca_id(ca);
}
inline std::string job_dir(const std::string& name) {
  return "jobs/" + name;
}
inline std::string staging_dir(const std::string& name) {
  return "staging/" + name;
}
inline std::string archive_dir(const std::string& name) {
  return "archive/" + name;
}
inline std::string live_dir(const std::string& name) {
  return "live/" + name;
}
inline std::string fallback_dir(const std::string& name) {
  return "fallback/" + name;
}

// Directories the unprivileged watchdog must be able to write.
constexpr const char* kChildWritable[] = {"accounts", "jobs",     "staging",
                                          "status",   "requests", "ocsp"};

}  // namespace acme::layout
