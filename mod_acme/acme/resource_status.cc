// Implements acme/resource_status.h with one name table per resource.
#include "acme/resource_status.h"

#include "base/enum_names.h"

namespace acme {

namespace {

constexpr EnumName<OrderStatus> kOrder[] = {
    {OrderStatus::kPending, "pending"},       {OrderStatus::kReady, "ready"},
    {OrderStatus::kProcessing, "processing"}, {OrderStatus::kValid, "valid"},
    {OrderStatus::kInvalid, "invalid"},
};

constexpr EnumName<AuthorizationStatus> kAuthorization[] = {
    {AuthorizationStatus::kPending, "pending"}, {AuthorizationStatus::kValid, "valid"},
    {AuthorizationStatus::kInvalid, "invalid"}, {AuthorizationStatus::kDeactivated, "deactivated"},
    {AuthorizationStatus::kExpired, "expired"}, {AuthorizationStatus::kRevoked, "revoked"},
};

constexpr EnumName<ChallengeStatus> kChallenge[] = {
    {ChallengeStatus::kPending, "pending"},
    {ChallengeStatus::kProcessing, "processing"},
    {ChallengeStatus::kValid, "valid"},
    {ChallengeStatus::kInvalid, "invalid"},
};

template <class E, std::size_t N>
Result<E> parse(const char* resource, const std::string& text, const EnumName<E> (&names)[N]) {
  if (auto status = enum_named(text, names)) return *status;
  return Status(Code::kProtocol, std::string("the CA sent ") + resource + " status \"" + text +
                                     "\", which RFC 8555 §7.1.6 does not define (known: " +
                                     enum_spellings(names) + ")");
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
  return name_of(status, kOrder, "?");
}

const char* authorization_status_name(AuthorizationStatus status) {
  return name_of(status, kAuthorization, "?");
}

const char* challenge_status_name(ChallengeStatus status) {
  return name_of(status, kChallenge, "?");
}

}  // namespace acme
