// SlotRegion: the one layout under every shared-memory table. A region is a
// header (magic, layout version, slot count, slot size) followed by an array
// of fixed-size slots, each guarded by a sequence lock (shm/seqlock.h): one
// writer (the watchdog) rewrites slots, many readers (the workers) copy them
// without ever blocking or writing shared memory.
//
// The memory is provided by the caller (apr_shm in httpd/, a buffer in
// tests). format() runs once, in the parent before children fork; attach()
// checks the header against the kind of table expected and fails, naming
// the mismatch, on any (a graceful restart keeps the old memory, so a module
// rebuilt with another layout meets the region an older build formatted;
// httpd/startup.cc then formats a fresh region instead).
//
// A table holds a SlotRegion and reads and writes it through the typed view
// in shm/slots.h (included by the table's .cc only).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/status.h"

namespace acme {

// What a table is: checked on attach, named in errors ("challenge table").
struct RegionKind {
  std::uint32_t magic;
  std::uint32_t version;
  const char* name;
};

class SlotRegion {
 public:
  SlotRegion() = default;  // detached until format() or attach()

  // Bytes for `slots` slots of slot_size bytes; SIZE_MAX on overflow.
  static std::size_t region_size(std::size_t slots, std::size_t slot_size);
  // Zeroes and stamps region_size(slots, slot_size) bytes of memory.
  static Result<SlotRegion> format(void* memory, std::size_t size, const RegionKind& kind,
                                   std::size_t slots, std::size_t slot_size);
  static Result<SlotRegion> attach(void* memory, std::size_t size, const RegionKind& kind,
                                   std::size_t slot_size);

  std::size_t capacity() const;
  void* slot(std::size_t i, std::size_t slot_size) const;

  struct Header;  // layout, defined in the .cc

 private:
  explicit SlotRegion(Header* header) : header_(header) {}

  Header* header_ = nullptr;
};

}  // namespace acme
