// Slots<Slot>: the typed view of a SlotRegion (shm/slot_region.h) a table's
// .cc works through. Slot is standard layout, starts with
// `std::atomic<std::uint32_t> seq` (its sequence lock, shm/seqlock.h), and
// is valid all zero. Kept out of the tables' headers: it placement-news,
// which test files that redefine `new` must not see.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "base/status.h"
#include "shm/seqlock.h"
#include "shm/slot_region.h"

namespace acme {

template <class Slot>
class Slots {
 public:
  // The region is shared between processes: only address-free (lock-free)
  // atomics work there, and only standard-layout types have a fixed layout.
  static_assert(std::is_standard_layout<Slot>::value, "Slot needs a fixed layout");
  static_assert(alignof(Slot) <= alignof(std::uint64_t), "slots are at most 8-byte aligned");
  static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "need lock-free 32-bit atomics");

  explicit Slots(SlotRegion region) : region_(region) {}

  static std::size_t region_size(std::size_t slots) {
    return SlotRegion::region_size(slots, sizeof(Slot));
  }
  static Result<SlotRegion> format(void* memory, std::size_t size, const RegionKind& kind,
                                   std::size_t slots) {
    Result<SlotRegion> region = SlotRegion::format(memory, size, kind, slots, sizeof(Slot));
    if (!region.ok()) return region.status();
    // Placement new starts the lifetime of the atomics in the raw memory.
    for (std::size_t i = 0; i < slots; ++i) new (region->slot(i, sizeof(Slot))) Slot();
    return *region;
  }
  static Result<SlotRegion> attach(void* memory, std::size_t size, const RegionKind& kind) {
    return SlotRegion::attach(memory, size, kind, sizeof(Slot));
  }

  std::size_t capacity() const { return region_.capacity(); }

  // Writer side. The single writer's own reads are stable without the lock.
  const Slot& peek(std::size_t i) const { return at(i); }
  template <class Write>
  void write(std::size_t i, Write write_fields) {
    Slot& s = at(i);
    seqlock::write(s.seq, [&] { write_fields(s); });
  }
  // Reader side: false if a write overlapped every attempt (shm/seqlock.h).
  template <class Read>
  bool read(std::size_t i, Read read_fields) const {
    const Slot& s = at(i);
    return seqlock::read(s.seq, [&] { read_fields(s); });
  }

 private:
  Slot& at(std::size_t i) const { return *static_cast<Slot*>(region_.slot(i, sizeof(Slot))); }

  SlotRegion region_;
};

}  // namespace acme
