// Which files mod_ssl gets at startup, with the store work each pass may do
// (httpd/startup.cc hands the result to the vhosts' records): the real pass
// promotes staged sets and makes missing fallbacks first; the dry run (the
// first of httpd's two post_config runs) writes nothing.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "certset/cert_files.h"  // HttpdVersion
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

}  // namespace acme
