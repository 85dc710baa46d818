// Implements acme/resource_status.h with one name table per resource.
#include "acme/resource_status.h"

#include <utility>

namespace acme {

namespace {

template <class E>
using Names = std::pair<E, const char*>;

constexpr Names<OrderStatus> kOrder[] = {
    {OrderStatus::kPending, "pending"},       {OrderStatus::kReady, "ready"},
    {OrderStatus::kProcessing, "processing"}, {OrderStatus::kValid, "valid"},
    {OrderStatus::kInvalid, "invalid"},
};

constexpr Names<AuthorizationStatus> kAuthorization[] = {
    {AuthorizationStatus::kPending, "pending"}, {AuthorizationStatus::kValid, "valid"},
    {AuthorizationStatus::kInvalid, "invalid"}, {AuthorizationStatus::kDeactivated, "deactivated"},
    {AuthorizationStatus::kExpired, "expired"}, {AuthorizationStatus::kRevoked, "revoked"},
};

constexpr Names<ChallengeStatus> kChallenge[] = {
    {ChallengeStatus::kPending, "pending"},
    {ChallengeStatus::kProcessing, "processing"},
    {ChallengeStatus::kValid, "valid"},
    {ChallengeStatus::kInvalid, "invalid"},
};

template <class E, std::size_t N>
Result<E> parse(const char* resource, const std::string& text, const Names<E> (&names)[N]) {
  for (const auto& entry : names)
    if (text == entry.second) return entry.first;
  std::string known;
  for (const auto& entry : names) known += std::string(known.empty() ? "" : ", ") + entry.second;
  return Status(Code::kProtocol, std::string("the CA sent ") + resource + " status \"" + text +
                                     "\", which RFC 8555 §7.1.6 does not define (known: " + known +
                                     ")");
}

template <class E, std::size_t N>
const char* name(E status, const Names<E> (&names)[N]) {
  for (const auto& entry : names)
    if (status == entry.first) return entry.second;
  return "?";  // unreachable: every enumerator has a row
}

}  // namespace

Result<OrderStatus> parse_order_status(const std::string& text) {
  return parse("order", text, kOrder);
}

Result<AuthorizationStatus> parse_authorization_status(const std::string& text) {
  return parse("authorization", text, kAuthorization);
}

Result<ChallengeStatus> parse_challenge_status(const std::string& text) {
  return parse("challenge", text, kChallenge);
}

const char* order_status_name(OrderStatus status) {
  return name(status, kOrder);
}

const char* authorization_status_name(AuthorizationStatus status) {
  return name(status, kAuthorization);
}

const char* challenge_status_name(ChallengeStatus status) {
  return name(status, kChallenge);
}

}  // namespace acme
