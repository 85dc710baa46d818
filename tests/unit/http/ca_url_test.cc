#include "http/ca_url.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(CaUrl){};

TEST(CaUrl, OneSpellingPerCa) {
  STRCMP_EQUAL("https://ca.test/dir", canonical_ca_url("https://ca.test/dir/").c_str());
  STRCMP_EQUAL("https://ca.test/dir", canonical_ca_url("HTTPS://CA.test:443/dir").c_str());
  STRCMP_EQUAL("https://ca.test:14000/Dir", canonical_ca_url("https://ca.test:14000/Dir").c_str());
  STRCMP_EQUAL("https://ca.test", canonical_ca_url("https://ca.test/").c_str());
  STRCMP_EQUAL("https://ca.test/dir?x=1", canonical_ca_url("https://ca.test/dir/?x=1").c_str());
  STRCMP_EQUAL("https://ca.test/a/dir",
               canonical_ca_url(canonical_ca_url("https://ca.test/a/dir//")).c_str());
}
