// ChallengeTable: implements shm/challenge_table.h, the shared-memory table
// of http-01 answers (one writer: the watchdog; many readers: the workers).
//
// Each slot is a sequence lock: the writer makes `seq` odd, rewrites the
// slot, makes it even again; a reader copies what it needs and keeps the copy
// only if `seq` was even and unchanged around it. Readers never write shared
// memory, so a reader killed mid-lookup cannot hurt anyone, and the only
// thing a crashed writer leaves behind is an odd `seq`, which the next write
// of that slot repairs.
#include "shm/challenge_table.h"

#include "shm/seqlock.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <new>
#include <thread>
#include <type_traits>

namespace acme {

struct ChallengeTable::Header {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint64_t slots;
  std::atomic<std::uint64_t> activation_gen;
  std::atomic<std::uint64_t> drain_permit;  // highest generation that may drain, +1 (0: none)
  std::atomic<std::uint64_t> drain_halt;    // highest generation that must not, +1 (0: none)
  std::atomic<std::uint64_t> waiting;       // highest generation whose watchdog waits, +1
  std::atomic<std::uint64_t> work_on;       // highest generation ended by an activation, +1
  // Catches a module rebuilt with other field limits but the same version,
  // attaching to the region an older build formatted (graceful restart).
  std::uint32_t slot_size;
  std::uint32_t reserved;
};

struct ChallengeTable::Slot {
  std::atomic<std::uint32_t> seq;
  std::uint32_t in_use;
  char host[kHostMax + 1];
  char token[kTokenMax + 1];
  char value[kValueMax + 1];
};

namespace {

constexpr std::uint32_t kMagic = 0x41434d54;  // "ACMT"
constexpr std::uint32_t kVersion = 2;
// The region is shared between processes: only address-free (lock-free)
// atomics work there, and only standard-layout types have a fixed layout.
static_assert(std::atomic<std::uint32_t>::is_always_lock_free, "need lock-free 32-bit atomics");
static_assert(std::atomic<std::uint64_t>::is_always_lock_free, "need lock-free 64-bit atomics");

bool same_token(const char* field, const std::string& token) {
  // Compares the terminator too, so "abc" does not match a stored "abcd".
  return std::memcmp(field, token.c_str(), token.size() + 1) == 0;
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool same_host(const char* field, std::size_t cap, const std::string& host) {
  if (strnlen(field, cap) != host.size()) return false;
  for (std::size_t i = 0; i < host.size(); ++i)
    if (ascii_lower(field[i]) != ascii_lower(host[i])) return false;
  return true;
}

void copy_field(char* field, std::size_t cap, const std::string& text) {
  std::memset(field, 0, cap);
  std::memcpy(field, text.data(), std::min(text.size(), cap - 1));
}

Status check_field(const char* what, const std::string& text, std::size_t max,
                   const std::string& host) {
  if (text.size() <= max && text.find('\0') == std::string::npos) return Status();
  return Status(Code::kInvalidArgument, std::string("challenge ") + what + " for " + host + " is " +
                                            std::to_string(text.size()) +
                                            " bytes or contains NUL; the table holds at most " +
                                            std::to_string(max));
}

Status check_memory(const void* memory, std::size_t size, std::size_t need) {
  if (memory == nullptr) return Status(Code::kInvalidArgument, "challenge table: no memory given");
  if (reinterpret_cast<std::uintptr_t>(memory) % alignof(std::uint64_t) != 0)
    return Status(Code::kInvalidArgument, "challenge table: memory is not 8-byte aligned");
  if (size < need)
    return Status(Code::kInvalidArgument, "challenge table needs " + std::to_string(need) +
                                              " bytes of shared memory, got " +
                                              std::to_string(size));
  return Status();
}

}  // namespace

std::size_t ChallengeTable::region_size(std::size_t slots) {
  // Here rather than at namespace scope because Header and Slot are private.
  static_assert(std::is_standard_layout<Header>::value, "Header needs a fixed layout");
  static_assert(std::is_standard_layout<Slot>::value, "Slot needs a fixed layout");
  static_assert(sizeof(Header) % alignof(Slot) == 0, "slots must start aligned");
  if (slots > (SIZE_MAX - sizeof(Header)) / sizeof(Slot)) return SIZE_MAX;
  return sizeof(Header) + slots * sizeof(Slot);
}

Result<ChallengeTable> ChallengeTable::format(void* memory, std::size_t size, std::size_t slots) {
  if (slots == 0) return Status(Code::kInvalidArgument, "challenge table needs at least one slot");
  ACME_RETURN_IF_ERROR(check_memory(memory, size, region_size(slots)));
  std::memset(memory, 0, region_size(slots));
  // Placement new starts the lifetime of the atomics in the raw memory.
  Header* header = new (memory) Header();
  header->magic = kMagic;
  header->version = kVersion;
  header->slots = slots;
  header->slot_size = sizeof(Slot);
  ChallengeTable table(header);
  for (std::size_t i = 0; i < slots; ++i) new (table.slot(i)) Slot();
  return table;
}

Result<ChallengeTable> ChallengeTable::attach(void* memory, std::size_t size) {
  ACME_RETURN_IF_ERROR(check_memory(memory, size, sizeof(Header)));
  auto* header = static_cast<Header*>(memory);
  if (header->magic != kMagic)
    return Status(Code::kInvalidArgument,
                  "shared memory is not a mod_acme challenge table (bad magic)");
  if (header->version != kVersion || header->slot_size != sizeof(Slot))
    return Status(Code::kInvalidArgument,
                  "challenge table in shared memory has layout version " +
                      std::to_string(header->version) + ", this module expects " +
                      std::to_string(kVersion) +
                      ": stop and start httpd (a graceful restart keeps the old memory)");
  if (header->slots == 0 || size < region_size(header->slots))
    return Status(Code::kInvalidArgument, "challenge table of " + std::to_string(header->slots) +
                                              " slots does not fit in " + std::to_string(size) +
                                              " bytes of shared memory");
  return ChallengeTable(header);
}

ChallengeTable::Slot* ChallengeTable::slot(std::size_t i) const {
  return reinterpret_cast<Slot*>(reinterpret_cast<char*>(header_) + sizeof(Header)) + i;
}

namespace {

void store_slot(ChallengeTable::Slot* s, bool in_use, const std::string& host,
                const std::string& token, const std::string& value) {
  seqlock::write(s->seq, [&] {
    s->in_use = in_use ? 1 : 0;
    copy_field(s->host, sizeof s->host, host);
    copy_field(s->token, sizeof s->token, token);
    copy_field(s->value, sizeof s->value, value);
  });
}

template <class Read>
bool read_consistent(const ChallengeTable::Slot& s, Read read) {
  return seqlock::read(s.seq, read);
}

}  // namespace

Status ChallengeTable::put(const std::string& host, const std::string& token,
                           const std::string& value) {
  if (host.empty() || token.empty())
    return Status(Code::kInvalidArgument, "challenge entry needs a host and a token");
  ACME_RETURN_IF_ERROR(check_field("host", host, kHostMax, host));
  ACME_RETURN_IF_ERROR(check_field("token", token, kTokenMax, host));
  ACME_RETURN_IF_ERROR(check_field("key authorization", value, kValueMax, host));
  // Single writer: its own reads of the slots are stable without the seqlock.
  Slot* free_slot = nullptr;
  for (std::size_t i = 0; i < capacity(); ++i) {
    Slot* s = slot(i);
    if (s->in_use && same_token(s->token, token)) {
      store_slot(s, true, host, token, value);
      return Status();
    }
    if (!s->in_use && free_slot == nullptr) free_slot = s;
  }
  if (free_slot == nullptr)
    return Status(Code::kInvalidArgument,
                  "challenge table full (" + std::to_string(capacity()) + " slots)");
  store_slot(free_slot, true, host, token, value);
  return Status();
}

void ChallengeTable::remove(const std::string& token) {
  if (token.size() > kTokenMax) return;
  for (std::size_t i = 0; i < capacity(); ++i) {
    Slot* s = slot(i);
    if (s->in_use && same_token(s->token, token)) store_slot(s, false, "", "", "");
  }
}

void ChallengeTable::retain(const std::set<std::string>& keep) {
  for (std::size_t i = 0; i < capacity(); ++i) {
    Slot* s = slot(i);
    if (s->in_use && !keep.count(std::string(s->token, strnlen(s->token, sizeof s->token))))
      store_slot(s, false, "", "", "");
  }
}

void ChallengeTable::clear() {
  for (std::size_t i = 0; i < capacity(); ++i) store_slot(slot(i), false, "", "", "");
}

std::size_t ChallengeTable::used() const {
  std::size_t count = 0;
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = *slot(i);
    std::uint32_t in_use = 0;
    if (read_consistent(s, [&] { in_use = s.in_use; }) && in_use) ++count;
  }
  return count;
}

std::size_t ChallengeTable::capacity() const {
  return static_cast<std::size_t>(header_->slots);
}

bool ChallengeTable::lookup(const std::string& host, const std::string& token,
                            std::string* value) const {
  if (token.empty() || token.size() > kTokenMax) return false;
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = *slot(i);
    bool match = false;
    char host_copy[kHostMax + 1];
    char value_copy[kValueMax + 1];
    // The token comparison rejects almost every slot before anything is copied.
    bool stable = read_consistent(s, [&] {
      match = s.in_use && same_token(s.token, token);
      if (!match) return;
      std::memcpy(host_copy, s.host, sizeof host_copy);
      std::memcpy(value_copy, s.value, sizeof value_copy);
    });
    if (!stable || !match) continue;
    // put() keeps tokens unique, so a host mismatch ends the search.
    if (!same_host(host_copy, sizeof host_copy, host)) return false;
    if (value != nullptr) value->assign(value_copy, strnlen(value_copy, sizeof value_copy));
    return true;
  }
  return false;
}

void ChallengeTable::request_activation() {
  header_->activation_gen.fetch_add(1, std::memory_order_acq_rel);
}

std::uint64_t ChallengeTable::activation_generation() const {
  return header_->activation_gen.load(std::memory_order_acquire);
}

namespace {
// Stores generation + 1 (so generation 0 is representable) unless a higher one is there.
void raise_to(std::atomic<std::uint64_t>& word, std::uint64_t generation) {
  std::uint64_t value = generation + 1;
  std::uint64_t seen = word.load(std::memory_order_acquire);
  while (seen < value && !word.compare_exchange_weak(seen, value, std::memory_order_acq_rel)) {
  }
}
}  // namespace

void ChallengeTable::permit_drain(std::uint64_t generation) {
  raise_to(header_->drain_permit, generation);
}

void ChallengeTable::halt_drains(std::uint64_t generation) {
  raise_to(header_->drain_halt, generation);
}

bool ChallengeTable::drain_permitted(std::uint64_t generation) const {
  return header_->drain_permit.load(std::memory_order_acquire) > generation;
}

bool ChallengeTable::drain_halted(std::uint64_t generation) const {
  return header_->drain_halt.load(std::memory_order_acquire) > generation;
}

void ChallengeTable::note_watchdog_waiting(std::uint64_t generation) {
  raise_to(header_->waiting, generation);
}

void ChallengeTable::permit_work_on(std::uint64_t generation) {
  raise_to(header_->work_on, generation);
}

bool ChallengeTable::work_on_permitted(std::uint64_t generation) const {
  return header_->work_on.load(std::memory_order_acquire) > generation;
}

bool ChallengeTable::successor_waiting(std::uint64_t generation) const {
  return header_->waiting.load(std::memory_order_acquire) > generation + 1;
}

}  // namespace acme
