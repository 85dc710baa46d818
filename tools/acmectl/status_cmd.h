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
#include "report/status_record.h"
#include "store/store.h"

namespace acme::ctl {

// The records come from collect_status_records (report/status_record.h), the
// JSON from status_json (report/status_page.h): the same as /acme-status.

// Why a record needs an admin's attention ("expired", "state error", "last
// renewal attempt failed", ...), or "" when all is well.
std::string record_problem(const StatusRecord& record, TimePoint now);

std::string format_status_text(const std::vector<StatusRecord>& records, TimePoint now);

// Exit status: kExitOk all well (or nothing managed), kExitProblem a record
// needs attention, kExitUsage the store cannot be read.
int run_status(const Store& store, bool json, TimePoint now, std::ostream& out, std::ostream& err);
int run_status(const Args& args, std::ostream& out, std::ostream& err);

}  // namespace acme::ctl
