#include "solve/tls_alpn_answer.h"

#include <algorithm>

#include "acme/challenge.h"
#include "solve/tls_alpn01_responder.h"

namespace acme {

TlsAlpnVhost tls_alpn_vhost(const VhostDirectives& directives, const std::string& server_name,
                            bool allows_acme_tls1) {
  TlsAlpnVhost v;
  v.where = server_name + " (" + directives.where + ")";
  v.domains = directives.domains;
  v.allows_acme_tls1 = allows_acme_tls1;
  const auto& types = directives.challenges;
  v.lists_tls_alpn01 = std::find(types.begin(), types.end(), kTlsAlpn01) != types.end();
  return v;
}

bool plan_tls_alpn(const std::vector<TlsAlpnVhost>& vhosts, LogSink& log,
                   std::vector<std::string>* names) {
  bool wanted = false;
  for (const auto& vhost : vhosts) {
    if (vhost.domains.empty()) continue;
    if (vhost.allows_acme_tls1) {
      names->insert(names->end(), vhost.domains.begin(), vhost.domains.end());
      wanted = true;
      continue;
    }
    if (!vhost.lists_tls_alpn01) continue;
    wanted = true;
    log.log(LogLevel::kWarn, kMsgTlsAlpnConfig,
            "virtual host " + vhost.where + " lists tls-alpn-01 in ACMEChallenges but does not " +
                "allow the acme-tls/1 protocol, so the CA's tls-alpn-01 handshake cannot be " +
                "answered there; add 'Protocols h2 http/1.1 acme-tls/1' to it (or 'Protocols " +
                "http/1.1 acme-tls/1' without mod_http2)");
  }
  return wanted;
}

bool challenge_published(const AlpnCertTable& table, const char* sni) {
  std::string blob;
  return sni && *sni && table.get(normalized_server_name(sni), &blob);
}

bool challenge_certificate(const AlpnCertTable& table, const char* sni, std::string* cert_pem,
                           std::string* key_pem) {
  std::string blob;
  return sni && *sni && table.get(normalized_server_name(sni), &blob) &&
         split_challenge_pems(blob, cert_pem, key_pem);
}

}  // namespace acme
