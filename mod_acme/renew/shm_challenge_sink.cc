#include "renew/shm_challenge_sink.h"

#include <string>

#include "acme/identifier.h"
#include "solve/tls_alpn01_responder.h"

namespace acme {

namespace {

std::string server_name(const ChallengeAnswer& a) {
  return tls_alpn01_server_name(identifier_for(a.identifier));
}

}  // namespace

Status ShmChallengeSink::publish(const ChallengeAnswer& a) {
  if (a.kind == ChallengeKind::kHttp01) return http01_.put(a.identifier, a.token, a.answer);
  const std::string name = server_name(a);
  std::string cert, key;
  if (name.empty()) {
    return Status(Code::kInvalidArgument,
                  "tls-alpn-01 cannot answer for '" + a.identifier + "' (token " + a.token + ")");
  }
  if (!split_challenge_pems(a.answer, &cert, &key)) {
    return Status(Code::kInvalidArgument, "tls-alpn-01 answer for " + a.identifier + " (token " +
                                              a.token + ") is not a certificate and its key");
  }
  return alpn_.put(name, a.answer);
}

void ShmChallengeSink::withdraw(const ChallengeAnswer& a) {
  if (a.kind == ChallengeKind::kHttp01) {
    http01_.remove(a.token);
    return;
  }
  const std::string name = server_name(a);
  std::string served;
  if (!name.empty() && alpn_.get(name, &served) && served == a.answer) alpn_.remove(name);
}

}  // namespace acme
