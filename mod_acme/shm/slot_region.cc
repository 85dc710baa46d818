// SlotRegion: implements shm/slot_region.h.
#include "shm/slot_region.h"

#include <cstring>
#include <string>

namespace acme {

struct SlotRegion::Header {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint64_t slots;
  // Catches a module rebuilt with other field limits but the same version.
  std::uint32_t slot_size;
  std::uint32_t reserved;
};

namespace {

// Slots hold 32- and 64-bit atomics: they start 8-byte aligned.
constexpr std::size_t kAlign = alignof(std::uint64_t);

Status check_memory(const void* memory, std::size_t size, std::size_t need,
                    const RegionKind& kind) {
  const std::string what = kind.name;
  if (memory == nullptr) return Status(Code::kInvalidArgument, what + ": no memory given");
  if (reinterpret_cast<std::uintptr_t>(memory) % kAlign != 0)
    return Status(Code::kInvalidArgument, what + ": memory is not 8-byte aligned");
  if (size < need)
    return Status(Code::kInvalidArgument, what + " needs " + std::to_string(need) +
                                              " bytes of shared memory, got " +
                                              std::to_string(size));
  return Status();
}

}  // namespace

std::size_t SlotRegion::region_size(std::size_t slots, std::size_t slot_size) {
  static_assert(std::is_standard_layout<Header>::value, "Header needs a fixed layout");
  // With the Header 8-byte sized, slot i starts aligned for any slot type
  // aligned to at most 8 (Slots<> checks that).
  static_assert(sizeof(Header) % kAlign == 0, "slots must start aligned");
  if (slot_size == 0 || slots > (SIZE_MAX - sizeof(Header)) / slot_size) return SIZE_MAX;
  return sizeof(Header) + slots * slot_size;
}

Result<SlotRegion> SlotRegion::format(void* memory, std::size_t size, const RegionKind& kind,
                                      std::size_t slots, std::size_t slot_size) {
  if (slots == 0)
    return Status(Code::kInvalidArgument, std::string(kind.name) + " needs at least one slot");
  const std::size_t need = region_size(slots, slot_size);
  ACME_RETURN_IF_ERROR(check_memory(memory, size, need, kind));
  std::memset(memory, 0, need);
  Header* header = new (memory) Header();
  header->magic = kind.magic;
  header->version = kind.version;
  header->slots = slots;
  header->slot_size = static_cast<std::uint32_t>(slot_size);
  return SlotRegion(header);
}

Result<SlotRegion> SlotRegion::attach(void* memory, std::size_t size, const RegionKind& kind,
                                      std::size_t slot_size) {
  ACME_RETURN_IF_ERROR(check_memory(memory, size, sizeof(Header), kind));
  auto* header = static_cast<Header*>(memory);
  const std::string what = kind.name;
  if (header->magic != kind.magic)
    return Status(Code::kInvalidArgument,
                  "shared memory is not a mod_acme " + what + " (bad magic)");
  if (header->version != kind.version || header->slot_size != slot_size)
    return Status(Code::kInvalidArgument,
                  what + " in shared memory has layout version " + std::to_string(header->version) +
                      ", this module expects " + std::to_string(kind.version));
  if (header->slots == 0 || size < region_size(header->slots, slot_size))
    return Status(Code::kInvalidArgument, what + " of " + std::to_string(header->slots) +
                                              " slots does not fit in " + std::to_string(size) +
                                              " bytes of shared memory");
  return SlotRegion(header);
}

std::size_t SlotRegion::capacity() const {
  return static_cast<std::size_t>(header_->slots);
}

void* SlotRegion::slot(std::size_t i, std::size_t slot_size) const {
  return reinterpret_cast<char*>(header_) + sizeof(Header) + i * slot_size;
}

}  // namespace acme
