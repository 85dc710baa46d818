// ChallengeTable: the layout of the shared-memory region that carries
// http-01 answers from the watchdog (single writer) to every request worker
// (many readers), plus the "activation wanted" counter the parent watches and
// the parent's word on whether an old generation's watchdog may finish its
// orders after a graceful restart (renew/watchdog_session.h).
//
// The memory is provided by the caller (apr_shm in httpd/, a buffer in tests)
// and formatted once. Each slot is guarded by a sequence lock: readers never
// block and never take a lock; a reader that races a write retries a bounded
// number of times. Only std:: and atomics here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "base/status.h"

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
  std::size_t used() const;
  std::size_t capacity() const;

  // Reader side (workers): the value for (host, token), host compared
  // case-insensitively. False if absent.
  bool lookup(const std::string& host, const std::string& token, std::string* value) const;

  // Activation: the watchdog bumps the counter after staging a verified set;
  // the parent compares with the value it saw last.
  void request_activation();
  std::uint64_t activation_generation() const;

  // Draining: a graceful restart ends httpd generation G, yet its watchdog
  // may finish the orders it has in flight (no new ones) while the next
  // generation's watchdog waits for the store lock. The parent permits that
  // for G before it restarts gracefully, and halts it for every generation
  // up to G on a stop or a hard restart. Both only ever grow.
  void permit_drain(std::uint64_t generation);
  void halt_drains(std::uint64_t generation);
  bool drain_permitted(std::uint64_t generation) const;
  bool drain_halted(std::uint64_t generation) const;
  // The next generation's watchdog is up and waits for the store lock: the
  // draining one starts no more orders and hands over (renew/watchdog_session.h).
  void note_watchdog_waiting(std::uint64_t generation);
  bool successor_waiting(std::uint64_t generation) const;
  // The restart that ends G is one the module started to activate sets:
  // the configuration is the same, so G's watchdog may also start new
  // orders until its successor is up. After an admin's graceful restart
  // (perhaps a changed configuration) it only finishes those in flight.
  void permit_work_on(std::uint64_t generation);
  bool work_on_permitted(std::uint64_t generation) const;

  struct Header;  // layout, defined in the .cc
  struct Slot;

 private:
  explicit ChallengeTable(Header* header) : header_(header) {}
  Slot* slot(std::size_t i) const;

  Header* header_ = nullptr;
};

}  // namespace acme
