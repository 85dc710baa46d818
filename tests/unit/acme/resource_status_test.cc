#include "acme/resource_status.h"

#include <string>

#include "acme/authorization.h"
#include "acme/challenge.h"
#include "acme/order.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(ResourceStatus){};

// RFC 8555 §7.1.6: every status each resource may have, both ways.
TEST(ResourceStatus, EveryRfcStatusParsesAndNamesItselfBack) {
  for (const char* text : {"pending", "ready", "processing", "valid", "invalid"}) {
    auto status = parse_order_status(text);
    CHECK_TEXT(status.ok(), text);
    STRCMP_EQUAL(text, order_status_name(*status));
  }
  for (const char* text : {"pending", "valid", "invalid", "deactivated", "expired", "revoked"}) {
    auto status = parse_authorization_status(text);
    CHECK_TEXT(status.ok(), text);
    STRCMP_EQUAL(text, authorization_status_name(*status));
  }
  for (const char* text : {"pending", "processing", "valid", "invalid"}) {
    auto status = parse_challenge_status(text);
    CHECK_TEXT(status.ok(), text);
    STRCMP_EQUAL(text, challenge_status_name(*status));
  }
  CHECK(*parse_order_status("ready") == OrderStatus::kReady);
  CHECK(*parse_authorization_status("expired") == AuthorizationStatus::kExpired);
  CHECK(*parse_challenge_status("processing") == ChallengeStatus::kProcessing);
}

TEST(ResourceStatus, AStatusOfAnotherResourceOrUnknownIsAnError) {
  // "ready" is an order's, never an authorization's or a challenge's.
  CHECK_FALSE(parse_authorization_status("ready").ok());
  CHECK_FALSE(parse_challenge_status("deactivated").ok());
  CHECK_FALSE(parse_order_status("Valid").ok());  // case matters (JSON strings)
  Status unknown = parse_order_status("finished").status();
  LONGS_EQUAL(static_cast<int>(Code::kProtocol), static_cast<int>(unknown.code()));
  STRCMP_CONTAINS("order status \"finished\"", unknown.message().c_str());
  STRCMP_CONTAINS("RFC 8555 §7.1.6", unknown.message().c_str());
  STRCMP_CONTAINS("pending, ready, processing, valid, invalid", unknown.message().c_str());
}

TEST(ResourceStatus, ResourcesWithAnUnknownStatusAreNotRead) {
  auto order = parse_order("https://ca.test/order/1", *Json::parse(R"({"status": "done"})"));
  CHECK_FALSE(order.ok());
  STRCMP_CONTAINS("order https://ca.test/order/1", order.status().message().c_str());
  auto authz = parse_authorization("https://ca.test/authz/1",
                                   *Json::parse(R"({"status": "gone", "challenges": []})"));
  CHECK_FALSE(authz.ok());
  // An unknown challenge status fails its authorization, naming both.
  auto with_challenge = parse_authorization("https://ca.test/authz/2", *Json::parse(R"({
    "status": "pending", "identifier": {"type": "dns", "value": "a.example"},
    "challenges": [{"type": "http-01", "url": "https://ca.test/chall/9", "status": "odd"}]})"));
  CHECK_FALSE(with_challenge.ok());
  STRCMP_CONTAINS("authorization https://ca.test/authz/2",
                  with_challenge.status().message().c_str());
  STRCMP_CONTAINS("challenge status \"odd\"", with_challenge.status().message().c_str());
  // No status at all: a challenge is pending (as before), an order is an error.
  auto plain = parse_challenge(*Json::parse(R"({"type": "http-01", "url": "u"})"));
  CHECK(plain.ok());
  CHECK(plain->status == ChallengeStatus::kPending);
}
