#include "acmectl/args.h"

#include <string>
#include <vector>

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;

namespace {

Result<Args> parse(const std::vector<std::string>& argv, const char* env = nullptr) {
  return parse_args(argv, env);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The parse must fail with a message naming `needle` and pointing to --help.
void check_rejected(const std::vector<std::string>& argv, const std::string& needle) {
  Result<Args> args = parse(argv);
  CHECK_FALSE(args.ok());
  CHECK(args.status().code() == Code::kInvalidArgument);
  CHECK_TEXT(contains(args.status().message(), needle), args.status().message().c_str());
  CHECK_TEXT(contains(args.status().message(), "--help"), args.status().message().c_str());
}

}  // namespace

TEST_GROUP(Args){};

TEST(Args, StatusUsesTheDebianStoreByDefault) {
  Result<Args> args = parse({"status"});
  CHECK(args.ok());
  CHECK(args->command == Command::kStatus);
  STRCMP_EQUAL(kDefaultStoreDir, args->store_dir.c_str());
  CHECK_FALSE(args->json);
}

TEST(Args, StoreComesFromOptionThenEnvironment) {
  STRCMP_EQUAL("/env", parse({"status"}, "/env")->store_dir.c_str());
  STRCMP_EQUAL("/opt", parse({"--store", "/opt", "status"}, "/env")->store_dir.c_str());
  STRCMP_EQUAL("/opt", parse({"--store=/opt", "status", "--json"}, "/env")->store_dir.c_str());
  STRCMP_EQUAL("/late", parse({"renew", "a.example", "--store", "/late"})->store_dir.c_str());
  STRCMP_EQUAL(kDefaultStoreDir, parse({"status"}, "")->store_dir.c_str());
  CHECK(parse({"status", "--json"})->json);
}

TEST(Args, HelpAndVersion) {
  CHECK(parse({"--help"})->help);
  CHECK(parse({"-h"})->command == Command::kNone);
  CHECK(parse({"--version"})->version);
  Result<Args> check_help = parse({"check", "--help"});  // no URL needed for help
  CHECK(check_help.ok());
  CHECK(check_help->help);
  CHECK(check_help->command == Command::kCheck);
  CHECK(parse({"help", "revoke"})->command == Command::kRevoke);
  CHECK(parse({"help", "revoke"})->help);
}

TEST(Args, CheckTakesAnHttpsUrl) {
  Result<Args> args = parse({"check", "https://a.example"});
  CHECK(args.ok());
  STRCMP_EQUAL("a.example", args->target.host.c_str());
  LONGS_EQUAL(443, args->target.port);
  STRCMP_EQUAL("a.example", args->connect.host.c_str());
  LONGS_EQUAL(443, args->connect.port);
  args = parse({"check", "--ca-file", "root.pem", "https://a.example:8443/path?q"});
  STRCMP_EQUAL("root.pem", args->ca_file.c_str());
  LONGS_EQUAL(8443, args->target.port);
  STRCMP_EQUAL("a.example", parse({"check", "a.example"})->target.host.c_str());
}

TEST(Args, CheckConnectKeepsTheNameForSni) {
  Result<Args> args = parse({"check", "--connect", "127.0.0.1", "https://a.example:8443"});
  CHECK(args.ok());
  STRCMP_EQUAL("a.example", args->target.host.c_str());
  STRCMP_EQUAL("127.0.0.1", args->connect.host.c_str());
  LONGS_EQUAL(8443, args->connect.port);  // the URL's port unless --connect names one
  args = parse({"check", "--connect=[::1]:9443", "https://a.example"});
  STRCMP_EQUAL("::1", args->connect.host.c_str());
  LONGS_EQUAL(9443, args->connect.port);
  LONGS_EQUAL(443, args->target.port);
}

TEST(Args, Ipv6Literals) {
  Result<Endpoint> e = parse_https_url("https://[2001:db8::1]:8443/");
  CHECK(e.ok());
  STRCMP_EQUAL("2001:db8::1", e->host.c_str());
  LONGS_EQUAL(8443, e->port);
  e = parse_address("2001:db8::1", 443);
  STRCMP_EQUAL("2001:db8::1", e->host.c_str());
  LONGS_EQUAL(443, e->port);
}

TEST(Args, RenewAndRevoke) {
  Result<Args> renew = parse({"renew", "a.example"});
  CHECK(renew->command == Command::kRenew);
  STRCMP_EQUAL("a.example", renew->name.c_str());
  Result<Args> revoke = parse({"revoke", "a.example"});
  STRCMP_EQUAL("unspecified", revoke->reason.c_str());
  revoke = parse({"--store", "/s", "revoke", "a.example", "keyCompromise"});
  STRCMP_EQUAL("keyCompromise", revoke->reason.c_str());
  STRCMP_EQUAL("/s", revoke->store_dir.c_str());
}

TEST(Args, RejectsBadUsage) {
  check_rejected({}, "no command");
  check_rejected({"stats"}, "unknown command 'stats'");
  check_rejected({"stats"}, "use status, check, preflight, renew, revoke, rollover or sync");
  check_rejected({"--frobnicate", "status"}, "unknown option '--frobnicate'");
  check_rejected({"status", "extra"}, "takes no argument");
  check_rejected({"status", "--ca-file", "x"}, "unknown option '--ca-file' for status");
  check_rejected({"check"}, "needs one URL");
  check_rejected({"check", "https://a.example", "https://b.example"}, "needs one URL");
  check_rejected({"check", "http://a.example"}, "not an https:// URL");
  check_rejected({"check", "https://a.example:0"}, "not a port");
  check_rejected({"check", "https://a.example:99999"}, "not a port");
  check_rejected({"check", "https://a.example:"}, "not a port");
  check_rejected({"check", "https://"}, "does not name a host");
  check_rejected({"check", "https://user@a.example"}, "user name");
  check_rejected({"check", "--connect", "127.0.0.1:x", "https://a.example"}, "--connect");
  check_rejected({"check", "https://a.example", "--connect"}, "--connect needs a value");
  check_rejected({"check", "--store", "/s", "https://a.example"}, "unknown option '--store'");
  check_rejected({"renew"}, "needs one certificate name");
  check_rejected({"revoke"}, "needs a certificate name");
  check_rejected({"revoke", "a", "b", "c"}, "needs a certificate name");
  check_rejected({"--store"}, "--store needs a value");
}

TEST(Args, EveryCommandHasHelp) {
  CHECK(contains(usage_text(Command::kNone), "Exit status"));
  for (Command c : {Command::kStatus, Command::kCheck, Command::kRenew, Command::kRevoke}) {
    std::string text = usage_text(c);
    CHECK_TEXT(contains(text, std::string("acmectl ") + command_name(c)) ||
                   contains(text, std::string(command_name(c)) + " "),
               text.c_str());
    CHECK(contains(text, "Exit status"));
  }
}

TEST(Args, Rollover) {
  Result<Args> rollover = parse({"--store", "/s", "rollover"});
  CHECK(rollover.ok());
  CHECK(rollover->command == Command::kRollover);
  STRCMP_EQUAL("/s", rollover->store_dir.c_str());
  STRCMP_EQUAL("/late", parse({"rollover", "--store", "/late"})->store_dir.c_str());
  check_rejected({"rollover", "a.example"}, "rollover takes no argument");
  CHECK(
      contains(usage_text(Command::kRollover), "acmectl [--store DIR] [--cluster FILE] rollover"));
  CHECK(contains(usage_text(Command::kNone), "rollover"));
}

TEST(Args, ClusterFileBeforeOrAfterTheCommand) {
  CHECK(parse({"status"})->cluster_file.empty());
  STRCMP_EQUAL("/etc/c.conf", parse({"--cluster", "/etc/c.conf", "status"})->cluster_file.c_str());
  STRCMP_EQUAL("/etc/c.conf",
               parse({"--cluster=/etc/c.conf", "renew", "a.example"})->cluster_file.c_str());
  STRCMP_EQUAL("/etc/c.conf",
               parse({"rollover", "--cluster", "/etc/c.conf"})->cluster_file.c_str());
  check_rejected({"check", "--cluster", "/etc/c.conf", "https://a.example"}, "--cluster");
  check_rejected({"status", "--cluster"}, "--cluster needs a value");
}

TEST(Args, SyncNeedsTheClusterFile) {
  Result<Args> sync = parse({"--cluster", "/etc/c.conf", "--store", "/s", "sync"});
  CHECK_TEXT(sync.ok(), sync.status().message().c_str());
  CHECK(sync->command == Command::kSync);
  STRCMP_EQUAL("/s", sync->store_dir.c_str());
  STRCMP_EQUAL("/etc/c.conf", parse({"sync", "--cluster=/etc/c.conf"})->cluster_file.c_str());
  check_rejected({"sync"}, "sync needs --cluster FILE");
  check_rejected({"--cluster", "/etc/c.conf", "sync", "a.example"}, "sync takes no argument");
  CHECK(parse({"sync", "--help"})->help);
  CHECK(contains(usage_text(Command::kSync), "acmectl --cluster FILE [--store DIR] sync"));
  CHECK(contains(usage_text(Command::kNone), "sync"));
}
