#include "shm/challenge_table.h"

#include <CppUTest/TestHarness.h>
// After TestHarness.h, which it depends on.
#include <CppUTest/MemoryLeakWarningPlugin.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace acme;

namespace {

// uint64_t elements give the 8-byte alignment apr_shm gives in httpd.
std::vector<std::uint64_t> region(std::size_t slots) {
  return std::vector<std::uint64_t>(ChallengeTable::region_size(slots) / 8 + 1, 0);
}

std::size_t bytes(const std::vector<std::uint64_t>& mem) {
  return mem.size() * 8;
}

// Long, token-specific values: a torn read mixing two entries cannot match.
std::string value_for(const std::string& token) {
  std::string v;
  while (v.size() + token.size() + 1 <= ChallengeTable::kValueMax) v += token + ".";
  return v;
}

}  // namespace

TEST_GROUP(ChallengeTable) {
  std::vector<std::uint64_t> mem = region(4);
  ChallengeTable table = *ChallengeTable::format(mem.data(), bytes(mem), 4);
};

TEST(ChallengeTable, PutLookupRemove) {
  std::string value;
  CHECK_FALSE(table.lookup("a.example", "tok1", &value));
  CHECK(table.put("a.example", "tok1", "tok1.thumb").ok());
  CHECK(table.lookup("a.example", "tok1", &value));
  STRCMP_EQUAL("tok1.thumb", value.c_str());
  LONGS_EQUAL(1, table.used());
  LONGS_EQUAL(4, table.capacity());
  table.remove("tok1");
  CHECK_FALSE(table.lookup("a.example", "tok1", &value));
  LONGS_EQUAL(0, table.used());
}

TEST(ChallengeTable, TokensListsWhatIsInUse) {
  CHECK(table.put("a.test", "t1", "v1").ok());
  CHECK(table.put("b.test", "t2", "v2").ok());
  table.remove("t1");
  std::vector<std::string> tokens = table.tokens();
  LONGS_EQUAL(1, tokens.size());
  STRCMP_EQUAL("t2", tokens[0].c_str());
}

TEST(ChallengeTable, HostIsCaseInsensitiveAndMustMatch) {
  CHECK(table.put("WWW.Example.ORG", "t", "v").ok());
  std::string value;
  CHECK(table.lookup("www.example.org", "t", &value));
  CHECK(table.lookup("WWW.EXAMPLE.ORG", "t", &value));
  CHECK_FALSE(table.lookup("other.example.org", "t", &value));
  CHECK_FALSE(table.lookup("www.example.or", "t", &value));
}

TEST(ChallengeTable, TokenMustMatchExactly) {
  CHECK(table.put("a.example", "abcd", "v").ok());
  std::string value;
  CHECK_FALSE(table.lookup("a.example", "abc", &value));
  CHECK_FALSE(table.lookup("a.example", "abcde", &value));
  CHECK_FALSE(table.lookup("a.example", "", &value));
}

TEST(ChallengeTable, PutReplacesSameToken) {
  CHECK(table.put("a.example", "t", "v1").ok());
  CHECK(table.put("a.example", "t", "v2").ok());
  LONGS_EQUAL(1, table.used());
  std::string value;
  CHECK(table.lookup("a.example", "t", &value));
  STRCMP_EQUAL("v2", value.c_str());
}

TEST(ChallengeTable, FullTableIsAnError) {
  for (int i = 0; i < 4; ++i) CHECK(table.put("a.example", "t" + std::to_string(i), "v").ok());
  Status s = table.put("a.example", "t4", "v");
  CHECK(s.code() == Code::kInvalidArgument);
  STRCMP_EQUAL("challenge table full (4 slots)", s.message().c_str());
  table.remove("t2");
  CHECK(table.put("a.example", "t4", "v").ok());
  table.clear();
  LONGS_EQUAL(0, table.used());
}

TEST(ChallengeTable, OverlongFieldsAreRejected) {
  std::string token(ChallengeTable::kTokenMax, 'x');
  CHECK(table.put("a.example", token, "v").ok());
  Status s = table.put("a.example", token + "x", "v");
  CHECK(s.code() == Code::kInvalidArgument);
  CHECK(s.message().find("token") != std::string::npos);
  std::string long_host(ChallengeTable::kHostMax + 1, 'h');
  CHECK_FALSE(table.put(long_host, "t", "v").ok());
  CHECK_FALSE(table.put("a.example", "t", std::string(ChallengeTable::kValueMax + 1, 'v')).ok());
  CHECK_FALSE(table.put("", "t", "v").ok());
  CHECK_FALSE(table.put("a.example", std::string("t\0u", 3), "v").ok());
  LONGS_EQUAL(1, table.used());
}

TEST(ChallengeTable, AttachSeesTheSameTable) {
  auto other = ChallengeTable::attach(mem.data(), bytes(mem));
  CHECK_TEXT(other.ok(), other.status().to_string().c_str());
  LONGS_EQUAL(4, other->capacity());
  CHECK(table.put("a.example", "t", "v").ok());
  std::string value;
  CHECK(other->lookup("a.example", "t", &value));
  ChallengeTable copy = table;  // a thin handle: copies share the memory
  copy.remove("t");
  CHECK_FALSE(table.lookup("a.example", "t", &value));
}

TEST(ChallengeTable, AttachRejectsGarbageAndShortRegions) {
  std::vector<std::uint64_t> garbage(bytes(mem) / 8, 0xababababababababULL);
  CHECK_FALSE(ChallengeTable::attach(garbage.data(), bytes(garbage)).ok());
  CHECK_FALSE(ChallengeTable::attach(mem.data(), 16).ok());
  CHECK_FALSE(ChallengeTable::attach(mem.data(), ChallengeTable::region_size(4) - 1).ok());
  CHECK_FALSE(ChallengeTable::attach(nullptr, bytes(mem)).ok());
  CHECK_FALSE(ChallengeTable::format(mem.data(), bytes(mem), 5).ok());  // too small for 5
  CHECK_FALSE(ChallengeTable::format(mem.data(), bytes(mem), 0).ok());
  auto* misaligned = reinterpret_cast<char*>(mem.data()) + 1;
  CHECK_FALSE(ChallengeTable::format(misaligned, bytes(mem) - 1, 1).ok());
}

// CppUTest's leak detector wraps new/delete without a lock by default; the
// threads below allocate (std::thread state), so switch to its locked variant.
TEST_GROUP(ChallengeTableConcurrency){
    void setup() override{MemoryLeakWarningPlugin::turnOnThreadSafeNewDeleteOverloads();
}
void teardown() override {
  MemoryLeakWarningPlugin::turnOnDefaultNotThreadSafeNewDeleteOverloads();
}
}
;

// One writer recycles slots among tokens while readers look up: a reader may
// miss an entry, but any value it returns must be the whole, right one.
TEST(ChallengeTableConcurrency, ReadersNeverSeeTornEntries) {
  std::vector<std::uint64_t> shared = region(8);
  ChallengeTable writer = *ChallengeTable::format(shared.data(), bytes(shared), 8);
  std::vector<std::string> tokens, values;
  for (int i = 0; i < 16; ++i) {
    tokens.push_back("token-" + std::string(i + 1, static_cast<char>('a' + i)));
    values.push_back(value_for(tokens.back()));
  }
  std::atomic<bool> stop{false};
  std::atomic<long> hits{0}, torn{0}, put_errors{0};
  auto reader = [&](std::string* value) {
    ChallengeTable view = *ChallengeTable::attach(shared.data(), bytes(shared));
    while (!stop.load()) {
      for (std::size_t t = 0; t < tokens.size(); ++t) {
        if (!view.lookup("A.example", tokens[t], value)) continue;
        ++hits;
        if (*value != values[t]) ++torn;
      }
    }
  };
  // Buffers sized up front: the lookups then never allocate inside the threads.
  std::string buf1, buf2;
  buf1.reserve(ChallengeTable::kValueMax + 1);
  buf2.reserve(ChallengeTable::kValueMax + 1);
  std::thread r1(reader, &buf1), r2(reader, &buf2);
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  for (std::size_t i = 0; std::chrono::steady_clock::now() < end; ++i) {
    if (!writer.put("a.example", tokens[i % 16], values[i % 16]).ok()) ++put_errors;
    writer.remove(tokens[(i + 12) % 16]);  // keeps at most 4 entries live
  }
  stop = true;
  r1.join();
  r2.join();
  LONGS_EQUAL(0, torn.load());
  LONGS_EQUAL(0, put_errors.load());
  CHECK(hits.load() > 0);
}
