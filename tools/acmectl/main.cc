// acmectl: the admin's command-line tool for mod_acme. Parses the command
// line (args.h) and hands over to one command; usage_text() documents them.
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "args.h"
#include "check_cmd.h"
#include "http/curl_http_client.h"
#include "preflight_cmd.h"
#include "request_cmd.h"
#include "status_cmd.h"
#include "sync_cmd.h"

namespace {

using namespace acme::ctl;

int run(const Args& args) {
  switch (args.command) {
    case Command::kStatus:
      return run_status(args, std::cout, std::cerr);
    case Command::kCheck:
      return run_check(args, std::cout, std::cerr);
    case Command::kPreflight:
      return run_preflight(args, std::cout, std::cerr);
    case Command::kRenew:
    case Command::kRevoke:
    case Command::kRollover:
      return run_request(args, std::cout, std::cerr);
    case Command::kSync:
      return run_sync(args, std::cout, std::cerr);
    case Command::kNone:
      break;
  }
  std::cout << usage_text(Command::kNone);
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // A server that closes the connection mid-write must not kill us silently.
  std::signal(SIGPIPE, SIG_IGN);
  acme::CurlHttpClient::global_init();
  try {
    auto args = parse_args(std::vector<std::string>(argv + 1, argv + argc), std::getenv(kStoreEnv));
    if (!args.ok()) {
      std::cerr << "acmectl: " << args.status().message() << "\n";
      return kExitUsage;
    }
    if (args->version && !args->help) {
      std::cout << "acmectl (mod_acme) " << ACME_VERSION << "\n";
      return kExitOk;
    }
    if (args->help) {
      std::cout << usage_text(args->command);
      return kExitOk;
    }
    return run(*args);
  } catch (const std::exception& e) {
    std::cerr << "acmectl: internal error: " << e.what() << "\n";
    return kExitUsage;
  }
}
