// BlobTable: name -> up to 6 KiB of bytes in shared memory, written by the
// watchdog (single writer) and read by every worker in the TLS handshake
// without locks or disk. It sits on a SlotRegion (shm/slot_region.h), one
// sequence lock per slot, as ChallengeTable does.
//
// Two kinds of table share this implementation, each in a region of its own
// and with its own magic (its RegionKind), so one is never attached as the
// other: OcspTable (shm/ocsp_table.h) and AlpnCertTable
// (shm/alpn_cert_table.h), both a TypedBlobTable below.
#pragma once

#include <cstddef>
#include <string>

#include "base/status.h"
#include "shm/slot_region.h"

namespace acme {

class BlobTable {
 public:
  static constexpr std::size_t kNameMax = 255;    // certificate or server name
  static constexpr std::size_t kBytesMax = 6144;  // an OCSP response is ~0.5-3 KiB

  BlobTable() = default;  // detached until format() or attach()

  static std::size_t region_size(std::size_t slots);

  // Writer side (the watchdog). put() replaces the entry of the same name.
  Status put(const std::string& name, const std::string& bytes);
  void remove(const std::string& name);
  void clear();  // every entry (the watchdog starts afresh)

  // Reader side (workers): the bytes stored for name, if any.
  bool get(const std::string& name, std::string* bytes) const;
  std::size_t capacity() const;

  struct Slot;  // layout, defined in the .cc

 protected:
  static Result<BlobTable> format(void* memory, std::size_t size, std::size_t slots,
                                  const RegionKind& kind);
  static Result<BlobTable> attach(void* memory, std::size_t size, const RegionKind& kind);
  BlobTable(SlotRegion region, const char* what) : region_(region), what_(what) {}

 private:
  SlotRegion region_;
  const char* what_ = "";  // RegionKind::name, for errors
};

// The format() and attach() of a kind of BlobTable: Table names its region
// with `static constexpr RegionKind kKind`.
template <class Table>
class TypedBlobTable : public BlobTable {
 public:
  static Result<Table> format(void* memory, std::size_t size, std::size_t slots) {
    return typed(BlobTable::format(memory, size, slots, Table::kKind));
  }
  static Result<Table> attach(void* memory, std::size_t size) {
    return typed(BlobTable::attach(memory, size, Table::kKind));
  }

 private:
  static Result<Table> typed(Result<BlobTable> table) {
    if (!table.ok()) return table.status();
    Table view;
    static_cast<BlobTable&>(view) = *table;
    return view;
  }
};

}  // namespace acme
