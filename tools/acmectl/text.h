// Small text helpers shared by acmectl's commands: dates and spans of time
// as an admin reads them, and joined lists.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"

namespace acme::ctl {

// Whole days from now until t, rounded down (negative once t has passed).
long days_until(TimePoint t, TimePoint now);

// "2026-03-01T00:00:00Z", or "-" for an unset time.
std::string format_time(TimePoint t);

// "in 29 days", "in 5 hours", "in 12 minutes", "3 days ago", "now".
std::string relative_time(TimePoint t, TimePoint now);

// "a, b, c"; empty_text when items is empty.
std::string join(const std::vector<std::string>& items, const std::string& empty_text = "");

}  // namespace acme::ctl
