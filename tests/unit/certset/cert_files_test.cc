#include "certset/cert_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "base/memory_log_sink.h"
#include "config/managed_cert.h"
#include "crypto/crypto_test_util.h"
#include "store/file_store.h"
#include "store/memory_store.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::testing;

namespace {

const TimePoint kNow = kTestNow;  // the chain's
const auto kDay = std::chrono::hours(24);

struct Pki : TestChain {
  Issued leaf(long serial) const {
    return issue_leaf("DNS:a.example,DNS:www.a.example", kNow + 89 * kDay, serial);
  }
};

}  // namespace

TEST_GROUP(CertFiles) {
  std::unique_ptr<Pki> pki = std::make_unique<Pki>();
  std::unique_ptr<TempFile> anchors = std::make_unique<TempFile>(pki->root.cert.to_pem());
  MemoryStore store;
  MemoryLogSink log;
  ManagedCert cert;
  HttpdVersion modern{2, 4, 62};

  void setup() override {
    cert.name = "a.example";
    cert.names = {"a.example", "www.a.example"};
    cert.trust_anchor_file = anchors->path();
  }
  // Stages a fresh leaf; returns its PEM.
  std::string stage(long serial, bool with_intermediate = true) {
    Issued leaf = pki->leaf(serial);
    std::string chain =
        leaf.cert.to_pem() + (with_intermediate ? pki->intermediate.cert.to_pem() : "");
    CHECK(stage_set(store, "a.example", chain, *leaf.key.to_pem()).ok());
    return leaf.cert.to_pem();
  }
  bool promote() {
    auto r = promote_staged(store, cert, modern, kNow, log);
    CHECK_TEXT(r.ok(), r.status().to_string().c_str());
    return r.ok() && *r;
  }
};

TEST(CertFiles, VersionComparison) {
  CHECK(HttpdVersion({2, 4, 71}).at_least(2, 4, 8));
  CHECK_FALSE(HttpdVersion({2, 4, 7}).at_least(2, 4, 8));
  CHECK(HttpdVersion({2, 4, 8}).at_least(2, 4, 8));
  CHECK(HttpdVersion({2, 5, 0}).at_least(2, 4, 8));
  CHECK(HttpdVersion({3, 0, 0}).at_least(2, 4, 8));
  CHECK_FALSE(HttpdVersion({2, 2, 99}).at_least(2, 4, 8));
}

TEST(CertFiles, SslConfForModernHttpdUsesFullchain) {
  STRCMP_EQUAL(
      "# Written by mod_acme for httpd 2.4.71. Include it in a <VirtualHost> with SSLEngine on.\n"
      "SSLCertificateFile /s/live/a/fullchain.pem\n"
      "SSLCertificateKeyFile /s/live/a/privkey.pem\n",
      ssl_conf_text("/s/live/a", {2, 4, 71}).c_str());
}

TEST(CertFiles, SslConfForOldHttpdUsesChainFile) {
  STRCMP_EQUAL(
      "# Written by mod_acme for httpd 2.4.7. Include it in a <VirtualHost> with SSLEngine on.\n"
      "SSLCertificateFile /s/live/a/cert.pem\n"
      "SSLCertificateChainFile /s/live/a/chain.pem\n"
      "SSLCertificateKeyFile /s/live/a/privkey.pem\n",
      ssl_conf_text("/s/live/a", {2, 4, 7}).c_str());
}

TEST(CertFiles, StagedOnceFullchainIsWritten) {
  CHECK_FALSE(has_staged(store, "a.example"));
  store.files["staging/a.example/privkey.pem"] = "key";  // a set cut short before its chain
  CHECK_FALSE(has_staged(store, "a.example"));
  stage(3);
  CHECK(has_staged(store, "a.example"));
  LONGS_EQUAL(0600, store.modes["staging/a.example/privkey.pem"]);
}

TEST(CertFiles, NothingStagedPromotesNothing) {
  auto r = promote_staged(store, cert, modern, kNow, log);
  CHECK(r.ok());
  CHECK_FALSE(*r);
  LONGS_EQUAL(0, log.lines.size());
}

TEST(CertFiles, PromoteWritesArchiveAndLiveLink) {
  std::string leaf_pem = stage(3);
  CHECK(promote());
  STRCMP_EQUAL("../archive/a.example/1", store.read_link("live/a.example")->c_str());
  const std::string live = "live/a.example/";
  std::string cert_pem = *store.read(live + "cert.pem");
  std::string chain_pem = *store.read(live + "chain.pem");
  STRCMP_EQUAL(leaf_pem.c_str(), cert_pem.c_str());
  STRCMP_EQUAL(pki->intermediate.cert.to_pem().c_str(), chain_pem.c_str());
  STRCMP_EQUAL((cert_pem + chain_pem).c_str(), store.read(live + "fullchain.pem")->c_str());
  CHECK(store.exists("archive/a.example/1/privkey.pem"));
  LONGS_EQUAL(0600, store.modes["archive/a.example/1/privkey.pem"]);
  STRCMP_EQUAL(ssl_conf_text("/mem/live/a.example", modern).c_str(),
               store.read(live + "ssl.conf")->c_str());
  CHECK_FALSE(store.exists("staging/a.example"));
  LONGS_EQUAL(kMsgCertActivated, log.lines.back().msgno);
  CHECK(log.contains("serial 03"));
  auto info = read_live(store, "a.example");
  CHECK(info.ok());
  STRCMP_EQUAL("03", info->serial.c_str());
  CHECK(covers_all(*info, {"A.example", "www.a.example"}));
  CHECK_FALSE(covers_all(*info, {"a.example", "b.example"}));
}

TEST(CertFiles, SecondPromotionIsTheNextArchive) {
  stage(3);
  CHECK(promote());
  std::string second = stage(4);
  CHECK(promote());
  STRCMP_EQUAL("../archive/a.example/2", store.read_link("live/a.example")->c_str());
  STRCMP_EQUAL(second.c_str(), store.read("live/a.example/cert.pem")->c_str());
  CHECK(store.exists("archive/a.example/1/cert.pem"));  // the old set stays for a rollback
}

TEST(CertFiles, RootSentByTheCaIsDroppedFromChain) {
  Issued leaf = pki->leaf(5);
  std::string chain =
      leaf.cert.to_pem() + pki->intermediate.cert.to_pem() + pki->root.cert.to_pem();
  CHECK(stage_set(store, "a.example", chain, *leaf.key.to_pem()).ok());
  CHECK(promote());
  STRCMP_EQUAL(pki->intermediate.cert.to_pem().c_str(),
               store.read("live/a.example/chain.pem")->c_str());
}

TEST(CertFiles, SetFailingVerificationIsRemovedNotPromoted) {
  std::string first = stage(3);
  CHECK(promote());
  stage(4, /*with_intermediate=*/false);
  auto r = promote_staged(store, cert, modern, kNow, log);
  CHECK_FALSE(r.ok());
  CHECK(r.status().code() == Code::kVerifyFailed);
  CHECK(r.status().message().find("no intermediate") != std::string::npos);
  CHECK_FALSE(has_staged(store, "a.example"));
  CHECK_FALSE(store.exists("archive/a.example/2"));
  STRCMP_EQUAL("../archive/a.example/1", store.read_link("live/a.example")->c_str());
  STRCMP_EQUAL(first.c_str(), store.read("live/a.example/cert.pem")->c_str());
  LONGS_EQUAL(kMsgCertRejected, log.lines.back().msgno);
  CHECK(log.contains("the current certificate keeps serving"));
}

TEST(CertFiles, SetWithTheWrongKeyIsRejected) {
  Issued leaf = pki->leaf(3), other = pki->leaf(4);
  CHECK(stage_set(store, "a.example", leaf.cert.to_pem() + pki->intermediate.cert.to_pem(),
                  *other.key.to_pem())
            .ok());
  CHECK_FALSE(promote_staged(store, cert, modern, kNow, log).ok());
  CHECK_FALSE(store.exists("live/a.example"));
}

TEST(CertFiles, WriteFailureLeavesLiveAndStaging) {
  stage(3);
  CHECK(promote());
  stage(4);
  store.fail_writes = true;
  CHECK_FALSE(promote_staged(store, cert, modern, kNow, log).ok());
  store.fail_writes = false;
  STRCMP_EQUAL("../archive/a.example/1", store.read_link("live/a.example")->c_str());
  CHECK(has_staged(store, "a.example"));  // tried again on the next start
}

TEST(CertFiles, ReadLiveWithoutSet) {
  CHECK(read_live(store, "a.example").status().code() == Code::kNotFound);
}

TEST(CertFiles, OversizedStagedFileIsRemovedAndLogged) {
  std::string first = stage(3);
  CHECK(promote());
  stage(4);
  store.files["staging/a.example/privkey.pem"] = std::string(kMaxStoreFileSize + 1, 'k');
  auto r = promote_staged(store, cert, modern, kNow, log);
  CHECK_FALSE(r.ok());
  LONGS_EQUAL(kMsgCertRejected, log.lines.back().msgno);
  CHECK(log.contains("1 MiB"));
  CHECK(log.contains("the current certificate keeps serving"));
  CHECK_FALSE(has_staged(store, "a.example"));
  STRCMP_EQUAL(first.c_str(), store.read("live/a.example/cert.pem")->c_str());
}

TEST(CertFiles, StagedPairHalfGoneIsLeftForTheNextStart) {
  stage(3);
  store.files.erase("staging/a.example/privkey.pem");  // the old watchdog restages it
  auto r = promote_staged(store, cert, modern, kNow, log);
  CHECK(r.ok());
  CHECK_FALSE(*r);
  CHECK(has_staged(store, "a.example"));
  CHECK_FALSE(store.exists("live/a.example"));
}

// The parent reads staging/ (the child user's) as root: a link planted there
// must not make it read, promote and serve a file from elsewhere, even a
// valid key (old code: a plain open() followed it).
TEST(CertFiles, LinkPlantedInStagingIsNotFollowed) {
  char tmpl[] = "/tmp/cert_files_test.XXXXXX";
  CHECK(mkdtemp(tmpl) != nullptr);
  const std::string root = tmpl;
  Issued leaf = pki->leaf(3);
  TempFile outside_key(*leaf.key.to_pem());
  {
    FileStore files(root);
    CHECK(stage_set(files, "a.example", leaf.cert.to_pem() + pki->intermediate.cert.to_pem(),
                    "placeholder")
              .ok());
    const std::string staged_key = root + "/staging/a.example/privkey.pem";
    CHECK(std::remove(staged_key.c_str()) == 0);
    CHECK(symlink(outside_key.path().c_str(), staged_key.c_str()) == 0);
    auto r = promote_staged(files, cert, modern, kNow, log);
    CHECK_FALSE(r.ok());
    CHECK(log.contains("symbolic link; not followed"));
    CHECK_FALSE(files.exists("live/a.example"));
    CHECK_FALSE(files.exists("staging/a.example"));  // the link went, not its target
    CHECK(std::filesystem::exists(outside_key.path()));
  }
  std::filesystem::remove_all(root);
}
