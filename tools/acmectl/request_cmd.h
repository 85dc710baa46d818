// `acmectl renew NAME` and `acmectl revoke NAME [REASON]`: leave a request
// for the running server in the store (requests/<name>.json, see
// report/status_record.h); mod_acme's watchdog picks it up and removes it.
// `acmectl rollover` likewise (requests/_account-rollover.json, store/layout.h).
#pragma once

#include <ostream>
#include <string>

#include "args.h"
#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace acme::ctl {

// OK when name is a certificate mod_acme manages in store (live/<name> or
// status/<name>.json); otherwise Code::kNotFound naming the managed ones,
// or Code::kInvalidArgument for a name that cannot be a certificate name.
Status check_managed(const Store& store, const std::string& name);

// root created requests/ (it did not exist yet): hand it to the owner of
// status/, so the running server can remove what it picked up.
void match_requests_owner(const Store& store);

// Writes the request; returns what the admin should expect, for printing.
Result<std::string> request_renewal(Store& store, const std::string& name, TimePoint now);
Result<std::string> request_revocation(Store& store, const std::string& name,
                                       const std::string& reason, TimePoint now);
// Code::kNotFound when the store holds no account yet.
Result<std::string> request_rollover(Store& store, TimePoint now);

// Exit status: kExitOk written, kExitProblem name not managed, kExitUsage
// bad name or reason, or the store could not be written.
int run_request(Store& store, const Args& args, TimePoint now, std::ostream& out,
                std::ostream& err);
int run_request(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
