#include "certset/chain_choice.h"

#include <openssl/x509.h>
#include <strings.h>

#include "crypto/certificate.h"

namespace acme {

namespace {

std::string common_name_of(const X509_NAME* name) {
  int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0) return "";
  const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return "";
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

bool same_text(const std::string& a, const std::string& b) {
  return !a.empty() && strcasecmp(a.c_str(), b.c_str()) == 0;
}

std::string describe(const TopIssuer& top) {
  return "'" + (top.common_name.empty() ? top.name : top.common_name) + "'";
}

}  // namespace

TopIssuer top_issuer(const std::string& chain_pem) {
  auto certs = Certificate::parse_pem_chain(chain_pem);
  if (!certs.ok()) return {};
  const Certificate& top = certs->back();
  return {common_name_of(X509_get_issuer_name(top.get())), top.issuer()};
}

bool chain_matches(const std::string& chain_pem, const std::string& preferred) {
  TopIssuer top = top_issuer(chain_pem);
  return same_text(top.common_name, preferred) || same_text(top.name, preferred);
}

IssuedChain choose_chain(AcmeClient& client, const IssuedChain& issued,
                         const std::string& preferred, LogSink& log) {
  if (preferred.empty() || chain_matches(issued.pem, preferred)) return issued;
  std::string offered = describe(top_issuer(issued.pem));
  std::size_t tried = 0;
  for (const std::string& url : issued.alternates) {
    if (tried++ == kMaxAlternateChains) break;
    auto alternate = download_certificate(client, url);
    if (!alternate.ok()) {
      log.log(LogLevel::kWarn, kMsgChainChoice,
              "alternate chain " + url + " could not be fetched: " + alternate.status().message());
      continue;
    }
    if (chain_matches(alternate->pem, preferred)) {
      log.log(LogLevel::kNotice, kMsgChainChoice,
              "ACMEPreferredChain '" + preferred + "': using the alternate chain " + url);
      return *alternate;
    }
    offered += ", " + describe(top_issuer(alternate->pem));
  }
  log.log(LogLevel::kWarn, kMsgChainChoice,
          "ACMEPreferredChain '" + preferred + "': no chain the CA offers ends at it (topmost " +
              "issuers: " + offered + "); using the default chain");
  return issued;
}

}  // namespace acme
