#include "http/retry_after.h"

#include <algorithm>
#include <cctype>

#include "base/time_format.h"

namespace acme {

namespace {

std::string trimmed(const std::string& text) {
  const char* blank = " \t";
  std::size_t first = text.find_first_not_of(blank);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(blank) - first + 1);
}

}  // namespace

Result<Seconds> parse_retry_after(const std::string& value, TimePoint now) {
  const std::string text = trimmed(value);
  // delta-seconds = 1*DIGIT; ten digits are already three centuries.
  if (!text.empty() && text.size() <= 10 &&
      std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return Seconds(std::stoll(text));
  }
  auto date = parse_http_date(text);
  if (!date.ok()) {
    return Status(Code::kInvalidArgument,
                  "Retry-After '" + value + "' is neither delta-seconds nor an HTTP-date");
  }
  if (*date <= now) return Seconds(0);
  return std::chrono::ceil<Seconds>(*date - now);
}

Seconds clamp_seconds(Seconds d, Seconds lo, Seconds hi) {
  return std::clamp(d, lo, hi);
}

}  // namespace acme
