// acmectl's command line: what the admin asked for, parsed and checked
// before anything touches the store or the network. Parsing is pure (the
// environment comes in as a parameter) so every case is unit-tested.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "base/status.h"

namespace acme::ctl {

// Exit status of every command; documented in `acmectl --help`.
constexpr int kExitOk = 0;       // all is well (warnings may have been printed)
constexpr int kExitProblem = 1;  // a problem was found
constexpr int kExitUsage = 2;    // bad usage, or the store / server could not be read

// Debian's ACMEStoreDir (conf/acme.conf).
constexpr const char kDefaultStoreDir[] = "/var/lib/apache2/acme";
constexpr const char kStoreEnv[] = "ACME_STORE_DIR";

enum class Command { kNone, kStatus, kCheck, kRenew, kRevoke, kRollover, kPreflight, kSync };
const char* command_name(Command command);

// A host and port to talk to. host is a DNS name or an IP literal without
// brackets ("2001:db8::1").
struct Endpoint {
  std::string host;
  int port = 443;
};

struct Args {
  Command command = Command::kNone;
  bool help = false;     // print usage (of command, or overall for kNone)
  bool version = false;  // print the version
  std::string store_dir;
  std::string cluster_file;            // --cluster: the ACMESharedStore* lines (cluster_store.h)
  bool json = false;                   // status --json
  std::string ca_file;                 // check --ca-file
  Endpoint target;                     // check: the name for SNI and verification, and its port
  Endpoint connect;                    // check: where to connect (target unless --connect)
  std::string name;                    // renew, revoke
  std::string reason = "unspecified";  // revoke
  // preflight
  std::vector<std::string> names;
  std::string ca;             // --ca: a known CA name, a directory URL or an issuer domain
  std::string resolver;       // --resolver ADDRESS[:PORT]; "" = the system's
  Endpoint resolver_address;  // parsed --resolver (port 53 unless given)
  int http_port = 80;         // --http-port: where the CA's http-01 request arrives
  int tls_port = 443;         // --tls-port: where its tls-alpn-01 handshake arrives
  std::vector<std::string> challenges{"http-01"};  // --challenges, as ACMEChallenges
};

// argv without the program name. env_store_dir: $ACME_STORE_DIR or null.
Result<Args> parse_args(const std::vector<std::string>& argv, const char* env_store_dir);

// "https://a.example", "https://a.example:8443/", "https://[2001:db8::1]:443",
// or the same without "https://".
Result<Endpoint> parse_https_url(const std::string& text);
// "192.0.2.1", "192.0.2.1:8443", "[2001:db8::1]:8443", "host.example:8443";
// default_port when none is given.
Result<Endpoint> parse_address(const std::string& text, int default_port);

// OK when dir is a directory; otherwise an error telling how to name the store.
Status check_store_dir(const std::string& dir);
// check_store_dir(args.store_dir), its error written to err as "acmectl COMMAND: ...".
bool store_dir_usable(const Args& args, std::ostream& err);

// The --help text of a command; kNone gives the overview.
std::string usage_text(Command command);

}  // namespace acme::ctl
