// Small text helpers shared by several layers.
#pragma once

#include <string>
#include <vector>

namespace acme {

// "a, b, c" for separator ", "; "" for no parts.
inline std::string join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : separator) + p;
  return out;
}

}  // namespace acme
