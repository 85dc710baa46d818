// What the acme-status handler answers (`SetHandler acme-status`): HTML for
// people, JSON with ?json or Accept: application/json, the Prometheus text
// format with ?metrics or Accept: text/plain; version=0.0.4; and the lines
// of mod_status' server-status. The records are read from the store as
// `acmectl status` reads them; httpd/status.cc only sends the bytes.
#pragma once

#include <string>

#include "base/clock.h"
#include "store/store.h"

namespace acme {

enum class StatusFormat { kHtml, kJson, kMetrics };

// ?metrics, ?json, then the Accept header; the query wins, being what a
// person types. Either may be null.
StatusFormat wanted_status_format(const char* query, const char* accept);
const char* status_content_type(StatusFormat format);
std::string status_body(StatusFormat format, const Store& store, TimePoint now);
// mod_status' section (?auto: short "key: value" lines).
std::string server_status_section(const Store& store, TimePoint now, bool short_report);

}  // namespace acme
