// Accounts (RFC 8555 §7.3): create-or-find with contact and terms-of-service
// agreement. Registering the same key twice returns the existing account
// (§7.3.1), which is what makes a resumed registration safe.
#pragma once

#include <string>
#include <vector>

#include "acme/client.h"
#include "base/status.h"

namespace acme {

struct Account {
  std::string url;  // the "kid"
  std::string status;
  std::vector<std::string> contact;  // "mailto:admin@example.org"
  std::string orders;
};

struct NewAccountRequest {
  std::vector<std::string> contact;
  bool terms_of_service_agreed = false;
  bool only_return_existing = false;
  std::string external_account_binding;  // flattened JWS (§7.3.4, acme/eab.h); "" = none
};

// POST newAccount with the client's signer key embedded as JWK.
Result<Account> new_account(AcmeClient& client, const NewAccountRequest& request);

// RFC 8555 §7.3.2: POST {"contact": [...]} to the account URL (the client's
// kid); an empty list removes every contact.
Result<Account> update_account_contact(AcmeClient& client, const std::vector<std::string>& contact);

// "admin@example.org" -> "mailto:admin@example.org"; URIs pass unchanged.
std::string contact_uri(const std::string& email_or_uri);

}  // namespace acme
