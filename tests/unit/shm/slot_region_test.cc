#include "shm/slot_region.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "shm/slots.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

struct TestSlot {
  std::atomic<std::uint32_t> seq;
  std::uint32_t value;
  char text[20];
};

constexpr RegionKind kKind{0x54455354, 7, "test table"};  // "TEST"
using TestSlots = Slots<TestSlot>;

// uint64_t elements give the 8-byte alignment apr_shm gives in httpd.
std::vector<std::uint64_t> region(std::size_t slots) {
  return std::vector<std::uint64_t>(TestSlots::region_size(slots) / 8 + 1, 0);
}

std::size_t bytes(const std::vector<std::uint64_t>& mem) {
  return mem.size() * 8;
}

}  // namespace

TEST_GROUP(SlotRegion) {
  std::vector<std::uint64_t> mem = region(3);
};

TEST(SlotRegion, FormatGivesZeroedSlotsThatAnAttachSees) {
  std::memset(mem.data(), 0xff, bytes(mem));
  auto formatted = TestSlots::format(mem.data(), bytes(mem), kKind, 3);
  CHECK(formatted.ok());
  LONGS_EQUAL(3, formatted->capacity());
  TestSlots writer(*formatted);
  LONGS_EQUAL(0, writer.peek(2).value);
  writer.write(1, [](TestSlot& s) {
    s.value = 42;
    std::strcpy(s.text, "hello");
  });
  LONGS_EQUAL(2, writer.peek(1).seq.load());  // one write: odd, then even again
  TestSlots reader(*TestSlots::attach(mem.data(), bytes(mem), kKind));
  std::uint32_t value = 0;
  std::string text;
  CHECK(reader.read(1, [&](const TestSlot& s) {
    value = s.value;
    text = s.text;
  }));
  LONGS_EQUAL(42, value);
  STRCMP_EQUAL("hello", text.c_str());
}

TEST(SlotRegion, ReadGivesUpOnASlotAWriterLeftMidWrite) {
  TestSlots slots(*TestSlots::format(mem.data(), bytes(mem), kKind, 3));
  const_cast<TestSlot&>(slots.peek(0)).seq.store(1);  // a writer died with seq odd
  bool ran = false;
  CHECK_FALSE(slots.read(0, [&](const TestSlot&) { ran = true; }));
  CHECK_FALSE(ran);
  slots.write(0, [](TestSlot& s) { s.value = 1; });  // the next write repairs it
  CHECK(slots.read(0, [&](const TestSlot&) { ran = true; }));
  CHECK(ran);
}

TEST(SlotRegion, AttachChecksKindVersionSlotSizeAndFit) {
  CHECK(TestSlots::format(mem.data(), bytes(mem), kKind, 3).ok());
  RegionKind other_magic = kKind;
  other_magic.magic = 0x4f544852;
  Status magic = SlotRegion::attach(mem.data(), bytes(mem), other_magic, sizeof(TestSlot)).status();
  STRCMP_CONTAINS("is not a mod_acme test table", magic.message().c_str());
  RegionKind newer = kKind;
  newer.version = 8;
  Status version = SlotRegion::attach(mem.data(), bytes(mem), newer, sizeof(TestSlot)).status();
  STRCMP_CONTAINS("layout version 7, this module expects 8", version.message().c_str());
  CHECK_FALSE(SlotRegion::attach(mem.data(), bytes(mem), kKind, sizeof(TestSlot) + 8).ok());
  Status fit = TestSlots::attach(mem.data(), TestSlots::region_size(3) - 1, kKind).status();
  STRCMP_CONTAINS("test table of 3 slots does not fit", fit.message().c_str());
  CHECK_FALSE(TestSlots::attach(nullptr, bytes(mem), kKind).ok());
  CHECK_FALSE(TestSlots::attach(mem.data(), 8, kKind).ok());
}

TEST(SlotRegion, FormatChecksMemory) {
  CHECK_FALSE(TestSlots::format(mem.data(), bytes(mem), kKind, 0).ok());
  CHECK_FALSE(TestSlots::format(mem.data(), bytes(mem), kKind, 4).ok());  // room for 3
  auto* misaligned = reinterpret_cast<char*>(mem.data()) + 4;
  Status aligned = TestSlots::format(misaligned, bytes(mem) - 4, kKind, 1).status();
  STRCMP_CONTAINS("8-byte aligned", aligned.message().c_str());
  LONGS_EQUAL(SIZE_MAX, SlotRegion::region_size(SIZE_MAX / 2, 16));  // overflow
}
