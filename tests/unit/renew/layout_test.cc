#include "renew/layout.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Layout){};

TEST(Layout, CaIdIsStableForExistingStores) {
  STRCMP_EQUAL("127.0.0.1_14000_dir", layout::ca_id("https://127.0.0.1:14000/dir").c_str());
  STRCMP_EQUAL("acme-v02.api.letsencrypt.org_directory",
               layout::ca_id("https://acme-v02.api.letsencrypt.org/directory").c_str());
}

// One CA, one account directory, however the admin spells its URL.
TEST(Layout, SpellingsOfOneCaShareAnId) {
  const std::string id = layout::ca_id("https://ca.test/dir");
  for (const char* spelling :
       {"https://ca.test/dir/", "https://CA.Test/dir", "HTTPS://ca.test:443/dir//"}) {
    STRCMP_EQUAL(id.c_str(), layout::ca_id(spelling).c_str());
  }
  CHECK(id != layout::ca_id("https://ca.test/DIR"));  // paths are case-sensitive
  CHECK(id != layout::ca_id("https://ca.test:8443/dir"));
}
