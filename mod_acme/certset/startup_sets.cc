#include "certset/startup_sets.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <system_error>
#include <thread>

#include "base/log.h"
#include "certset/cert_files.h"
#include "crypto/certificate.h"
#include "crypto/self_signed.h"
#include "store/layout.h"

namespace acme {

namespace {

// A self-signed stand-in, kept until it nears its end.
Status ensure_fallback(FileStore& store, const ManagedCert& cert, TimePoint now) {
  const std::string dir = layout::fallback_dir(cert.name);
  auto existing = store.read(layout::file_in(dir, layout::kCertFile));
  if (existing.ok()) {
    auto certs = Certificate::parse_pem_chain(*existing);
    if (certs.ok() && certs->front().not_after() > now + Seconds(86400)) return Status();
  }
  auto made = make_self_signed(cert.names, KeyType::kP256, now, Seconds(30 * 86400));
  if (!made.ok()) return made.status();
  ACME_RETURN_IF_ERROR(
      store.write(layout::file_in(dir, layout::kPrivkeyFile), made->key_pem, 0600));
  return store.write(layout::file_in(dir, layout::kCertFile), made->cert_pem, 0644);
}

// work(store, i) for i in [0, count), on a few threads: fallbacks (a key, a
// signature and two durable writes) and promotions (a verification and six
// durable writes) are fsync-bound, about 16 ms each on a small VM, so 1,000
// first-start fallbacks took 16 s one after another, and 100 promotions
// after a burst of renewals 4 s. One FileStore per thread (not shared); a
// thread that cannot be started leaves its share to the others.
void on_threads(const std::string& store_dir, std::size_t count,
                const std::function<void(FileStore&, std::size_t)>& work) {
  constexpr std::size_t kThreads = 8;
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    FileStore store(store_dir);
    for (std::size_t i; (i = next++) < count;) work(store, i);
  };
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < std::min(kThreads, count); ++t) {
    try {
      threads.emplace_back(run);
    } catch (const std::system_error&) {
      break;
    }
  }
  run();
  for (auto& thread : threads) thread.join();
}

}  // namespace

// The privilege rule (DESIGN.md): the directories root writes (the store
// root, live/, archive/, fallback/) must be root's alone, or start fails with
// the fix. Each directory the watchdog writes is created once and that one
// directory is given to the child user; root never walks into it, so nothing
// the child does there (links, races, a root-squashed NFS refusing the owner
// change) can fail a start or a graceful restart: it is logged instead.
Status prepare_store(FileStore& store, const ChildUser& child, LogSink& log) {
  ACME_RETURN_IF_ERROR(store.make_dirs("", 0755));
  const bool root = geteuid() == 0;
  if (root) {
    for (const char* dir : {"", "live", "archive", "fallback"})
      ACME_RETURN_IF_ERROR(store.check_private(dir, 0));
  }
  for (const char* dir : layout::kChildWritable) {
    Status s = root ? store.give_dir(dir, 0700, child.uid, child.gid) : store.make_dirs(dir, 0700);
    if (!s.ok()) {
      log.log(LogLevel::kError, kMsgStoreError,
              s.message() +
                  "; the watchdog may fail to work there until this is fixed, the "
                  "current certificates keep serving");
    }
  }
  return Status();
}

// ensure_fallback() for each of certs.
Status make_fallbacks(const std::string& store_dir, const std::vector<const ManagedCert*>& certs,
                      TimePoint now) {
  ACME_RETURN_IF_ERROR(FileStore(store_dir).make_dirs("fallback", 0755));
  std::vector<Status> results(certs.size());
  on_threads(store_dir, certs.size(), [&](FileStore& store, std::size_t i) {
    results[i] = ensure_fallback(store, *certs[i], now);
  });
  for (const Status& status : results) ACME_RETURN_IF_ERROR(status);
  return Status();
}

// Every staged set that verifies goes live (certset/cert_files.h); one that
// does not is logged and removed, and the current certificate keeps serving.
void promote_all(const std::string& store_dir, const std::vector<ManagedCert>& certs,
                 const HttpdVersion& version, TimePoint now, LogSink& log) {
  std::vector<const ManagedCert*> staged;
  FileStore store(store_dir);
  for (const auto& cert : certs)
    if (has_staged(store, cert.name)) staged.push_back(&cert);
  on_threads(store_dir, staged.size(), [&](FileStore& own, std::size_t i) {
    auto promoted = promote_staged(own, *staged[i], version, now, log);
    if (!promoted.ok()) log.log(LogLevel::kError, kMsgCertRejected, promoted.status().message());
  });
}

}  // namespace acme
