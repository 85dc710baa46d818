#include "acme/order.h"

#include "crypto/base64url.h"

namespace acme {

Result<Order> parse_order(const std::string& url, const Json& json) {
  Order o;
  o.url = url;
  ACME_RETURN_IF_ERROR(read_status(json, parse_order_status, "order " + url, &o.status));
  Json ids = json.get("identifiers");
  for (std::size_t i = 0; i < ids.size(); ++i)
    o.identifiers.push_back(
        {ids.at(i).get_string_or("type", ""), ids.at(i).get_string_or("value", "")});
  auto authzs = json.get_string_array("authorizations");
  if (authzs.ok()) o.authorizations = *authzs;
  o.finalize = json.get_string_or("finalize", "");
  o.certificate = json.get_string_or("certificate", "");
  o.has_error = parse_error_field(json, &o.error);
  return o;
}

Result<Order> new_order(AcmeClient& client, const std::vector<std::string>& names,
                        const NewOrderOptions& options) {
  auto dir = client.directory();
  if (!dir.ok()) return dir.status();
  Json identifiers = Json::array();
  for (const auto& name : names) identifiers.append(identifier_json(identifier_for(name)));
  Json payload = Json::object().set("identifiers", identifiers);
  if (!options.replaces.empty()) payload.set("replaces", options.replaces);
  if (!options.profile.empty()) payload.set("profile", options.profile);
  auto response = client.post((*dir)->new_order, payload.dump());
  if (!response.ok()) return response.status().with_context("creating order");
  std::string url = response->location();
  if (url.empty()) return Status(Code::kProtocol, "newOrder answer carries no Location");
  return parse_order(url, response->json);
}

Result<Order> fetch_order(AcmeClient& client, const std::string& url) {
  auto response = client.post_as_get(url);
  if (!response.ok()) return response.status().with_context("fetching order");
  return parse_order(url, response->json);
}

Result<Order> finalize_order(AcmeClient& client, const Order& order, const std::string& csr_der) {
  Json payload = Json::object().set("csr", base64url_encode(csr_der));
  auto response = client.post(order.finalize, payload.dump());
  if (!response.ok()) return response.status().with_context("finalizing order");
  return parse_order(order.url, response->json);
}

}  // namespace acme
