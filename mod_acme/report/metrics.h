// The status records in the Prometheus text exposition format, version 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for the
// acme-status handler's ?metrics. A pure function of the records: one family
// per certificate property and per CA count, each with HELP and TYPE, label values escaped, so
// any name a record carries yields a well-formed exposition. A property the
// record does not have (no live certificate, no OCSP answer) has no sample.
#pragma once

#include <string>
#include <vector>

#include "report/ca_counts.h"
#include "report/status_record.h"

namespace acme {

inline constexpr const char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Per CA (label ca, the directory URL): requests and errors by type, as
// counters (report/ca_counts.h).
std::string metrics_text(const std::vector<StatusRecord>& records,
                         const std::vector<CaCounts>& cas = {});

// A label value as the format wants it: backslash, double quote and newline
// escaped (\\, \", \n); every other byte as is.
std::string escape_label_value(const std::string& value);

// Whether an Accept header lists text/plain with version=0.0.4 (Prometheus
// sends "text/plain;version=0.0.4;q=0.5" among its choices).
bool accepts_prometheus_text(const std::string& accept);

}  // namespace acme
