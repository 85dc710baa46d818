// Shared-memory segments by key on the heap, as the process pool keeps
// them in httpd: a RegionSource for a Generation in tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "renew/generation.h"

namespace acme {
namespace testing {

struct Segments {
  std::map<std::string, std::vector<std::uint64_t>> by_key;
  int made = 0;
  RegionSource source() {
    RegionSource regions;
    regions.existing = [this](const char* key) -> std::optional<Region> {
      auto it = by_key.find(key);
      if (it == by_key.end()) return std::nullopt;
      return Region{it->second.data(), it->second.size() * 8};
    };
    regions.make = [this](const char* key, std::size_t size) -> Result<Region> {
      ++made;
      auto& words = by_key[key] = std::vector<std::uint64_t>(size / 8 + 1);
      return Region{words.data(), words.size() * 8};
    };
    return regions;
  }
};

}  // namespace testing
}  // namespace acme
