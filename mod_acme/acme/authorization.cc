#include "acme/authorization.h"

namespace acme {

const Challenge* Authorization::find(const std::string& type) const {
  for (const auto& c : challenges)
    if (c.type == type) return &c;
  return nullptr;
}

std::string Authorization::error_text() const {
  for (const auto& c : challenges)
    if (c.has_error) return c.type + ": " + c.error.describe();
  return "no error detail from the CA";
}

Result<Authorization> parse_authorization(const std::string& url, const Json& json) {
  Authorization a;
  a.url = url;
  auto status = json.get_string("status");
  if (!status.ok()) return status.status().with_context("authorization " + url);
  a.status = *status;
  Json id = json.get("identifier");
  a.identifier = {id.get_string_or("type", "dns"), id.get_string_or("value", "")};
  a.wildcard = json.get_bool_or("wildcard", false);
  Json list = json.get("challenges");
  for (std::size_t i = 0; i < list.size(); ++i) {
    auto c = parse_challenge(list.at(i));
    if (c.ok()) a.challenges.push_back(std::move(*c));
  }
  return a;
}

Result<Authorization> fetch_authorization(AcmeClient& client, const std::string& url) {
  auto response = client.post_as_get(url);
  if (!response.ok()) return response.status().with_context("fetching authorization");
  return parse_authorization(url, response->json);
}

}  // namespace acme
