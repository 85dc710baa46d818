// ChallengeTable: implements shm/challenge_table.h, the shared-memory table
// of http-01 answers (one writer: the watchdog; many readers: the workers).
//
// Each slot is a sequence lock (shm/seqlock.h): the writer makes `seq` odd,
// rewrites the slot, makes it even again; a reader copies what it needs and
// keeps the copy only if `seq` was even and unchanged around it. Readers
// never write shared memory, so a reader killed mid-lookup cannot hurt
// anyone, and the only thing a crashed writer leaves behind is an odd `seq`,
// which the next write of that slot repairs.
#include "shm/challenge_table.h"

#include <algorithm>
#include <cstring>

#include "shm/slots.h"

namespace acme {

struct ChallengeTable::Slot {
  std::atomic<std::uint32_t> seq;
  std::uint32_t in_use;
  char host[kHostMax + 1];
  char token[kTokenMax + 1];
  char value[kValueMax + 1];
};

namespace {

// 3: the activation words moved to shm/activation_signal.h, the header to
// shm/slot_region.h.
constexpr RegionKind kKind{0x41434d54, 3, "challenge table"};  // "ACMT"

using TableSlots = Slots<ChallengeTable::Slot>;

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

void store_slot(TableSlots slots, std::size_t i, bool in_use, const std::string& host,
                const std::string& token, const std::string& value) {
  slots.write(i, [&](ChallengeTable::Slot& s) {
    s.in_use = in_use ? 1 : 0;
    copy_field(s.host, sizeof s.host, host);
    copy_field(s.token, sizeof s.token, token);
    copy_field(s.value, sizeof s.value, value);
  });
}

void free_slot(TableSlots slots, std::size_t i) {
  store_slot(slots, i, false, "", "", "");
}

}  // namespace

std::size_t ChallengeTable::region_size(std::size_t slots) {
  return TableSlots::region_size(slots);
}

Result<ChallengeTable> ChallengeTable::format(void* memory, std::size_t size, std::size_t slots) {
  Result<SlotRegion> region = TableSlots::format(memory, size, kKind, slots);
  if (!region.ok()) return region.status();
  return ChallengeTable(*region);
}

Result<ChallengeTable> ChallengeTable::attach(void* memory, std::size_t size) {
  Result<SlotRegion> region = TableSlots::attach(memory, size, kKind);
  if (!region.ok()) return region.status();
  return ChallengeTable(*region);
}

Status ChallengeTable::put(const std::string& host, const std::string& token,
                           const std::string& value) {
  if (host.empty() || token.empty())
    return Status(Code::kInvalidArgument, "challenge entry needs a host and a token");
  ACME_RETURN_IF_ERROR(check_field("host", host, kHostMax, host));
  ACME_RETURN_IF_ERROR(check_field("token", token, kTokenMax, host));
  ACME_RETURN_IF_ERROR(check_field("key authorization", value, kValueMax, host));
  TableSlots slots(region_);
  std::size_t target = capacity();
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.in_use && same_token(s.token, token)) {
      target = i;
      break;
    }
    if (!s.in_use && target == capacity()) target = i;
  }
  if (target == capacity())
    return Status(Code::kInvalidArgument,
                  "challenge table full (" + std::to_string(capacity()) + " slots)");
  store_slot(slots, target, true, host, token, value);
  return Status();
}

void ChallengeTable::remove(const std::string& token) {
  if (token.size() > kTokenMax) return;
  TableSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.in_use && same_token(s.token, token)) free_slot(slots, i);
  }
}

void ChallengeTable::retain(const std::set<std::string>& keep) {
  TableSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.in_use && !keep.count(std::string(s.token, strnlen(s.token, sizeof s.token))))
      free_slot(slots, i);
  }
}

std::vector<std::string> ChallengeTable::tokens() const {
  TableSlots slots(region_);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.in_use) out.emplace_back(s.token, strnlen(s.token, sizeof s.token));
  }
  return out;
}

void ChallengeTable::clear() {
  TableSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) free_slot(slots, i);
}

std::size_t ChallengeTable::used() const {
  TableSlots slots(region_);
  std::size_t count = 0;
  for (std::size_t i = 0; i < capacity(); ++i) {
    std::uint32_t in_use = 0;
    if (slots.read(i, [&](const Slot& s) { in_use = s.in_use; }) && in_use) ++count;
  }
  return count;
}

std::size_t ChallengeTable::capacity() const {
  return region_.capacity();
}

bool ChallengeTable::lookup(const std::string& host, const std::string& token,
                            std::string* value) const {
  if (token.empty() || token.size() > kTokenMax) return false;
  TableSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) {
    bool match = false;
    char host_copy[kHostMax + 1];
    char value_copy[kValueMax + 1];
    // The token comparison rejects almost every slot before anything is copied.
    bool stable = slots.read(i, [&](const Slot& s) {
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

}  // namespace acme
