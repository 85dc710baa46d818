// BlobTable: implements shm/blob_table.h.
#include "shm/blob_table.h"

#include <cstring>

#include "shm/slots.h"

namespace acme {

struct BlobTable::Slot {
  std::atomic<std::uint32_t> seq;
  std::uint32_t length;  // 0 = free
  char name[kNameMax + 1];
  unsigned char bytes[kBytesMax];
};

namespace {

using BlobSlots = Slots<BlobTable::Slot>;

bool same_name(const char* field, const std::string& name) {
  return std::memcmp(field, name.c_str(), name.size() + 1) == 0;
}

}  // namespace

std::size_t BlobTable::region_size(std::size_t slots) {
  return BlobSlots::region_size(slots);
}

Result<BlobTable> BlobTable::format(void* memory, std::size_t size, std::size_t slots,
                                    const RegionKind& kind) {
  Result<SlotRegion> region = BlobSlots::format(memory, size, kind, slots);
  if (!region.ok()) return region.status();
  return BlobTable(*region, kind.name);
}

Result<BlobTable> BlobTable::attach(void* memory, std::size_t size, const RegionKind& kind) {
  Result<SlotRegion> region = BlobSlots::attach(memory, size, kind);
  if (!region.ok()) return region.status();
  return BlobTable(*region, kind.name);
}

std::size_t BlobTable::capacity() const {
  return region_.capacity();
}

Status BlobTable::put(const std::string& name, const std::string& bytes) {
  if (name.empty() || name.size() > kNameMax || bytes.empty() || bytes.size() > kBytesMax) {
    return Status(Code::kInvalidArgument, std::string(what_) + ": the entry for " + name + " (" +
                                              std::to_string(bytes.size()) +
                                              " bytes) does not fit");
  }
  BlobSlots slots(region_);
  std::size_t target = capacity();
  for (std::size_t i = 0; i < capacity() && target == capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.length && same_name(s.name, name)) target = i;
  }
  for (std::size_t i = 0; i < capacity() && target == capacity(); ++i)
    if (!slots.peek(i).length) target = i;
  if (target == capacity())
    return Status(Code::kInvalidArgument,
                  std::string(what_) + " full (" + std::to_string(capacity()) + " slots)");
  slots.write(target, [&](Slot& s) {
    std::memset(s.name, 0, sizeof s.name);
    std::memcpy(s.name, name.data(), name.size());
    std::memcpy(s.bytes, bytes.data(), bytes.size());
    s.length = static_cast<std::uint32_t>(bytes.size());
  });
  return Status();
}

void BlobTable::remove(const std::string& name) {
  BlobSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = slots.peek(i);
    if (s.length && same_name(s.name, name)) slots.write(i, [](Slot& w) { w.length = 0; });
  }
}

void BlobTable::clear() {
  BlobSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i)
    if (slots.peek(i).length) slots.write(i, [](Slot& w) { w.length = 0; });
}

bool BlobTable::get(const std::string& name, std::string* bytes) const {
  if (name.empty() || name.size() > kNameMax) return false;
  BlobSlots slots(region_);
  for (std::size_t i = 0; i < capacity(); ++i) {
    bool match = false;
    bool stable = slots.read(i, [&](const Slot& s) {
      match = s.length && same_name(s.name, name);
      if (match) bytes->assign(reinterpret_cast<const char*>(s.bytes), s.length);
    });
    if (stable && match) return true;
  }
  return false;
}

}  // namespace acme
