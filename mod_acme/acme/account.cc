#include "acme/account.h"

namespace acme {

std::string contact_uri(const std::string& email_or_uri) {
  if (email_or_uri.find(':') != std::string::npos) return email_or_uri;
  return "mailto:" + email_or_uri;
}

// RFC 8555 §7.3: the caller has set the account key as signer with no kid,
// so the JWK is embedded. 201 = created, 200 = this key's existing account.
Result<Account> new_account(AcmeClient& client, const NewAccountRequest& request) {
  auto dir = client.directory();
  if (!dir.ok()) return dir.status();
  Json payload = Json::object();
  if (!request.contact.empty()) {
    Json contacts = Json::array();
    for (const auto& c : request.contact) contacts.append(contact_uri(c));
    payload.set("contact", contacts);
  }
  if (request.terms_of_service_agreed) payload.set_bool("termsOfServiceAgreed", true);
  if (request.only_return_existing) payload.set_bool("onlyReturnExisting", true);
  if (!request.external_account_binding.empty()) {
    auto eab = Json::parse(request.external_account_binding);
    if (!eab.ok()) return eab.status().with_context("external account binding");
    payload.set("externalAccountBinding", *eab);
  }
  auto response = client.post((*dir)->new_account, payload.dump());
  if (!response.ok()) return response.status().with_context("registering ACME account");
  Account account;
  account.url = response->location();
  if (account.url.empty()) {
    return Status(Code::kProtocol, "newAccount answer carries no Location (account URL)");
  }
  account.status = response->json.get_string_or("status", "valid");
  account.orders = response->json.get_string_or("orders", "");
  auto contact = response->json.get_string_array("contact");
  if (contact.ok()) account.contact = *contact;
  if (account.status != "valid") {
    return Status(Code::kProblem, "ACME account " + account.url + " is " + account.status);
  }
  return account;
}

Result<Account> update_account_contact(AcmeClient& client,
                                       const std::vector<std::string>& contact) {
  Json contacts = Json::array();
  for (const auto& c : contact) contacts.append(contact_uri(c));
  auto response = client.post(client.kid(), Json::object().set("contact", contacts).dump());
  if (!response.ok()) return response.status().with_context("updating the ACME account contact");
  Account account;
  account.url = client.kid();
  account.status = response->json.get_string_or("status", "valid");
  account.orders = response->json.get_string_or("orders", "");
  auto answered = response->json.get_string_array("contact");
  if (answered.ok()) account.contact = *answered;
  return account;
}

}  // namespace acme
