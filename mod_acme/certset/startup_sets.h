// The parent's certificate-set work at startup (httpd/startup.cc calls it in
// post_config's real pass; the dry run writes nothing): the store prepared
// under the privilege rule, staged sets promoted, missing fallbacks made.
// Promotions and fallbacks are fsync-bound, so they run on a few threads.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/status.h"
#include "certset/cert_files.h"  // HttpdVersion
#include "config/managed_cert.h"
#include "store/file_store.h"

namespace acme {

struct ChildUser {
  uid_t uid;
  gid_t gid;
};

// The privilege rule (DESIGN.md): as root, the store root, live/, archive/
// and fallback/ must be root's alone (else an error with the fix), and each
// directory the watchdog writes is given to child; otherwise made as is.
Status prepare_store(FileStore& store, const ChildUser& child, LogSink& log);

// A self-signed stand-in for each of certs that has none nearing its end.
Status make_fallbacks(const std::string& store_dir, const std::vector<const ManagedCert*>& certs,
                      TimePoint now);

// Every staged set that verifies goes live; one that does not is logged
// and removed, and the current certificate keeps serving.
void promote_all(const std::string& store_dir, const std::vector<ManagedCert>& certs,
                 const HttpdVersion& version, TimePoint now, LogSink& log);

}  // namespace acme
