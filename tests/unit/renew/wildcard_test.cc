// Wildcard names end to end in the core: the order identifier, the
// authorization, the file names in the store, the fallback certificate.
#include <string>

#include "acme/authorization.h"
#include "acme/identifier.h"
#include "crypto/certificate.h"
#include "crypto/self_signed.h"
#include "report/status_record.h"
#include "store/layout.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Wildcard){};

// RFC 8555 §7.1.3: the order names the wildcard as written.
TEST(Wildcard, OrderIdentifierKeepsTheWildcard) {
  Identifier id = identifier_for("*.A.Example");
  STRCMP_EQUAL(R"({"type":"dns","value":"*.a.example"})", identifier_json(id).dump().c_str());
  STRCMP_EQUAL("", dns_name_problem("*.a.example", true).c_str());
  CHECK(!dns_name_problem("*.a.example", false).empty());
  CHECK(!dns_name_problem("*.example", true).empty());    // one label under the wildcard
  CHECK(!dns_name_problem("a.*.example", true).empty());  // '*' only as the first label
  CHECK(!dns_name_problem("*a.example", true).empty());
}

// RFC 8555 §7.1.3: its authorization names the base domain, "wildcard": true.
TEST(Wildcard, AuthorizationNamesTheBaseDomain) {
  auto json = Json::parse(R"({"status":"pending","wildcard":true,
      "identifier":{"type":"dns","value":"a.example"},
      "challenges":[{"type":"dns-01","url":"https://ca/chall/1","status":"pending",
                     "token":"evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"}]})");
  CHECK(json.ok());
  auto authz = parse_authorization("https://ca/authz/1", *json);
  CHECK(authz.ok());
  CHECK(authz->wildcard);
  STRCMP_EQUAL("a.example", authz->identifier.value.c_str());
  CHECK(authz->find("dns-01") != nullptr);
}

TEST(Wildcard, FileNamesMapTheStar) {
  STRCMP_EQUAL("_.a.example", layout::file_name("*.a.example").c_str());
  STRCMP_EQUAL("_.a.example", layout::file_name("_.a.example").c_str());  // stable
  STRCMP_EQUAL("a.example", layout::file_name("a.example").c_str());
  STRCMP_EQUAL("live/_.a.example", layout::live_dir("*.a.example").c_str());
  STRCMP_EQUAL("jobs/_.a.example", layout::job_dir("*.a.example").c_str());
  STRCMP_EQUAL("staging/_.a.example", layout::staging_dir("*.a.example").c_str());
  STRCMP_EQUAL("archive/_.a.example", layout::archive_dir("*.a.example").c_str());
  STRCMP_EQUAL("fallback/_.a.example", layout::fallback_dir("*.a.example").c_str());
}

// The record keeps the real name; the file is named by file_name().
TEST(Wildcard, StatusRecordUnderTheMappedName) {
  MemoryStore store;
  StatusRecord r;
  r.name = "*.a.example";
  r.names = {"*.a.example", "a.example"};
  r.state = "renewing";
  CHECK(write_status_record(store, r).ok());
  CHECK(store.exists("status/_.a.example.json"));
  auto back = read_status_record(store, "*.a.example");
  CHECK(back.ok());
  STRCMP_EQUAL("*.a.example", back->name.c_str());
  auto all = *collect_status_records(store);
  LONGS_EQUAL(1, all.size());
  STRCMP_EQUAL("*.a.example", all[0].name.c_str());
  AdminRequest request;
  CHECK(write_admin_request(store, "*.a.example", request).ok());
  CHECK(store.exists("requests/_.a.example.json"));
  CHECK(read_admin_request(store, "*.a.example").ok());
}

TEST(Wildcard, FallbackCertificateNamesTheWildcard) {
  auto made = make_self_signed({"a.example", "*.a.example"}, KeyType::kP256, from_unix(1767225600),
                               Seconds(86400));
  CHECK(made.ok());
  auto certs = Certificate::parse_pem_chain(made->cert_pem);
  CHECK(certs.ok());
  auto names = certs->front().names();
  LONGS_EQUAL(2, names.size());
  STRCMP_EQUAL("*.a.example", names[1].c_str());
}
