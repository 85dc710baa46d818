// Orders (RFC 8555 §7.1.3, §7.4): create, fetch, finalize.
#pragma once

#include <string>
#include <vector>

#include "acme/client.h"
#include "acme/identifier.h"
#include "acme/problem.h"
#include "acme/resource_status.h"

namespace acme {

struct Order {
  std::string url;
  OrderStatus status = OrderStatus::kPending;
  std::vector<Identifier> identifiers;
  std::vector<std::string> authorizations;
  std::string finalize;
  std::string certificate;  // set once valid
  bool has_error = false;
  Problem error;
};

Result<Order> parse_order(const std::string& url, const Json& json);

// Optional newOrder fields; empty ones are not sent.
struct NewOrderOptions {
  std::string replaces;  // RFC 9773 §5: certID of the certificate this order replaces
  std::string profile;   // draft-ietf-acme-profiles: a name from meta.profiles
};

// §7.4: POST newOrder with every name as an identifier.
Result<Order> new_order(AcmeClient& client, const std::vector<std::string>& names,
                        const NewOrderOptions& options = {});
Result<Order> fetch_order(AcmeClient& client, const std::string& url);
// §7.4: POST finalize {"csr": base64url(DER)}.
Result<Order> finalize_order(AcmeClient& client, const Order& order, const std::string& csr_der);

}  // namespace acme
