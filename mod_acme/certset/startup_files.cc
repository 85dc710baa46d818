#include "certset/startup_files.h"

#include <algorithm>
#include <string>

#include "certset/startup_sets.h"
#include "store/layout.h"

namespace acme {

namespace {

// One walk for both files: each walk opens the store, live/ and the set
// (1,000 live sets: half the store lookups of a start).
bool has_pair(const FileStore& store, const std::string& dir, const char* cert_file) {
  auto names = store.list(dir);
  return names.ok() && std::binary_search(names->begin(), names->end(), cert_file) &&
         std::binary_search(names->begin(), names->end(), layout::kPrivkeyFile);
}

bool has_live(const FileStore& store, const std::string& name) {
  return has_pair(store, layout::live_dir(name), layout::kFullchainFile);
}

}  // namespace

Result<FilePlan> plan_startup_files(const std::string& store_dir,
                                    const std::vector<ManagedCert>& certs,
                                    const HttpdVersion& version, TimePoint now, LogSink& log) {
  const FileStore store(store_dir);
  promote_all(store_dir, certs, version, now, log);
  FilePlan plan = plan_files(certs, [&](const std::string& name) { return has_live(store, name); });
  for (const std::string& notice : plan.notices) log.log(LogLevel::kNotice, kMsgFallback, notice);
  std::vector<const ManagedCert*> fallbacks;
  for (const ManagedCert& cert : certs)
    if (plan.vhosts.at(cert.names.front()).fallback == cert.name) fallbacks.push_back(&cert);
  ACME_RETURN_IF_ERROR(make_fallbacks(store_dir, fallbacks, now));
  for (const std::string& name : plan.fallbacks_to_make) {
    log.log(LogLevel::kNotice, kMsgFallback,
            "no certificate for " + name +
                " yet: serving a self-signed fallback (and 503) until the CA issues one");
  }
  return plan;
}

FilePlan plan_dry_run_files(const std::string& store_dir, const std::vector<ManagedCert>& certs) {
  const FileStore store(store_dir);
  return plan_dry_run(
      certs, [&](const std::string& name) { return has_live(store, name); },
      [&](const std::string& name) {
        return has_pair(store, layout::fallback_dir(name), layout::kCertFile);
      });
}

Result<FilePlan> plan_real_pass(const std::string& store_dir, const ChildUser& child,
                                const std::vector<ManagedCert>& certs, const HttpdVersion& version,
                                TimePoint now, LogSink& log) {
  FileStore store(store_dir);
  ACME_RETURN_IF_ERROR(prepare_store(store, child, log));
  return plan_startup_files(store_dir, certs, version, now, log);
}

void hand_files(const FileStore& store, const VhostFiles& files, const std::string& placeholder,
                HandedFiles& handed) {
  for (const std::string& name : files.live) {
    handed.cert_files.push_back(
        store.absolute(layout::file_in(layout::live_dir(name), layout::kFullchainFile)));
    handed.key_files.push_back(
        store.absolute(layout::file_in(layout::live_dir(name), layout::kPrivkeyFile)));
  }
  if (files.fallback.empty()) return;
  const std::string dir = layout::fallback_dir(files.fallback);
  handed.fallback_cert_file =
      files.placeholder ? placeholder : store.absolute(layout::file_in(dir, layout::kCertFile));
  handed.fallback_key_file =
      files.placeholder ? placeholder : store.absolute(layout::file_in(dir, layout::kPrivkeyFile));
  handed.on_fallback = true;
}

}  // namespace acme
