// Sequence-lock helpers for slots in shared memory (one writer, many
// readers that never block and never write). Used through Slots<> (shm/slots.h)
// by every table; see challenge_table.cc for the reasoning.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace acme::seqlock {

// A write rewrites at most a few KiB, so a reader that still races after
// this many tries is facing a writer descheduled mid-write: give up.
constexpr int kReadRetries = 64;

// Writer side: runs write() between making seq odd and even again. An odd
// seq left by a writer that died mid-write stays odd through the rewrite
// and becomes even at the end, which repairs the slot.
template <class Write>
void write(std::atomic<std::uint32_t>& seq, Write write_fields) {
  std::uint32_t odd = seq.load(std::memory_order_relaxed) | 1u;
  seq.store(odd, std::memory_order_relaxed);
  // Orders the odd seq before the field stores (Boehm, "Can seqlocks get
  // along with programming language memory models?", 2012).
  std::atomic_thread_fence(std::memory_order_release);
  write_fields();
  seq.store(odd + 1, std::memory_order_release);
}

// Reader side: runs read() until it saw one consistent version of the
// slot. False if a write overlapped every attempt.
template <class Read>
bool read(const std::atomic<std::uint32_t>& seq, Read read_fields) {
  for (int attempt = 0; attempt < kReadRetries; ++attempt) {
    std::uint32_t before = seq.load(std::memory_order_acquire);
    if ((before & 1u) == 0) {
      read_fields();
      std::atomic_thread_fence(std::memory_order_acquire);
      if (seq.load(std::memory_order_relaxed) == before) return true;
    }
    std::this_thread::yield();
  }
  return false;
}

}  // namespace acme::seqlock
