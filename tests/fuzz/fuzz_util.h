// Helpers shared by the libFuzzer targets in this folder (never linked into
// mod_acme.so). A target gets raw bytes; these turn them into the strings the
// parsers take and fix the clock, so a crash reproduces from its input alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/clock.h"

namespace acme {
namespace fuzz {

inline std::string text(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// 2026-12-01T00:00:00Z: inside the validity of the OCSP fixtures.
inline TimePoint fixed_now() {
  return from_unix(1796083200);
}

// Splits "head<sep>tail" at the first sep; no sep: head is everything.
inline std::pair<std::string, std::string> split_once(const std::string& s, char sep) {
  auto at = s.find(sep);
  if (at == std::string::npos) return {s, ""};
  return {s.substr(0, at), s.substr(at + 1)};
}

}  // namespace fuzz
}  // namespace acme
