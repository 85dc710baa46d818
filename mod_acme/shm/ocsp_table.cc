#include "shm/ocsp_table.h"

#include <atomic>
#include <cstring>
#include <new>
#include <type_traits>

#include "shm/seqlock.h"

namespace acme {

struct OcspTable::Header {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint64_t slots;
  std::uint32_t slot_size;
  std::uint32_t reserved;
};

struct OcspTable::Slot {
  std::atomic<std::uint32_t> seq;
  std::uint32_t length;  // 0 = free
  char name[kNameMax + 1];
  unsigned char der[kDerMax];
};

namespace {

constexpr std::uint32_t kMagic = 0x4143534f;  // "ACSO"
constexpr std::uint32_t kVersion = 1;

bool same_name(const char* field, const std::string& name) {
  return std::memcmp(field, name.c_str(), name.size() + 1) == 0;
}

}  // namespace

std::size_t OcspTable::region_size(std::size_t slots) {
  static_assert(std::is_standard_layout<Header>::value, "Header needs a fixed layout");
  static_assert(std::is_standard_layout<Slot>::value, "Slot needs a fixed layout");
  static_assert(sizeof(Header) % alignof(Slot) == 0, "slots must start aligned");
  return sizeof(Header) + slots * sizeof(Slot);
}

Result<OcspTable> OcspTable::format(void* memory, std::size_t size, std::size_t slots) {
  if (!memory || slots == 0 || size < region_size(slots))
    return Status(Code::kInvalidArgument, "OCSP table: not enough shared memory");
  std::memset(memory, 0, region_size(slots));
  Header* header = new (memory) Header();
  header->magic = kMagic;
  header->version = kVersion;
  header->slots = slots;
  header->slot_size = sizeof(Slot);
  OcspTable table(header);
  for (std::size_t i = 0; i < slots; ++i) new (table.slot(i)) Slot();
  return table;
}

Result<OcspTable> OcspTable::attach(void* memory, std::size_t size) {
  auto* header = static_cast<Header*>(memory);
  if (!memory || size < sizeof(Header) || header->magic != kMagic || header->version != kVersion ||
      header->slot_size != sizeof(Slot) || size < region_size(header->slots)) {
    return Status(Code::kInvalidArgument,
                  "shared memory is not this module's OCSP table: stop and start httpd "
                  "(a graceful restart keeps the old memory)");
  }
  return OcspTable(header);
}

OcspTable::Slot* OcspTable::slot(std::size_t i) const {
  return reinterpret_cast<Slot*>(reinterpret_cast<char*>(header_) + sizeof(Header)) + i;
}

std::size_t OcspTable::capacity() const {
  return static_cast<std::size_t>(header_->slots);
}

Status OcspTable::put(const std::string& name, const std::string& der) {
  if (name.empty() || name.size() > kNameMax || der.empty() || der.size() > kDerMax) {
    return Status(Code::kInvalidArgument, "OCSP response for " + name + " (" +
                                              std::to_string(der.size()) +
                                              " bytes) does not fit the table");
  }
  Slot* target = nullptr;
  for (std::size_t i = 0; i < capacity() && !target; ++i) {
    Slot* s = slot(i);
    if (s->length && same_name(s->name, name)) target = s;
  }
  for (std::size_t i = 0; i < capacity() && !target; ++i)
    if (!slot(i)->length) target = slot(i);
  if (!target) return Status(Code::kInvalidArgument, "OCSP table full");
  seqlock::write(target->seq, [&] {
    std::memset(target->name, 0, sizeof target->name);
    std::memcpy(target->name, name.data(), name.size());
    std::memcpy(target->der, der.data(), der.size());
    target->length = static_cast<std::uint32_t>(der.size());
  });
  return Status();
}

void OcspTable::remove(const std::string& name) {
  for (std::size_t i = 0; i < capacity(); ++i) {
    Slot* s = slot(i);
    if (s->length && same_name(s->name, name)) seqlock::write(s->seq, [&] { s->length = 0; });
  }
}

void OcspTable::clear() {
  for (std::size_t i = 0; i < capacity(); ++i) {
    Slot* s = slot(i);
    if (s->length) seqlock::write(s->seq, [&] { s->length = 0; });
  }
}

bool OcspTable::get(const std::string& name, std::string* der) const {
  if (name.empty() || name.size() > kNameMax) return false;
  for (std::size_t i = 0; i < capacity(); ++i) {
    const Slot& s = *slot(i);
    bool match = false;
    bool stable = seqlock::read(s.seq, [&] {
      match = s.length && same_name(s.name, name);
      if (match) der->assign(reinterpret_cast<const char*>(s.der), s.length);
    });
    if (stable && match) return true;
  }
  return false;
}

}  // namespace acme
