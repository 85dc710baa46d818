// StaplingIndex: only the live leaf of a managed certificate that names a
// responder is ours; a handshake gets the response for that very leaf, or
// none yet, and anything else stays with mod_ssl.
#include "staple/stapling_index.h"

#include <string>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "renew/renew_test_util.h"
#include "staple/ocsp_refresher.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

TEST_GROUP(StaplingIndex) {
  RenewHarness h;
  std::vector<std::uint64_t> memory = std::vector<std::uint64_t>(OcspTable::region_size(4) / 8 + 1);
  OcspTable table = *OcspTable::format(memory.data(), memory.size() * 8, 4);
  Issued root = issue("Root", nullptr, "", kStart - 400 * kDay, kStart + 400 * kDay, 1);
  StaplingIndex index;

  Issued leaf(long serial, bool responder = true) {
    std::vector<std::pair<int, std::string>> ext = {{NID_subject_alt_name, "DNS:a.example"}};
    if (responder) ext.push_back({NID_info_access, "OCSP;URI:http://ocsp.example/"});
    return issue_with_extensions("a.example", root, kStart - kDay, kStart + 89 * kDay, serial, ext);
  }
  void make_live(const Issued& cert) {
    CHECK(h.store.write("archive/a.example/1/cert.pem", cert.cert.to_pem()).ok());
    CHECK(h.store.link("../archive/a.example/1", "live/a.example").ok());
  }
  bool prime(const std::string& id, const Issued& cert) {
    return index.prime(h.store, {h.cert}, id, cert.cert.to_pem() + root.cert.to_pem());
  }
};

TEST(StaplingIndex, TheLiveLeafIsOursAndGetsItsResponse) {
  Issued live = leaf(10);
  make_live(live);
  CHECK(prime("id1", live));
  std::string der;
  CHECK(index.response("id1", table, &der) == StaplingIndex::Answer::kNoResponse);
  CHECK(table.put("a.example", staple_entry(live.cert.serial_hex(), "\x30\x03resp")).ok());
  CHECK(index.response("id1", table, &der) == StaplingIndex::Answer::kResponse);
  STRCMP_EQUAL("\x30\x03resp", der.c_str());
}

// After a renewal the entry may hold the predecessor's response a while.
TEST(StaplingIndex, NeverTheResponseOfAnotherLeaf) {
  Issued live = leaf(10);
  make_live(live);
  CHECK(prime("id1", live));
  CHECK(table.put("a.example", staple_entry("0B", "\x30\x03old")).ok());
  std::string der;
  CHECK(index.response("id1", table, &der) == StaplingIndex::Answer::kNoResponse);
}

TEST(StaplingIndex, OtherCertificatesStayWithModSsl) {
  Issued live = leaf(10);
  make_live(live);
  CHECK_FALSE(prime("other", leaf(11)));  // not the live leaf
  CHECK_FALSE(index.prime(h.store, {h.cert}, "junk", "not a pem"));
  std::string der;
  CHECK(index.response("other", table, &der) == StaplingIndex::Answer::kNotOurs);
  CHECK(index.response("never-primed", table, &der) == StaplingIndex::Answer::kNotOurs);
}

TEST(StaplingIndex, ALeafWithoutResponderIsNotOurs) {
  Issued live = leaf(10, false);
  make_live(live);
  CHECK_FALSE(prime("id1", live));
}

// The live sets are read at the first prime of a configuration only.
TEST(StaplingIndex, LiveLeavesAreReadOnce) {
  Issued first = leaf(10);
  make_live(first);
  CHECK(prime("id1", first));
  Issued second = leaf(12);
  CHECK(h.store.write("archive/a.example/1/cert.pem", second.cert.to_pem()).ok());
  CHECK_FALSE(prime("id2", second));  // a new configuration's index sees it
  StaplingIndex next;
  CHECK(next.prime(h.store, {h.cert}, "id2", second.cert.to_pem()));
}
