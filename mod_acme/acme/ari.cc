#include "acme/ari.h"

#include "base/time_format.h"
#include "crypto/base64url.h"
#include "http/retry_after.h"

namespace acme {

namespace {

// The content octets of a DER INTEGER (tag 0x02, then a short or long length).
Result<std::string> integer_content(const ASN1_INTEGER* serial) {
  unsigned char* der = nullptr;
  int len = i2d_ASN1_INTEGER(const_cast<ASN1_INTEGER*>(serial), &der);
  if (len <= 2 || !der) return Status(Code::kCrypto, "cannot encode the certificate serial");
  std::string bytes(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  std::size_t header = 2;
  if (static_cast<unsigned char>(bytes[1]) & 0x80)
    header += static_cast<unsigned char>(bytes[1]) & 0x7f;
  if (bytes[0] != 0x02 || header >= bytes.size())
    return Status(Code::kCrypto, "the certificate serial is not a DER INTEGER");
  return bytes.substr(header);
}

}  // namespace

Result<std::string> ari_cert_id(const Certificate& cert) {
  const ASN1_OCTET_STRING* key_id = cert.get() ? X509_get0_authority_key_id(cert.get()) : nullptr;
  if (!key_id || ASN1_STRING_length(key_id) <= 0) {
    return Status(Code::kNotFound, "certificate " + cert.serial_hex() +
                                       " has no Authority Key Identifier: no ARI certID");
  }
  auto serial = integer_content(X509_get0_serialNumber(cert.get()));
  if (!serial.ok()) return serial.status();
  std::string aki(reinterpret_cast<const char*>(ASN1_STRING_get0_data(key_id)),
                  static_cast<std::size_t>(ASN1_STRING_length(key_id)));
  return base64url_encode(aki) + "." + base64url_encode(*serial);
}

Result<RenewalInfo> parse_renewal_info(const Json& json) {
  Json window = json.get("suggestedWindow");
  if (!window.is_object()) return Status(Code::kProtocol, "renewalInfo has no suggestedWindow");
  auto start = parse_rfc3339(window.get_string_or("start", ""));
  auto end = parse_rfc3339(window.get_string_or("end", ""));
  if (!start.ok() || !end.ok()) {
    return Status(Code::kProtocol,
                  "renewalInfo suggestedWindow needs RFC 3339 start and end: " + window.dump());
  }
  // §4.2: a window whose end is not after its start is invalid.
  if (*end <= *start) {
    return Status(Code::kProtocol,
                  "renewalInfo suggestedWindow ends before it starts: " + window.dump());
  }
  RenewalInfo info;
  info.window_start = *start;
  info.window_end = *end;
  info.explanation_url = json.get_string_or("explanationURL", "");
  return info;
}

Seconds ari_retry_after(const HttpResponse& response, TimePoint now) {
  const std::string value = response.header("retry-after");
  if (value.empty()) return kAriDefaultRetry;
  auto wait = parse_retry_after(value, now);
  if (!wait.ok()) return kAriDefaultRetry;
  return clamp_seconds(*wait, kAriMinRetry, kAriMaxRetry);
}

Result<RenewalInfo> fetch_renewal_info(HttpClient& http, const std::string& renewal_info_url,
                                       const std::string& cert_id, TimePoint now) {
  HttpRequest request;
  request.url = renewal_info_url;
  if (request.url.empty() || request.url.back() != '/') request.url += '/';
  request.url += cert_id;
  auto response = http.send(request);
  if (!response.ok()) return response.status().with_context("fetching " + request.url);
  if (response->status != 200) {
    Code code = response->status == 404   ? Code::kNotFound
                : response->status >= 500 ? Code::kNetwork
                                          : Code::kProtocol;
    return Status(code, request.url + " answered HTTP " + std::to_string(response->status));
  }
  auto json = Json::parse(response->body);
  if (!json.ok()) return json.status().with_context(request.url);
  auto info = parse_renewal_info(*json);
  if (!info.ok()) return info.status().with_context(request.url);
  info->retry_after = ari_retry_after(*response, now);
  return info;
}

}  // namespace acme
