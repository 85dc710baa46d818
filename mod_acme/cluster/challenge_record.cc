// The shared challenge value: implements cluster/challenge_record.h.
#include "cluster/challenge_record.h"

#include "crypto/base64url.h"
#include "json/json.h"

namespace acme {

namespace {

constexpr char kBeginCertificate[] = "-----BEGIN CERTIFICATE-----";
constexpr char kPrivateKeyEnd[] = "PRIVATE KEY-----";

// "certificate PEM + key PEM" split at the key's BEGIN line.
bool split_pems(const std::string& blob, std::string* cert, std::string* key) {
  std::size_t key_label = blob.find(kPrivateKeyEnd);
  if (key_label == std::string::npos) return false;
  std::size_t begin = blob.rfind("-----BEGIN ", key_label);
  if (begin == std::string::npos) return false;
  *cert = blob.substr(0, begin);
  *key = blob.substr(begin);
  return cert->find(kBeginCertificate) != std::string::npos;
}

Status refused(const std::string& etcd_key, const std::string& why) {
  return Status(Code::kProtocol,
                "etcd challenge " + etcd_key + ": " + why + "; not served on this node");
}

}  // namespace

const char* challenge_kind_name(ChallengeKind kind) {
  return kind == ChallengeKind::kHttp01 ? "http-01" : "tls-alpn-01";
}

Result<ChallengeKind> parse_challenge_kind(const std::string& name) {
  if (name == "http-01") return ChallengeKind::kHttp01;
  if (name == "tls-alpn-01") return ChallengeKind::kTlsAlpn01;
  return Status(Code::kInvalidArgument,
                "challenge kind '" + name + "' is neither http-01 nor tls-alpn-01");
}

Result<std::string> encode_challenge(const ChallengeAnswer& a, const ClusterKey& key,
                                     const std::string& etcd_key) {
  if (!is_base64url(a.token) || a.identifier.empty() || a.answer.empty()) {
    return Status(Code::kInvalidArgument, "challenge " + etcd_key +
                                              ": a base64url token, an identifier and an "
                                              "answer are required");
  }
  Json j = Json::object().set("kind", challenge_kind_name(a.kind)).set("identifier", a.identifier);
  if (a.kind == ChallengeKind::kHttp01) return j.set("answer", a.answer).dump();
  std::string cert, key_pem;
  if (!split_pems(a.answer, &cert, &key_pem)) {
    return Status(Code::kInvalidArgument, "tls-alpn-01 challenge " + etcd_key +
                                              ": the answer is not a certificate PEM followed "
                                              "by a private key PEM");
  }
  auto sealed = key.seal(key_pem, etcd_key);
  if (!sealed.ok()) return sealed.status();
  return j.set("certificate", cert).set("sealed_key", base64_encode(*sealed)).dump();
}

Result<ChallengeAnswer> decode_challenge(const std::string& token, const std::string& value,
                                         const ClusterKey& key, const std::string& etcd_key) {
  if (!is_base64url(token)) return refused(etcd_key, "the token is not base64url");
  auto j = Json::parse(value);
  if (!j.ok() || !j->is_object()) return refused(etcd_key, "the value is not a JSON object");
  auto kind = parse_challenge_kind(j->get_string_or("kind", ""));
  if (!kind.ok()) return refused(etcd_key, kind.status().message());
  ChallengeAnswer a{token, *kind, j->get_string_or("identifier", ""), ""};
  if (a.identifier.empty()) return refused(etcd_key, "no \"identifier\"");
  if (a.kind == ChallengeKind::kHttp01) {
    a.answer = j->get_string_or("answer", "");
    if (a.answer.empty()) return refused(etcd_key, "no \"answer\"");
    return a;
  }
  std::string cert = j->get_string_or("certificate", "");
  if (cert.find(kBeginCertificate) == std::string::npos) {
    return refused(etcd_key, "\"certificate\" holds no certificate PEM");
  }
  auto sealed = base64_decode(j->get_string_or("sealed_key", ""));
  if (!sealed.ok() || sealed->empty()) return refused(etcd_key, "\"sealed_key\" is not base64");
  auto key_pem = key.open_sealed(*sealed, etcd_key);
  if (!key_pem.ok())
    return refused(etcd_key, "the key does not open: " + key_pem.status().message());
  if (key_pem->find(kPrivateKeyEnd) == std::string::npos) {
    return refused(etcd_key, "the sealed key is not a private key PEM");
  }
  a.answer = cert + *key_pem;
  return a;
}

}  // namespace acme
