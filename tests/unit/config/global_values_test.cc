// The server-wide directives: the value each keeps, and the text
// `apachectl -t` prints for a refused one (directive, value, fix).
#include <string>
#include <vector>

#include "config/config_test_util.h"
#include "config/directive_values.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(GlobalValues){};

TEST(GlobalValues, Activation) {
  CHECK(!*parse_activation("auto"));
  CHECK(*parse_activation("Manual"));
  // test_300_01[activation-word]
  STRCMP_EQUAL(
      "ACMEActivation: 'sometimes' is not 'auto' (graceful restart by the module) or 'manual'",
      refusal("ACMEActivation", parse_activation("sometimes")).c_str());
}

TEST(GlobalValues, CheckInterval) {
  LONGS_EQUAL(3600, parse_check_interval("1h")->count());
  LONGS_EQUAL(90, parse_check_interval("90s")->count());
  // test_300_01[checkinterval-zero]
  for (const char* bad : {"0", "-1h", "often"}) {
    STRCMP_EQUAL((std::string("ACMECheckInterval: '") + bad +
                  "' is not a positive duration; write e.g. 1h, 30m or 3600s")
                     .c_str(),
                 refusal("ACMECheckInterval", parse_check_interval(bad)).c_str());
  }
}

TEST(GlobalValues, MaxParallel) {
  LONGS_EQUAL(1, *parse_max_parallel("1"));
  LONGS_EQUAL(16, *parse_max_parallel("16"));  // test_300_02[maxparallel-16]
  LONGS_EQUAL(1024, *parse_max_parallel("1024"));
  // test_300_01[maxparallel-zero]
  for (const char* bad : {"0", "1025", "-3", "ten", "", "8x", "99999999"}) {
    STRCMP_EQUAL(
        (std::string("ACMEMaxParallel: '") + bad +
         "' is not a whole number from 1 to 1024; write e.g. 256, the default (more orders at once "
         "than the CA allows only earn rate-limit answers)")
            .c_str(),
        refusal("ACMEMaxParallel", parse_max_parallel(bad)).c_str());
  }
}

TEST(GlobalValues, PortMap) {
  auto both = parse_port_map({"80:8080", "443:8443"});
  CHECK(both.ok());
  LONGS_EQUAL(8080, *both->http);
  LONGS_EQUAL(8443, *both->https);
  auto one = parse_port_map({"443:8443"});
  CHECK(!one->http && *one->https == 8443);
}

TEST(GlobalValues, PortMapRefused) {
  // test_300_01[portmap-not-a-port]
  for (const char* bad : {"80:abc", "8080:80", "80:0", "80:65536", "80:8080x", "80"}) {
    STRCMP_EQUAL((std::string("ACMEPortMap: '") + bad +
                  "' is not a port mapping; write 80:LOCAL and/or 443:LOCAL, e.g. 'ACMEPortMap "
                  "80:8080 443:8443'")
                     .c_str(),
                 refusal("ACMEPortMap", parse_port_map({bad})).c_str());
  }
  STRCMP_EQUAL("ACMEPortMap needs 80:PORT and/or 443:PORT",
               refusal("ACMEPortMap", parse_port_map({})).c_str());
}

TEST(GlobalValues, NotifyCommandKeptAsWritten) {
  TempRoot root;
  root.put("notify.sh", "#!/bin/sh\n", 0755);
  STRCMP_EQUAL("notify.sh --to ops",
               parse_notify_command("notify.sh --to ops", root.resolver())->c_str());
}

TEST(GlobalValues, NotifyCommandNotExecutableNamedWithoutArguments) {
  // test_300_08[ACMENotifyCommand]
  TempRoot root;
  STRCMP_EQUAL(
      "ACMENotifyCommand: '/nonexistent-hook' is not an executable program; give its full path, "
      "e.g. 'ACMENotifyCommand /usr/local/bin/acme-notify' (called as PROGRAM NAME EVENT)",
      refusal("ACMENotifyCommand",
              parse_notify_command("/nonexistent-hook --api-token tok-5e3c2b1a", root.resolver()))
          .c_str());
  CHECK(!parse_notify_command("", root.resolver()).ok());
}

TEST(GlobalValues, PreflightResolver) {
  // test_300_02[preflight-resolver-ipv4], [preflight-resolver-ipv6]
  auto v4 = parse_preflight_resolver("127.0.0.1:5353");
  CHECK(v4.ok() && v4->server == "127.0.0.1" && v4->port == 5353);
  auto v6 = parse_preflight_resolver("[::1]:5353");
  CHECK(v6.ok() && v6->server == "::1" && v6->port == 5353);
  LONGS_EQUAL(53, parse_preflight_resolver("127.0.0.1")->port);
}

TEST(GlobalValues, PreflightResolverRefused) {
  // test_300_01[preflightresolver-name], [..-ipv6-without-brackets], [..-port-too-big]; test_300_10
  for (const char* bad : {"dns.example:53", "::1:53", "127.0.0.1:65536"}) {
    STRCMP_EQUAL((std::string("ACMEPreflightResolver: '") + bad +
                  "' is not the address of a DNS server; write an IPv4 address or an IPv6 address "
                  "in brackets, with its port, e.g. 127.0.0.1:53 or [::1]:5353")
                     .c_str(),
                 refusal("ACMEPreflightResolver", parse_preflight_resolver(bad)).c_str());
  }
}
