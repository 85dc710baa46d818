#include "crypto/verify.h"

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <strings.h>

#include <memory>

#include "base/handle.h"
#include "base/time_format.h"
#include "crypto/certificate.h"
#include "crypto/key.h"

namespace acme {

namespace {

using StoreCtxDeleter = FreeWith<X509_STORE_CTX_free>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, StoreCtxDeleter>;

Status failed(const std::string& message) {
  return Status(Code::kVerifyFailed, message);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out.empty() ? "no names" : out;
}

Status check_key(const Certificate& leaf, const std::string& key_pem) {
  Result<PrivateKey> key = PrivateKey::from_pem(key_pem);
  if (!key.ok()) return failed("private key of the certificate set: " + key.status().message());
  if (X509_check_private_key(leaf.get(), key->get()) != 1) {
    ERR_clear_error();
    return failed("private key does not match the certificate ('" + leaf.subject() + "', serial " +
                  leaf.serial_hex() + ")");
  }
  return Status::ok_status();
}

// RFC 6125 matching as TLS clients do it: SAN only, never the CN. A wildcard
// name is covered only by the same wildcard in the SAN.
bool covers(const Certificate& leaf, const std::string& name, const std::vector<std::string>& has) {
  if (is_ip_literal(name)) return X509_check_ip_asc(leaf.get(), name.c_str(), 0) == 1;
  if (name.compare(0, 2, "*.") == 0) {
    for (const std::string& entry : has) {
      if (strcasecmp(entry.c_str(), name.c_str()) == 0) return true;
    }
    return false;
  }
  unsigned int flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
  return X509_check_host(leaf.get(), name.data(), name.size(), flags, nullptr) == 1;
}

Status check_names(const Certificate& leaf, const std::vector<std::string>& names) {
  std::vector<std::string> has = leaf.names();
  for (const std::string& name : names) {
    if (!covers(leaf, name, has)) {
      return failed("certificate does not cover " + name + " (it names: " + join(has) + ")");
    }
  }
  return Status::ok_status();
}

Status check_validity(const Certificate& leaf, const std::string& what, TimePoint now) {
  if (now < leaf.not_before()) {
    return failed("certificate for " + what + " not valid until " +
                  format_rfc3339(leaf.not_before()) + " (now is " + format_rfc3339(now) +
                  "; check the system clock)");
  }
  if (now > leaf.not_after()) {
    return failed("certificate for " + what + " expired at " + format_rfc3339(leaf.not_after()));
  }
  return Status::ok_status();
}

std::string anchor_source(const std::string& file) {
  return file.empty() ? "the system trust store" : "ACMETrustAnchorFile " + file;
}

Result<X509StorePtr> load_anchors(const std::string& file) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return crypto_error("creating a certificate store");
  if (file.empty()) {
    if (X509_STORE_set_default_paths(store.get()) != 1) {
      return crypto_error("loading the system trust store");
    }
  } else if (X509_STORE_load_file(store.get(), file.c_str()) != 1) {
    return Status(Code::kInvalidArgument, "cannot load trust anchors from " + file + ": " +
                                              openssl_errors() + "; check ACMETrustAnchorFile");
  }
  return Result<X509StorePtr>(std::move(store));
}

std::string missing_issuer_hint(int depth, bool sent_intermediates, const std::string& anchors) {
  if (depth > 0) return anchors + " lacks its root";
  if (!sent_intermediates) {
    return "the CA sent no intermediate certificate (or " + anchors + " lacks its issuer)";
  }
  return "none of the intermediates the CA sent issued it";
}

std::string path_error(X509_STORE_CTX* ctx, const std::string& what, const std::string& anchors,
                       bool sent_intermediates) {
  int err = X509_STORE_CTX_get_error(ctx);
  int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* current = X509_STORE_CTX_get_current_cert(ctx);
  if (current) X509_up_ref(current);
  Certificate cert(current);
  std::string prefix = "certificate chain for " + what;
  switch (err) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      return prefix + " does not reach a trust anchor: unable to get issuer certificate for '" +
             cert.subject() + "' (issuer '" + cert.issuer() + "'); " +
             missing_issuer_hint(depth, sent_intermediates, anchors);
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return prefix + " does not reach a trust anchor: the certificate '" + cert.subject() +
             "' is self-signed";
    default:
      return prefix + " failed verification at '" + cert.subject() + "' (depth " +
             std::to_string(depth) + "): " + X509_verify_cert_error_string(err);
  }
}

// Builds the path a TLS client would: leaf, the intermediates the CA sent,
// up to an anchor we chose. A self-signed root in the chain proves nothing
// (RFC 8446 §4.4.2 lets servers omit it), so it never joins the path.
Status check_path(const std::vector<Certificate>& certs, const std::string& what,
                  const VerifyOptions& options, TimePoint now) {
  Result<X509StorePtr> store = load_anchors(options.trust_anchor_file);
  ACME_RETURN_IF_ERROR(store);
  X509StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; untrusted && i < certs.size(); ++i) {
    if (!certs[i].self_issued()) sk_X509_push(untrusted.get(), certs[i].get());
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!untrusted || !ctx ||
      X509_STORE_CTX_init(ctx.get(), store->get(), certs[0].get(), untrusted.get()) != 1) {
    return crypto_error("preparing certificate verification");
  }
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()),
                             static_cast<time_t>(to_unix(now)));
  int ok = X509_verify_cert(ctx.get());
  ERR_clear_error();
  if (ok == 1) return Status::ok_status();
  return failed(path_error(ctx.get(), what, anchor_source(options.trust_anchor_file),
                           sk_X509_num(untrusted.get()) > 0));
}

}  // namespace

Status verify_cert_set(const std::string& chain_pem, const std::string& key_pem,
                       const VerifyOptions& options) {
  Result<std::vector<Certificate>> certs = Certificate::parse_pem_chain(chain_pem);
  if (!certs.ok()) return failed("certificate chain is unusable: " + certs.status().message());
  const Certificate& leaf = certs->front();
  std::string what = options.names.empty() ? "'" + leaf.subject() + "'" : options.names.front();
  // An unset time would judge every certificate as not yet valid (1970).
  TimePoint now = options.now == TimePoint() ? std::chrono::system_clock::now() : options.now;
  ACME_RETURN_IF_ERROR(check_key(leaf, key_pem));
  ACME_RETURN_IF_ERROR(check_names(leaf, options.names));
  ACME_RETURN_IF_ERROR(check_validity(leaf, what, now));
  return check_path(*certs, what, options, now);
}

}  // namespace acme
