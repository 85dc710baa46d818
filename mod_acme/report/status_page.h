// Rendering of the status records for the acme-status handler: JSON for
// machines, a small self-contained HTML page for people, and the few lines
// mod_status' server-status shows. Pure functions of the records and now.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "report/status_record.h"

namespace acme {

std::string status_json(const std::vector<StatusRecord>& records, TimePoint now);
std::string status_html(const std::vector<StatusRecord>& records, TimePoint now);
// For mod_status (?auto gives plain "key: value" lines, else an HTML table).
std::string status_server_status(const std::vector<StatusRecord>& records, TimePoint now,
                                 bool short_report);

// Whole days from now until t (negative once past).
long days_until(TimePoint t, TimePoint now);

}  // namespace acme
