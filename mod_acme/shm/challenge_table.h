// ChallengeTable: the layout of the shared-memory region that carries
// http-01 answers from the watchdog (single writer) to every request worker
// (many readers). The activation and drain words the parent and the
// watchdog exchange live in a region of their own (shm/activation_signal.h).
//
// The memory is provided by the caller (apr_shm in httpd/, a buffer in tests)
// and formatted once; the table sits on a SlotRegion (shm/slot_region.h):
// each slot is guarded by a sequence lock, readers never block and never
// take a lock; a reader that races a write retries a bounded number of
// times. Only std:: and atomics here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "shm/slot_region.h"

namespace acme {

class ChallengeTable {
 public:
  ChallengeTable() = default;  // detached until format() or attach()

  static constexpr std::size_t kHostMax = 255;   // DNS name or IP literal
  static constexpr std::size_t kTokenMax = 128;  // base64url token
  static constexpr std::size_t kValueMax = 255;  // key authorization

  static std::size_t region_size(std::size_t slots);

  // Attaches to memory of at least region_size(slots) bytes. format() must
  // run once (in the parent, before children fork) before any other call;
  // attach() checks the header and fails on a mismatch.
  static Result<ChallengeTable> format(void* memory, std::size_t size, std::size_t slots);
  static Result<ChallengeTable> attach(void* memory, std::size_t size);

  // Writer side (the watchdog). put() replaces an entry with the same token.
  Status put(const std::string& host, const std::string& token, const std::string& value);
  void remove(const std::string& token);
  void clear();
  // Removes every entry whose token is not in keep.
  void retain(const std::set<std::string>& keep);
  // The tokens in use (the watchdog's start, the only writer, reads them).
  std::vector<std::string> tokens() const;
  std::size_t used() const;
  std::size_t capacity() const;

  // Reader side (workers): the value for (host, token), host compared
  // case-insensitively. False if absent.
  bool lookup(const std::string& host, const std::string& token, std::string* value) const;

  struct Slot;  // layout, defined in the .cc

 private:
  explicit ChallengeTable(SlotRegion region) : region_(region) {}

  SlotRegion region_;
};

}  // namespace acme
