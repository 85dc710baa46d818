#include "certset/chain_completion.h"

#include <openssl/x509_vfy.h>

#include "crypto/certificate.h"
#include "crypto/ocsp.h"

namespace acme {

namespace {

// True when cert's issuer is among the trust anchors (so nothing is missing).
bool issued_by_anchor(const Certificate& cert, const std::string& anchor_file) {
  X509StorePtr store(X509_STORE_new());
  if (!store) return false;
  bool loaded = anchor_file.empty() ? X509_STORE_set_default_paths(store.get()) == 1
                                    : X509_STORE_load_file(store.get(), anchor_file.c_str()) == 1;
  if (!loaded) return false;
  STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store.get());
  for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
    X509* anchor = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i));
    if (anchor && X509_check_issued(anchor, cert.get()) == X509_V_OK) return true;
  }
  return false;
}

bool needs_issuer(const Certificate& last, const std::string& anchor_file) {
  return !last.self_issued() && !issued_by_anchor(last, anchor_file);
}

Result<std::string> fetch_aia_issuer(HttpClient& http, const Certificate& cert) {
  std::string url = ca_issuers_url(cert);
  if (url.empty()) return Status(Code::kNotFound, "no AIA caIssuers URL");
  HttpRequest request;
  request.url = url;
  auto response = http.send(request);
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    return Status(Code::kNetwork, url + " answered HTTP " + std::to_string(response->status));
  }
  return pem_from_pem_or_der(response->body);
}

}  // namespace

std::string complete_chain(AcmeClient& client, HttpClient& http, const IssuedChain& issued,
                           const std::string& anchor_file, LogSink& log) {
  auto parsed = Certificate::parse_pem_chain(issued.pem);
  if (!parsed.ok()) return issued.pem;
  std::string pem = chain_pem(*parsed, 0);
  std::size_t next_up = 0;
  for (int fetch = 0; fetch < kMaxIssuerFetches; ++fetch) {
    auto certs = Certificate::parse_pem_chain(pem);
    if (!certs.ok() || !needs_issuer(certs->back(), anchor_file)) break;
    const Certificate& last = certs->back();
    Result<std::string> issuer = Status(Code::kNotFound, "no source");
    if (next_up < issued.up.size()) issuer = download_issuer(client, issued.up[next_up++]);
    if (!issuer.ok()) issuer = fetch_aia_issuer(http, last);
    if (!issuer.ok()) {
      log.log(LogLevel::kWarn, kMsgIssuerMissing,
              "the chain from the CA ends at '" + last.subject() + "' without its issuer '" +
                  last.issuer() + "', and fetching that failed: " + issuer.status().message());
      break;
    }
    log.log(LogLevel::kNotice, kMsgIssuerFetched,
            "the chain from the CA lacked '" + last.issuer() + "' (the issuer of '" +
                last.subject() + "'); fetched it so the chain is complete");
    pem += *issuer;
  }
  return pem;
}

}  // namespace acme
