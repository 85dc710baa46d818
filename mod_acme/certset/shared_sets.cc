#include "certset/shared_sets.h"

#include <algorithm>
#include <cctype>

#include "base/time_format.h"
#include "certset/cert_files.h"
#include "crypto/certificate.h"
#include "crypto/verify.h"
#include "store/layout.h"

namespace acme {

namespace {

constexpr const char kCurrent[] = "current";

// A seq as shared_set_seq makes it: a link target naming anything else (a
// path, "..") is not followed.
bool well_formed_seq(const std::string& seq) {
  return !seq.empty() && std::all_of(seq.begin(), seq.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

// Removes every set of `name` but `keep` and `previous`.
void prune(Store& shared, const std::string& name, const std::string& keep,
           const std::string& previous, LogSink& log) {
  auto entries = shared.list(layout::shared_sets_dir(name));
  if (!entries.ok()) {
    log.log(LogLevel::kWarn, kMsgStoreError,
            "old certificate sets of " + name + " not removed: " + entries.status().message() +
                " (tried again at the next publication)");
    return;
  }
  for (const std::string& entry : *entries) {
    if (entry == kCurrent || entry == keep || entry == previous) continue;
    remove_logged(shared, layout::shared_set_dir(name, entry), log);
  }
}

// The DER of the leaf in the file at path; "" when there is none.
std::string leaf_der_at(const Store& store, const std::string& path) {
  auto pem = store.read(path);
  if (!pem.ok()) return "";
  auto der = first_certificate_der(*pem);
  return der.ok() ? *der : "";
}

// The leaf of chain_pem is the one this node serves, or has staged to serve.
bool already_here(const Store& local, const std::string& name, const std::string& chain_pem) {
  auto der = first_certificate_der(chain_pem);
  if (!der.ok()) return false;  // verification names what is wrong with it
  return *der == leaf_der_at(local, layout::file_in(layout::live_dir(name), layout::kCertFile)) ||
         *der ==
             leaf_der_at(local, layout::file_in(layout::staging_dir(name), layout::kFullchainFile));
}

// True (and logged once per seq) when the leaf is not valid yet by this
// node's clock: a node whose clock is behind the CA's waits for it rather
// than refusing a good set for good.
bool not_valid_yet(const std::string& chain_pem, const std::string& name, const std::string& seq,
                   TimePoint now, SharedSetMemory& memory, LogSink& log) {
  auto certs = Certificate::parse_pem_chain(chain_pem);
  if (!certs.ok() || certs->front().not_before() <= now) return false;
  if (memory.waiting[name] != seq) {
    memory.waiting[name] = seq;
    log.log(LogLevel::kInfo, kMsgSharedSet,
            "certificate set " + seq + " for " + name + " is valid from " +
                format_rfc3339(certs->front().not_before()) +
                ", later than this node's clock; it is installed then (check the node's time "
                "synchronisation if this persists)");
  }
  return true;
}

void refuse(const std::string& name, const std::string& seq, const std::string& cause,
            SharedSetMemory& memory, LogSink& log) {
  memory.done[name] = seq;
  memory.refused[name] = cause;
  log.log(LogLevel::kError, kMsgCertRejected,
          "certificate set " + seq + " for " + name + " in the cluster store (" +
              layout::shared_set_dir(name, seq) + ") fails verification on this node and is " +
              "not installed: " + cause +
              "; the current certificate keeps serving, the set is not tried again until "
              "another is published");
}

}  // namespace

Result<std::string> shared_set_seq(const std::string& chain_pem) {
  auto certs = Certificate::parse_pem_chain(chain_pem);
  if (!certs.ok()) return certs.status();
  const Certificate& leaf = certs->front();
  std::string seq;
  for (char c : format_rfc3339(leaf.not_before()))  // "2026-01-01T00:00:00Z" -> "20260101T000000Z"
    if (c != '-' && c != ':') seq += c;
  return seq + "-" + leaf.serial_hex();
}

Result<std::string> publish_shared_set(Store& shared, const std::string& name,
                                       const std::string& chain_pem, const std::string& key_pem,
                                       LogSink& log) {
  auto seq = shared_set_seq(chain_pem);
  if (!seq.ok()) return seq.status().with_context("publishing the certificate set of " + name);
  const std::string current = layout::shared_set_current(name);
  auto previous = shared.read_link(current);
  if (!previous.ok() && previous.status().code() != Code::kNotFound) return previous.status();
  if (previous.ok() && *previous == *seq) return seq;  // published already: a repeat
  const std::string dir = layout::shared_set_dir(name, *seq);
  ACME_RETURN_IF_ERROR(shared.write(layout::file_in(dir, layout::kFullchainFile), chain_pem, 0644));
  ACME_RETURN_IF_ERROR(shared.write(layout::file_in(dir, layout::kPrivkeyFile), key_pem, 0600));
  ACME_RETURN_IF_ERROR(shared.link(*seq, current));  // last: only a whole set is ever named
  log.log(LogLevel::kNotice, kMsgSharedSet,
          "certificate set " + *seq + " for " + name + " published to the cluster store");
  prune(shared, name, *seq, previous.ok() ? *previous : "", log);
  return seq;
}

Result<bool> install_shared_set(const Store& shared, Store& local, const ManagedCert& cert,
                                TimePoint now, SharedSetMemory& memory, LogSink& log) {
  auto seq = shared.read_link(layout::shared_set_current(cert.name));
  if (!seq.ok()) {
    if (seq.status().code() == Code::kNotFound) return false;  // nothing published yet
    return seq.status();
  }
  auto done = memory.done.find(cert.name);
  if (done != memory.done.end() && done->second == *seq) return false;
  if (!well_formed_seq(*seq)) {
    refuse(cert.name, *seq, "'current' names no set", memory, log);
    return false;
  }
  const std::string dir = layout::shared_set_dir(cert.name, *seq);
  auto chain = shared.read(layout::file_in(dir, layout::kFullchainFile));
  if (!chain.ok()) return chain.status();
  if (already_here(local, cert.name, *chain)) {
    memory.done[cert.name] = *seq;
    memory.refused.erase(cert.name);
    return false;
  }
  if (not_valid_yet(*chain, cert.name, *seq, now, memory, log)) return false;
  auto key = shared.read(layout::file_in(dir, layout::kPrivkeyFile));
  if (!key.ok()) return key.status();
  // The very check a locally ordered set passes (renew/job.cc, promote_staged).
  Status verified = verify_cert_set(*chain, *key, {cert.trust_anchor_file, cert.names, now});
  if (!verified.ok()) {
    refuse(cert.name, *seq, verified.message(), memory, log);
    return false;
  }
  ACME_RETURN_IF_ERROR(stage_set(local, cert.name, *chain, *key));
  memory.done[cert.name] = *seq;
  memory.waiting.erase(cert.name);
  memory.refused.erase(cert.name);
  log.log(LogLevel::kNotice, kMsgCertStaged,
          "certificate set " + *seq + " for " + cert.name +
              " from the cluster store verified; staged for activation");
  return true;
}

}  // namespace acme
