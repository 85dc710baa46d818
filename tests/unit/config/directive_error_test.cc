#include "config/directive_error.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(DirectiveError){};

TEST(DirectiveError, ValueErrorNamesDirectiveValueAndFix) {
  STRCMP_EQUAL("ACMEActivation: 'soon' is not 'auto' or 'manual'",
               directive_message("ACMEActivation", value_error("soon", "is not 'auto' or 'manual'"))
                   .c_str());
}

TEST(DirectiveError, UsageErrorFollowsTheNameWithoutColon) {
  STRCMP_EQUAL("ACMEDomain needs at least one name",
               directive_message("ACMEDomain", usage_error("needs at least one name")).c_str());
}

TEST(DirectiveError, TheNameIsTakenAsTheAdminWroteIt) {
  STRCMP_EQUAL("acmedomain: 'x' is bad",
               directive_message("acmedomain", value_error("x", "is bad")).c_str());
}

TEST(DirectiveError, AMessageThatNamesTheDirectiveIsKeptWhole) {
  Status named(Code::kInvalidArgument, "ACMESharedStorePrefix 'x': begin it with '/'");
  STRCMP_EQUAL("ACMESharedStorePrefix 'x': begin it with '/'",
               directive_message("acmesharedstoreprefix", named).c_str());
  Status colon(Code::kInvalidArgument, "ACMESharedStore: no endpoint");
  STRCMP_EQUAL("ACMESharedStore: no endpoint", directive_message("ACMESharedStore", colon).c_str());
  // Only the whole name counts: another directive's name is no match.
  Status other(Code::kInvalidArgument, "ACMESharedStoreTLS: the certificate is missing");
  STRCMP_EQUAL("ACMESharedStore: ACMESharedStoreTLS: the certificate is missing",
               directive_message("ACMESharedStore", other).c_str());
}
