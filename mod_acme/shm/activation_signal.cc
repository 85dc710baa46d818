// ActivationSignal: implements shm/activation_signal.h on a SlotRegion of
// one slot (the region's header gives it magic, version and size checks).
#include "shm/activation_signal.h"

#include <atomic>
#include <chrono>
#include <new>
#include <type_traits>

#include "shm/slot_region.h"

namespace acme {

struct ActivationSignal::Words {
  std::atomic<std::uint64_t> activation_gen;
  // Per Mark: the highest generation marked, +1 (0: none).
  std::atomic<std::uint64_t> marks[kMarkCount];
  std::atomic<std::int64_t> beat_ms;  // steady_ms() of the last beat; 0: none yet
};

namespace {

// "ACSG"; version 2 added kAnswering and kRestartAnnounced, 3 kRestartWanted
// and kRestartTurn, 4 the watchdog's beat.
constexpr RegionKind kKind{0x41435347, 4, "activation signal"};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "need lock-free 64-bit atomics");
static_assert(std::atomic<std::int64_t>::is_always_lock_free, "need lock-free 64-bit atomics");

// Stores generation + 1 (so generation 0 is representable) unless a higher one is there.
void raise_to(std::atomic<std::uint64_t>& word, std::uint64_t generation) {
  std::uint64_t value = generation + 1;
  std::uint64_t seen = word.load(std::memory_order_acquire);
  while (seen < value && !word.compare_exchange_weak(seen, value, std::memory_order_acq_rel)) {
  }
}

// True once raise_to(word, g) has run for some g >= generation.
bool raised_to(const std::atomic<std::uint64_t>& word, std::uint64_t generation) {
  return word.load(std::memory_order_acquire) > generation;
}

}  // namespace

std::size_t ActivationSignal::region_size() {
  static_assert(std::is_standard_layout<Words>::value, "Words needs a fixed layout");
  return SlotRegion::region_size(1, sizeof(Words));
}

Result<ActivationSignal> ActivationSignal::format(void* memory, std::size_t size) {
  Result<SlotRegion> region = SlotRegion::format(memory, size, kKind, 1, sizeof(Words));
  if (!region.ok()) return region.status();
  // Placement new starts the lifetime of the atomics in the zeroed memory.
  return ActivationSignal(new (region->slot(0, sizeof(Words))) Words());
}

Result<ActivationSignal> ActivationSignal::attach(void* memory, std::size_t size) {
  Result<SlotRegion> region = SlotRegion::attach(memory, size, kKind, sizeof(Words));
  if (!region.ok()) return region.status();
  return ActivationSignal(static_cast<Words*>(region->slot(0, sizeof(Words))));
}

void ActivationSignal::request_activation() {
  words_->activation_gen.fetch_add(1, std::memory_order_acq_rel);
}

std::uint64_t ActivationSignal::activation_generation() const {
  return words_->activation_gen.load(std::memory_order_acquire);
}

void ActivationSignal::mark(Mark mark, std::uint64_t generation) {
  raise_to(words_->marks[mark], generation);
}

bool ActivationSignal::marked(Mark mark, std::uint64_t generation) const {
  return raised_to(words_->marks[mark], generation);
}

void ActivationSignal::beat(std::int64_t now_ms) {
  words_->beat_ms.store(now_ms, std::memory_order_release);
}

bool ActivationSignal::beating(std::int64_t now_ms) const {
  const std::int64_t last = words_->beat_ms.load(std::memory_order_acquire);
  return last != 0 && now_ms - last < kBeatStaleMs;
}

std::int64_t ActivationSignal::steady_ms() {
  const auto now = std::chrono::steady_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
}

}  // namespace acme
