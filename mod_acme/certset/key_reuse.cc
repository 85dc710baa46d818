#include "certset/key_reuse.h"

#include <openssl/err.h>
#include <openssl/x509.h>

#include "crypto/certificate.h"
#include "crypto/key.h"
#include "store/layout.h"

namespace acme {

namespace {

// The kept key, if it is of the configured type and matches the live leaf.
Result<std::string> kept_live_key(const Store& store, const ManagedCert& cert) {
  auto pem = store.read(layout::kept_key(cert.name));
  if (!pem.ok()) return pem.status();
  auto key = PrivateKey::from_pem(*pem);
  if (!key.ok()) return key.status();
  if (key->type() != cert.key_type) {
    return Status(Code::kNotFound, std::string("the kept key is ") + key_type_name(key->type()) +
                                       ", ACMEKeyType is now " + key_type_name(cert.key_type));
  }
  auto live = store.read(layout::file_in(layout::live_dir(cert.name), layout::kCertFile));
  if (!live.ok()) return Status(Code::kNotFound, "no live certificate");
  auto leaf = Certificate::parse_pem_chain(*live);
  if (!leaf.ok()) return leaf.status();
  if (X509_check_private_key(leaf->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return Status(Code::kNotFound, "the kept key is not the live certificate's");
  }
  return pem;
}

}  // namespace

Result<std::string> certificate_key_pem(const Store& store, const ManagedCert& cert, LogSink& log) {
  if (cert.key_reuse) {
    auto kept = kept_live_key(store, cert);
    if (kept.ok()) {
      log.log(LogLevel::kInfo, kMsgKeyReuse,
              "renewing " + cert.name + " with the live certificate's key (ACMEKeyReuse on)");
      return kept;
    }
    if (kept.status().code() != Code::kNotFound || store.exists(layout::kept_key(cert.name))) {
      log.log(LogLevel::kNotice, kMsgKeyReuse,
              "not reusing the key of " + cert.name + ": " + kept.status().message() +
                  "; a new key is made");
    }
  }
  auto key = PrivateKey::generate(cert.key_type);
  if (!key.ok()) return key.status();
  return key->to_pem();
}

Status remember_key(Store& store, const ManagedCert& cert, const std::string& key_pem) {
  if (!cert.key_reuse) return store.remove(layout::kept_key(cert.name));
  return store.write(layout::kept_key(cert.name), key_pem, 0600);
}

Status forget_key(Store& store, const std::string& name) {
  Status kept = store.remove(layout::kept_key(name));
  Status in_job = store.remove(layout::file_in(layout::job_dir(name), layout::kPrivkeyFile));
  return kept.ok() ? in_job : kept;
}

void forget_key_or_log(Store& store, const std::string& name, LogSink& log) {
  Status forgotten = forget_key(store, name);
  if (!forgotten.ok())
    log.log(LogLevel::kError, kMsgStoreError,
            "the key of " + name +
                " must not be used again, but could not be removed: " + forgotten.message() +
                "; remove " + store.absolute(layout::kept_key(name)) + " and " +
                store.absolute(layout::file_in(layout::job_dir(name), layout::kPrivkeyFile)) +
                " by hand");
}

}  // namespace acme
