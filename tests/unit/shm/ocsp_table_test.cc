#include "shm/ocsp_table.h"

#include "shm/alpn_cert_table.h"

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
  CHECK_FALSE(table.put("a.example", std::string(OcspTable::kBytesMax + 1, 'x')).ok());
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

// The tls-alpn-01 certificates are a table of their own kind: neither
// region attaches as the other, so a mix-up fails at start instead of
// serving a certificate as a staple.
TEST(OcspTable, AnAlpnCertRegionIsNotAnOcspTable) {
  std::vector<std::uint64_t> alpn(AlpnCertTable::region_size(2) / 8 + 1, 0);
  const std::size_t size = alpn.size() * 8;
  auto certs = AlpnCertTable::format(alpn.data(), size, 2);
  CHECK(certs.ok());
  CHECK(certs->put("a.example", "certificate and key").ok());
  auto as_ocsp = OcspTable::attach(alpn.data(), size);
  CHECK_FALSE(as_ocsp.ok());
  STRCMP_CONTAINS("OCSP table", as_ocsp.status().message().c_str());
  CHECK_FALSE(AlpnCertTable::attach(memory.data(), OcspTable::region_size(4)).ok());
  std::string entry;
  CHECK(AlpnCertTable::attach(alpn.data(), size)->get("a.example", &entry));
  STRCMP_EQUAL("certificate and key", entry.c_str());
}

TEST(OcspTable, FullTableNamesItself) {
  for (int i = 0; i < 4; ++i) CHECK(table.put("n" + std::to_string(i), "der").ok());
  Status full = table.put("fifth", "der");
  STRCMP_EQUAL("OCSP table full (4 slots)", full.message().c_str());
}
