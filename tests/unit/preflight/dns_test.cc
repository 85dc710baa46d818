#include "preflight/dns.h"

#include <CppUTest/TestHarness.h>  // last: it redefines new

using namespace acme;

TEST_GROUP(ResolverAddress){};

TEST(ResolverAddress, Ipv4WithPort) {
  auto o = parse_resolver_address("127.0.0.1:5353");
  CHECK(o.ok());
  STRCMP_EQUAL("127.0.0.1", o->server.c_str());
  LONGS_EQUAL(5353, o->port);
}

TEST(ResolverAddress, Ipv6InBracketsWithPort) {
  auto o = parse_resolver_address("[::1]:5353");
  CHECK(o.ok());
  STRCMP_EQUAL("::1", o->server.c_str());
  LONGS_EQUAL(5353, o->port);
}

TEST(ResolverAddress, PortDefaultsTo53) {
  LONGS_EQUAL(53, parse_resolver_address("192.0.2.53")->port);
  auto o = parse_resolver_address("[2001:db8::53]");
  CHECK(o.ok());
  STRCMP_EQUAL("2001:db8::53", o->server.c_str());
  LONGS_EQUAL(53, o->port);
}

TEST(ResolverAddress, RefusesWhatIsNotAnAddressAndPort) {
  for (const char* bad : {"", "dns.example:53", "::1", "::1:53", "[::1", "[::1]53",
                          "[::1]:", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:5x",
                          "[127.0.0.1]:53", "127.0.0.1:53:53", "999.0.0.1:53"}) {
    auto o = parse_resolver_address(bad);
    CHECK_TEXT(!o.ok(), bad);
    LONGS_EQUAL(static_cast<int>(Code::kInvalidArgument), static_cast<int>(o.status().code()));
    CHECK(o.status().message().find("e.g. 127.0.0.1:53 or [::1]:5353") != std::string::npos);
  }
}
