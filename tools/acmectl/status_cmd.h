// `acmectl status`: what mod_acme's store says about every certificate it
// manages. Reads the store only (status/<name>.json written by the running
// server, and live/<name>/ for a name without a record); never the network.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "args.h"
#include "base/clock.h"
#include "base/status.h"
#include "renew/status_record.h"
#include "store/store.h"

namespace acme::ctl {

// The names of the certificates in store, sorted: those with a status
// record and those with a live set.
Result<std::vector<std::string>> managed_names(const Store& store);

// Every managed name, sorted: its status record, or for a live/<name> set
// without one a record made from the certificate (state "unknown"). A file
// that cannot be read or parsed is listed with state "unreadable" and the
// reason as last_error. Errors only when a directory cannot be listed.
Result<std::vector<StatusRecord>> collect_status(const Store& store);

// Why a record needs an admin's attention ("expired", "state error", "last
// renewal attempt failed", ...), or "" when all is well.
std::string record_problem(const StatusRecord& record, TimePoint now);

std::string format_status_text(const std::vector<StatusRecord>& records, TimePoint now);
// A JSON array of the records, fields as in status/<name>.json.
std::string format_status_json(const std::vector<StatusRecord>& records);

// Exit status: kExitOk all well (or nothing managed), kExitProblem a record
// needs attention, kExitUsage the store cannot be read.
int run_status(const Store& store, bool json, TimePoint now, std::ostream& out, std::ostream& err);
int run_status(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
