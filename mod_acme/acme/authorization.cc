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
  ACME_RETURN_IF_ERROR(
      read_status(json, parse_authorization_status, "authorization " + url, &a.status));
  Json id = json.get("identifier");
  a.identifier = {id.get_string_or("type", "dns"), id.get_string_or("value", "")};
  a.wildcard = json.get_bool_or("wildcard", false);
  Json list = json.get("challenges");
  for (std::size_t i = 0; i < list.size(); ++i) {
    Json item = list.at(i);
    // One without type or url cannot be answered: skipped. An unknown
    // status is the CA breaking §7.1.6: the authorization is not read.
    if (!item.get_string("type").ok() || !item.get_string("url").ok()) continue;
    auto c = parse_challenge(item);
    if (!c.ok()) return c.status().with_context("authorization " + url);
    a.challenges.push_back(std::move(*c));
  }
  return a;
}

Result<Authorization> fetch_authorization(AcmeClient& client, const std::string& url) {
  auto response = client.post_as_get(url);
  if (!response.ok()) return response.status().with_context("fetching authorization");
  return parse_authorization(url, response->json);
}

}  // namespace acme
