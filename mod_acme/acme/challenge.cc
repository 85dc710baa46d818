#include "acme/challenge.h"

#include "crypto/base64url.h"

namespace acme {

Result<Challenge> parse_challenge(const Json& json) {
  Challenge c;
  auto type = json.get_string("type");
  auto url = json.get_string("url");
  if (!type.ok() || !url.ok()) return Status(Code::kProtocol, "challenge without type or url");
  c.type = *type;
  c.url = *url;
  auto status = parse_challenge_status(json.get_string_or("status", "pending"));
  if (!status.ok()) return status.status().with_context("challenge " + c.url);
  c.status = *status;
  c.token = json.get_string_or("token", "");
  c.has_error = parse_error_field(json, &c.error);
  return c;
}

std::string key_authorization(const std::string& token, const std::string& thumbprint) {
  return token + "." + thumbprint;
}

bool valid_token(const std::string& token) {
  return token.size() >= 16 && token.size() <= 128 && is_base64url(token);
}

Result<Challenge> respond_to_challenge(AcmeClient& client, const std::string& url) {
  auto response = client.post(url, "{}");
  if (!response.ok()) return response.status().with_context("responding to challenge");
  return parse_challenge(response->json);
}

}  // namespace acme
