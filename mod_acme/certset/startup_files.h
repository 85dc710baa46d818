// Which files mod_ssl gets at startup, with the store work each pass may do
// (renew/generation_start.h hands the result to the servers' records): the real pass
// promotes staged sets and makes missing fallbacks first; the dry run (the
// first of httpd's two post_config runs) writes nothing.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "certset/cert_files.h"    // HttpdVersion
#include "certset/startup_sets.h"  // ChildUser
#include "config/file_plan.h"
#include "config/managed_cert.h"
#include "store/file_store.h"

namespace acme {

// The real pass: staged sets promoted (certset/startup_sets.h), the plan
// made over what is live then, the fallbacks it needs made; each vhost that
// waits for its first certificate, or is served by another key type
// meanwhile, is logged (notice).
Result<FilePlan> plan_startup_files(const std::string& store_dir,
                                    const std::vector<ManagedCert>& certs,
                                    const HttpdVersion& version, TimePoint now, LogSink& log);

// The dry run: what exists (live set, else fallback), else the placeholder.
FilePlan plan_dry_run_files(const std::string& store_dir, const std::vector<ManagedCert>& certs);

// The real pass from the start: the store prepared for the child user
// (prepare_store), then plan_startup_files.
Result<FilePlan> plan_real_pass(const std::string& store_dir, const ChildUser& child,
                                const std::vector<ManagedCert>& certs, const HttpdVersion& version,
                                TimePoint now, LogSink& log);

// What a vhost hands mod_ssl, as absolute paths: one live pair per key type
// (ACMEKeyType p256 rsa2048: mod_ssl serves each client the one it
// supports), and the self-signed fallback pair while one waits for its first.
struct HandedFiles {
  std::vector<std::string> cert_files;
  std::vector<std::string> key_files;
  std::string fallback_cert_file;  // "" = none
  std::string fallback_key_file;
  bool on_fallback = false;  // requests get 503 (solve/http01_answer.h)
};

// Adds the paths of files to handed; placeholder: the dry run's file, which
// holds both certificate and key (httpd/startup.cc).
void hand_files(const FileStore& store, const VhostFiles& files, const std::string& placeholder,
                HandedFiles& handed);

}  // namespace acme
