#include "sync_cmd.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include "certset/shared_sets.h"
#include "cluster_store.h"
#include "report/status_record.h"
#include "store/layout.h"

namespace acme::ctl {

namespace {

enum class Outcome { kStaged, kCurrent, kSkipped, kFailed };

// install_shared_set logs for the watchdog's error log; acmectl says what
// happened itself, one line per certificate, from what the call returned
// and left in SharedSetMemory.
class NoLog : public LogSink {
 public:
  void log(LogLevel, int, const std::string&) override {}
};

// A file name from sets/ back to the certificate's name ("_.a.test" ->
// "*.a.test"); layout::file_name() maps it to the same paths again.
std::string certificate_name(const std::string& entry) {
  return entry.compare(0, 2, "_.") == 0 ? "*" + entry.substr(1) : entry;
}

// "20260101T000000Z-0A1B" (shared_set_seq) -> "0A1B".
std::string serial_of(const std::string& seq) {
  return seq.substr(seq.find('-') + 1);
}

std::string verify_fix(const std::string& name, const SyncSetup& setup) {
  return "Fix: sync verifies against the trust anchors of --cluster " + setup.cluster_file + " (" +
         (setup.trust_anchor_file.empty() ? "no ACMETrustAnchorFile line: the system's store"
                                          : "ACMETrustAnchorFile " + setup.trust_anchor_file) +
         "); if this node's httpd configuration has another ACMETrustAnchorFile, put that line "
         "in the file. A set that fails there fails on every node: `acmectl --cluster " +
         setup.cluster_file + " renew " + name + "` has the cluster order a new one.";
}

// The fix for an error install_shared_set returned: the cluster key, etcd,
// or this node's store.
std::string error_fix(const Status& status, const SyncSetup& setup) {
  switch (status.code()) {
    case Code::kCrypto:
      return "Fix: every node needs the cluster's key: ACMESharedStoreKeyFile in " +
             setup.cluster_file + " must hold the same 32 bytes as on the node that ordered it.";
    case Code::kIo:
      return "Fix: check that --store is this node's ACMEStoreDir and that its staging/ can be "
             "written.";
    default:
      return "Fix: check that the etcd members named by ACMESharedStore in " + setup.cluster_file +
             " run and answer, then run sync again (httpd's watchdog also installs the set once "
             "etcd answers).";
  }
}

Outcome failed(const std::string& name, const std::string& why, std::ostream& err) {
  err << "acmectl sync: " << name << ": not staged: " << why << "\n";
  return Outcome::kFailed;
}

// The outcome install_shared_set gave, as one line (for the last call on
// cert.name with this memory).
Outcome report(const Result<bool>& staged, const ManagedCert& cert, const SharedSetMemory& memory,
               const SyncSetup& setup, std::ostream& out, std::ostream& err) {
  const std::string& name = cert.name;
  if (!staged.ok())
    return failed(name, staged.status().message() + ". " + error_fix(staged.status(), setup), err);
  if (auto waiting = memory.waiting.find(name); !*staged && waiting != memory.waiting.end()) {
    const std::string& seq = waiting->second;
    return failed(name,
                  "its set " + seq + " is valid only from " + seq.substr(0, seq.find('-')) +
                      " (UTC), later than this node's clock. Fix: synchronise the node's clock "
                      "(NTP); httpd's watchdog installs the set once it is valid.",
                  err);
  }
  auto done = memory.done.find(name);
  if (done == memory.done.end()) {
    out << name << ": nothing published yet (no sets/" << layout::file_name(name)
        << "/current in the cluster store); skipped\n";
    return Outcome::kSkipped;
  }
  const std::string& seq = done->second;
  if (auto refused = memory.refused.find(name); refused != memory.refused.end()) {
    return failed(name,
                  "its set " + seq + " in the cluster store fails verification on this node: " +
                      refused->second + ". " + verify_fix(name, setup),
                  err);
  }
  out << name << (*staged ? ": staged (serial " : ": already current (serial ") << serial_of(seq)
      << (*staged ? ", set " + seq + "); httpd activates it when it starts\n"
                  : " is this node's, live or staged); nothing written\n");
  return *staged ? Outcome::kStaged : Outcome::kCurrent;
}

void count(Outcome outcome, const std::string& name, SyncCounts& counts) {
  switch (outcome) {
    case Outcome::kStaged:
      ++counts.staged;
      counts.staged_names.push_back(name);
      break;
    case Outcome::kCurrent:
      ++counts.current;
      break;
    case Outcome::kSkipped:
      ++counts.skipped;
      break;
    case Outcome::kFailed:
      ++counts.failed;
      break;
  }
}

// layout::staging_dir()'s parent: child-writable (layout::kChildWritable).
constexpr const char kStagingDir[] = "staging";

// Root writes only into a store that is root's alone, as httpd's parent
// demands at every start (certset/startup_sets.h prepare_store); otherwise
// the child user could choose what root writes over.
Status root_may_write(const FileStore& local) {
  return geteuid() == 0 ? local.check_private("", 0) : Status();
}

// As root: each staging/<name>/ written goes to the owner of staging/ (the
// child user, once httpd gave it staging/), so the watchdog can replace or
// remove that set later; root's files in it stay root's (the parent reads
// root's own single-link files there, store/fd_walk.h). staging/ itself sits
// in the store root, root's alone: lstat by path cannot be misled there.
void hand_to_child(FileStore& local, const std::vector<std::string>& names, std::ostream& err) {
  struct stat st;
  if (geteuid() != 0 || lstat(local.absolute(kStagingDir).c_str(), &st) != 0 ||
      !S_ISDIR(st.st_mode) || st.st_uid == 0)
    return;
  for (const std::string& name : names) {
    Status given = local.give_dir(layout::staging_dir(name), 0755, st.st_uid, st.st_gid);
    if (given.ok()) continue;
    err << "acmectl sync: " << name << ": staged, but " << given.message()
        << "; httpd still activates it when it starts, its watchdog cannot replace it before\n";
  }
}

void print_summary(std::size_t total, const SyncCounts& counts, std::ostream& out,
                   std::ostream& err) {
  out << "acmectl sync: " << total << " certificate(s) in the cluster store: " << counts.staged
      << " staged, " << counts.current << " already current, " << counts.skipped << " skipped, "
      << counts.failed << " failed\n";
  if (counts.staged) {
    out << "Start (or restart) httpd: its parent verifies and activates the staged sets "
           "before it serves.\n";
  }
  if (counts.failed) {
    err << "acmectl sync: " << counts.failed << " certificate(s) not staged (see above); "
        << "httpd serves what it has for them (its fallback on a new node)\n";
  }
}

// The cluster (FILE, --store) opened, and sets/ listed, or the exit status.
int sync_with(ClusterStore& cluster, const ClusterFile& file, const Args& args, std::ostream& out,
              std::ostream& err) {
  FileStore& local = cluster.local();
  Status writable = root_may_write(local);
  if (!writable.ok()) {
    err << "acmectl sync: " << writable.message() << "; nothing was written\n";
    return kExitUsage;
  }
  Result<std::vector<std::string>> entries = shared_set_names(cluster.store());
  if (!entries.ok()) {
    err << "acmectl sync: the cluster's certificate sets cannot be read: "
        << entries.status().message()
        << "; nothing was written (httpd starts anyway and its watchdog installs the sets "
           "once etcd answers)\n";
    return kExitUsage;
  }
  if (entries->empty()) {
    out << "acmectl sync: the cluster store holds no certificate set yet; nothing to stage\n";
    return kExitOk;
  }
  Status staging = local.make_dirs(kStagingDir, 0700);  // as the parent makes it
  if (!staging.ok()) {
    err << "acmectl sync: " << staging.message() << "; nothing was written\n";
    return kExitUsage;
  }
  SyncSetup setup{args.cluster_file, file.trust_anchor_file, std::chrono::system_clock::now()};
  SyncCounts counts = sync_sets(cluster.store(), local, *entries, setup, out, err);
  hand_to_child(local, counts.staged_names, err);
  print_summary(entries->size(), counts, out, err);
  return sync_exit_status(counts);
}

}  // namespace

Result<std::vector<std::string>> shared_set_names(const Store& shared) {
  return shared.list(layout::kSetsDir);
}

ManagedCert sync_cert(const Store& shared, const std::string& entry,
                      const std::string& trust_anchor_file) {
  ManagedCert cert;
  cert.name = certificate_name(entry);
  cert.trust_anchor_file = trust_anchor_file;
  auto record = read_status_record(shared, cert.name);
  if (record.ok() && !record->names.empty()) {
    cert.names = record->names;
    return cert;
  }
  // No record: the name itself, less a second key type's "_<type>".
  cert.names = {cert.name.substr(0, cert.name.find(kKeyVariantSeparator))};
  return cert;
}

SyncCounts sync_sets(const Store& shared, Store& local, const std::vector<std::string>& entries,
                     const SyncSetup& setup, std::ostream& out, std::ostream& err) {
  SyncCounts counts;
  SharedSetMemory memory;
  NoLog log;
  for (const std::string& entry : entries) {
    ManagedCert cert = sync_cert(shared, entry, setup.trust_anchor_file);
    Result<bool> staged = install_shared_set(shared, local, cert, setup.now, memory, log);
    count(report(staged, cert, memory, setup, out, err), cert.name, counts);
  }
  return counts;
}

int sync_exit_status(const SyncCounts& counts) {
  return counts.failed ? kExitProblem : kExitOk;
}

int run_sync(const Args& args, std::ostream& out, std::ostream& err) {
  if (!store_dir_usable(args, err)) return kExitUsage;
  Result<ClusterFile> file = read_cluster_config(args.cluster_file);
  Result<std::unique_ptr<ClusterStore>> cluster =
      file.ok()
          ? ClusterStore::open(file->cluster, std::filesystem::absolute(args.store_dir).string())
          : file.status();
  if (!cluster.ok()) {
    err << "acmectl sync: " << cluster.status().message() << "\n";
    return kExitUsage;
  }
  return sync_with(**cluster, *file, args, out, err);
}

}  // namespace acme::ctl
