#include "shm/ocsp_table.h"

#include <vector>

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;

TEST_GROUP(OcspTable) {
  std::vector<std::uint64_t> memory;
  OcspTable table;
  void setup() override {
    std::size_t size = OcspTable::region_size(4);
    memory.assign(size / 8 + 1, 0);
    auto formatted = OcspTable::format(memory.data(), size, 4);
    CHECK(formatted.ok());
    table = *formatted;
  }
};

TEST(OcspTable, PutGetReplaceRemove) {
  std::string der;
  CHECK_FALSE(table.get("a.example", &der));
  CHECK(table.put("a.example", std::string("\x30\x03\x0a\x01\x00", 5)).ok());
  CHECK(table.get("a.example", &der));
  LONGS_EQUAL(5, der.size());
  CHECK(table.put("a.example", "second").ok());
  CHECK(table.get("a.example", &der));
  STRCMP_EQUAL("second", der.c_str());
  CHECK_FALSE(table.get("b.example", &der));
  table.remove("a.example");
  CHECK_FALSE(table.get("a.example", &der));
}

TEST(OcspTable, RejectsOversizedAndFull) {
  CHECK_FALSE(table.put("a.example", std::string(OcspTable::kDerMax + 1, 'x')).ok());
  for (int i = 0; i < 4; ++i) CHECK(table.put("n" + std::to_string(i) + ".example", "x").ok());
  CHECK_FALSE(table.put("more.example", "x").ok());
}

TEST(OcspTable, AttachSeesWhatFormatWrote) {
  CHECK(table.put("a.example", "resp").ok());
  auto attached = OcspTable::attach(memory.data(), OcspTable::region_size(4));
  CHECK(attached.ok());
  std::string der;
  CHECK(attached->get("a.example", &der));
  STRCMP_EQUAL("resp", der.c_str());
  std::vector<std::uint64_t> garbage(64, 0x4242424242424242ULL);
  CHECK_FALSE(OcspTable::attach(garbage.data(), garbage.size() * 8).ok());
}

TEST(OcspTable, ClearEmptiesEverySlot) {
  CHECK(table.put("a.example", "one").ok());
  CHECK(table.put("b.example", "two").ok());
  table.clear();
  std::string der;
  CHECK_FALSE(table.get("a.example", &der));
  CHECK_FALSE(table.get("b.example", &der));
  for (int i = 0; i < 4; ++i) CHECK(table.put("n" + std::to_string(i) + ".example", "x").ok());
}
