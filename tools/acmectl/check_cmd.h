// `acmectl check https://NAME[:PORT]`: probes the server (tls_probe.h),
// judges what it sent (chain_report.h), asks the OCSP responder
// (ocsp_fetch.h) and prints the report.
#pragma once

#include <ostream>

#include "args.h"

namespace acme::ctl {

// Exit status: kExitOk (warnings at most), kExitProblem (an error found),
// kExitUsage (unreadable --ca-file, server unreachable, handshake failed).
int run_check(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
