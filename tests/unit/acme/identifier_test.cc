#include "acme/identifier.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(Identifier){};

TEST(Identifier, DnsNamesAreLowerCasedAndIpsTyped) {
  Identifier dns = identifier_for("WWW.A.Example");
  STRCMP_EQUAL("dns", dns.type.c_str());
  STRCMP_EQUAL("www.a.example", dns.value.c_str());
  STRCMP_EQUAL("ip", identifier_for("192.0.2.1").type.c_str());
  Identifier v6 = identifier_for("2001:db8::1");
  STRCMP_EQUAL("ip", v6.type.c_str());
  STRCMP_EQUAL("2001:db8::1", v6.value.c_str());
  STRCMP_EQUAL(R"({"type":"dns","value":"www.a.example"})", identifier_json(dns).dump().c_str());
}

TEST(Identifier, AcceptedNames) {
  for (const char* name : {"a.example", "www.a.example", "xn--bcher-kva.example", "a-b.c-d.example",
                           "0.example", "a.b.c.d.e.example"}) {
    STRCMP_EQUAL_TEXT("", dns_name_problem(name, false).c_str(), name);
  }
  std::string label63(63, 'a');
  STRCMP_EQUAL("", dns_name_problem(label63 + ".example", false).c_str());
  std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  LONGS_EQUAL(253, name253.size());
  STRCMP_EQUAL("", dns_name_problem(name253, false).c_str());
  STRCMP_EQUAL("", dns_name_problem("*.a.example", true).c_str());
}

TEST(Identifier, RejectedNamesSayWhy) {
  const char* cases[][2] = {
      {"", "a DNS name has 1 to 253 characters"},
      {"a.example.", "write the name without a trailing dot"},
      {"a..example", "each label has 1 to 63 characters"},
      {".a.example", "each label has 1 to 63 characters"},
      {"-a.example", "a label cannot start or end with '-'"},
      {"a-.example", "a label cannot start or end with '-'"},
      {"a_b.example", "'_' is not allowed in a DNS name (letters, digits, '-', '.')"},
      {"a b.example", "' ' is not allowed in a DNS name (letters, digits, '-', '.')"},
      {"a.*.example", "'*' is not allowed in a DNS name (letters, digits, '-', '.')"},
      {"localhost", "a certificate name needs at least two labels (like a.example)"},
      {"*.a.example", "wildcard names need the dns-01 challenge"},
  };
  for (const auto& c : cases) STRCMP_EQUAL_TEXT(c[1], dns_name_problem(c[0], false).c_str(), c[0]);
  STRCMP_EQUAL("each label has 1 to 63 characters",
               dns_name_problem(std::string(64, 'a') + ".example", false).c_str());
  STRCMP_EQUAL("a DNS name has 1 to 253 characters",
               dns_name_problem(std::string(250, 'a') + ".example", false).c_str());
  STRCMP_EQUAL("a certificate name needs at least two labels (like a.example)",
               dns_name_problem("*.example", true).c_str());
  STRCMP_EQUAL("a DNS name has 1 to 253 characters", dns_name_problem("*.", true).c_str());
}

TEST(Identifier, LowerCase) {
  STRCMP_EQUAL("abc-123.example", lower_case("ABC-123.Example").c_str());
  STRCMP_EQUAL("", lower_case("").c_str());
}
