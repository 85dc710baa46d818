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
