#include "certset/cert_files.h"

#include <algorithm>

#include "acme/identifier.h"
#include "base/time_format.h"
#include "config/key_variants.h"
#include "crypto/certificate.h"
#include "crypto/verify.h"
#include "store/layout.h"

namespace acme {

bool HttpdVersion::at_least(int ma, int mi, int pa) const {
  if (major != ma) return major > ma;
  if (minor != mi) return minor > mi;
  return patch >= pa;
}

std::string ssl_conf_text(const std::string& dir, const HttpdVersion& v) {
  std::string text = "# Written by mod_acme for httpd " + std::to_string(v.major) + "." +
                     std::to_string(v.minor) + "." + std::to_string(v.patch) +
                     ". Include it in a <VirtualHost> with SSLEngine on.\n";
  if (v.at_least(2, 4, 8)) {
    text += "SSLCertificateFile " + layout::file_in(dir, layout::kFullchainFile) + "\n";
  } else {
    text += "SSLCertificateFile " + layout::file_in(dir, layout::kCertFile) + "\n";
    text += "SSLCertificateChainFile " + layout::file_in(dir, layout::kChainFile) + "\n";
  }
  return text + "SSLCertificateKeyFile " + layout::file_in(dir, layout::kPrivkeyFile) + "\n";
}

Result<LiveInfo> read_live(const Store& store, const std::string& name) {
  auto pem = store.read(layout::file_in(layout::live_dir(name), layout::kCertFile));
  if (!pem.ok()) return pem.status();
  auto certs = Certificate::parse_pem_chain(*pem);
  if (!certs.ok()) return certs.status().with_context(store.absolute(layout::live_dir(name)));
  const Certificate& leaf = certs->front();
  auto type = certificate_key_type(leaf);
  return LiveInfo{leaf.not_before(), leaf.not_after(), leaf.names(), leaf.serial_hex(),
                  type.ok() ? key_type_name(*type) : ""};
}

bool covers_all(const LiveInfo& info, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    bool found = std::any_of(info.names.begin(), info.names.end(), [&](const std::string& n) {
      return lower_case(n) == lower_case(name);
    });
    if (!found) return false;
  }
  return true;
}

Status stage_set(Store& store, const std::string& name, const std::string& chain_pem,
                 const std::string& key_pem) {
  const std::string dir = layout::staging_dir(name);
  ACME_RETURN_IF_ERROR(store.write(layout::file_in(dir, layout::kPrivkeyFile), key_pem, 0600));
  return store.write(layout::file_in(dir, layout::kFullchainFile), chain_pem, 0644);
}

bool has_staged(const Store& store, const std::string& name) {
  return store.exists(layout::file_in(layout::staging_dir(name), layout::kFullchainFile));
}

namespace {

// Next sequence number under archive/<name>/: one more than the largest.
long next_sequence(const Store& store, const std::string& name) {
  long max = 0;
  auto entries = store.list(layout::archive_dir(name));
  if (entries.ok()) {
    for (const auto& e : *entries) max = std::max(max, std::strtol(e.c_str(), nullptr, 10));
  }
  return max + 1;
}

struct SplitChain {
  std::string fullchain, cert, chain;
};

// Leaf + intermediates in issuer order; a root the CA appended is dropped.
Result<SplitChain> split_chain(const std::string& pem) {
  auto certs = Certificate::parse_pem_chain(pem);
  if (!certs.ok()) return certs.status();
  SplitChain out;
  out.cert = (*certs)[0].to_pem();
  for (std::size_t i = 1; i < certs->size(); ++i)
    if (!(*certs)[i].self_issued()) out.chain += (*certs)[i].to_pem();
  out.fullchain = out.cert + out.chain;
  return out;
}

Status write_archive(Store& store, const std::string& dir, const SplitChain& split,
                     const std::string& key_pem, const std::string& ssl_conf) {
  ACME_RETURN_IF_ERROR(store.write(layout::file_in(dir, layout::kPrivkeyFile), key_pem, 0600));
  ACME_RETURN_IF_ERROR(store.write(layout::file_in(dir, layout::kCertFile), split.cert, 0644));
  ACME_RETURN_IF_ERROR(store.write(layout::file_in(dir, layout::kChainFile), split.chain, 0644));
  ACME_RETURN_IF_ERROR(
      store.write(layout::file_in(dir, layout::kFullchainFile), split.fullchain, 0644));
  return store.write(layout::file_in(dir, layout::kSslConfFile), ssl_conf, 0644);
}

// The staged pair, read by the parent (root) from staging/, which the child
// user writes: the store opens each file from directory descriptors with
// O_NOFOLLOW|O_NONBLOCK and takes only a regular file of at most 1 MiB owned
// by that user (store/fd_walk.h); a planted link, FIFO or hard link is refused.
struct Staged {
  std::string chain, key;
};
Result<Staged> read_staged(const Store& store, const std::string& staging) {
  auto chain = store.read(layout::file_in(staging, layout::kFullchainFile));
  if (!chain.ok()) return chain.status();
  auto key = store.read(layout::file_in(staging, layout::kPrivkeyFile));
  if (!key.ok()) return key.status();
  return Staged{std::move(*chain), std::move(*key)};
}

}  // namespace

Result<bool> promote_staged(Store& store, const ManagedCert& cert, const HttpdVersion& version,
                            TimePoint now, LogSink& log) {
  if (!has_staged(store, cert.name)) return false;
  const std::string staging = layout::staging_dir(cert.name);
  auto staged = read_staged(store, staging);
  // Gone meanwhile: the old watchdog still works on it; the next start sees it.
  if (!staged.ok() && staged.status().code() == Code::kNotFound) return false;
  if (!staged.ok()) {
    log.log(LogLevel::kError, kMsgCertRejected,
            "new certificate for " + cert.name + " not read: " + staged.status().message() +
                "; the staged set is removed, the current certificate keeps serving");
    remove_logged(store, staging, log);
    return staged.status();
  }
  const std::string& chain = staged->chain;
  const std::string& key = staged->key;
  Status verified = verify_cert_set(chain, key, {cert.trust_anchor_file, cert.names, now});
  if (!verified.ok()) {
    log.log(LogLevel::kError, kMsgCertRejected,
            "new certificate for " + cert.name + " fails verification and will not be served: " +
                verified.message() + "; the current certificate keeps serving");
    remove_logged(store, staging, log);
    return verified;
  }
  auto split = split_chain(chain);
  if (!split.ok()) return split.status();
  const std::string seq = std::to_string(next_sequence(store, cert.name));
  const std::string archive = layout::archive_dir(cert.name) + "/" + seq;
  const std::string live_abs = store.absolute(layout::live_dir(cert.name));
  ACME_RETURN_IF_ERROR(
      write_archive(store, archive, *split, key, ssl_conf_text(live_abs, version)));
  ACME_RETURN_IF_ERROR(store.link("../" + archive, layout::live_dir(cert.name)));
  remove_logged(store, staging, log);  // left: promoted again next time, same certificate
  auto info = read_live(store, cert.name);
  log.log(LogLevel::kNotice, kMsgCertActivated,
          "certificate for " + cert.name + " activated" +
              (info.ok() ? " (serial " + info->serial + ", valid until " +
                               format_rfc3339(info->not_after) + ")"
                         : std::string()));
  return true;
}

}  // namespace acme
