// `acmectl preflight [--ca CA] [--resolver ADDRESS[:PORT]] NAME...`: before
// a first order, what the CA would find (preflight/checks.h) for each name,
// with a FIX: line for each problem. The reachability probe is served by
// the running httpd: published through the store (preflight/probe.h).
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "args.h"
#include "base/clock.h"
#include "preflight/checks.h"
#include "preflight/probe.h"
#include "store/store.h"

namespace acme::ctl {

// Exit status from the reports: kExitUsage when something could not be
// checked (DNS server silent, httpd did not serve the probe), else
// kExitProblem when a problem was found, else kExitOk.
int preflight_exit_code(const std::vector<NameReport>& reports);

// --ca: a known CA name ("letsencrypt") or a directory URL gives the CA's
// caaIdentities (RFC 8555 §7.1.1) through fetch_directory; anything else is
// taken as the issuer domain itself ("letsencrypt.org"). Empty: unknown.
struct CaIdentity {
  std::string label;
  std::vector<std::string> issuer_domains;
  std::string note;  // why the issuer domain is unknown, "" otherwise
};
using DirectoryFetcher = std::function<Result<std::vector<std::string>>(const std::string& url)>;
CaIdentity resolve_ca(const std::string& ca, const DirectoryFetcher& fetch_directory);

// Without --ca: the CA of the store's one ACME account (accounts/ID/account.json,
// "ca"); "" when the store has none or several.
std::string store_ca(const Store& store);

// Publishes a probe per name through store and waits (at most wait) for the
// running httpd to take it; false when it did not.
bool publish_probes(Store& store, const std::string& id, const std::vector<Probe>& probes,
                    Millis wait, std::ostream& err);

int run_preflight(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
