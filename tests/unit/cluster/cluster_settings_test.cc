#include "cluster/cluster_settings.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "base/memory_log_sink.h"
#include "crypto/base64url.h"

#include <CppUTest/TestHarness.h>

using namespace acme;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

#define CHECK_ERROR_NAMES(status, part) \
  CHECK_TEXT(!(status).ok() && contains((status).message(), part), (status).message().c_str())

}  // namespace

TEST_GROUP(ClusterSettings) {
  std::string dir, key_file;
  void setup() override {
    char tmpl[] = "/tmp/acme-cluster-settings.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    key_file = dir + "/acme-cluster.key";
    int fd = open(key_file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    std::string text = base64_encode(std::string(32, 'k')) + "\n";
    CHECK(write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    close(fd);
  }
  void teardown() override {
    unlink(key_file.c_str());
    rmdir(dir.c_str());
  }
  ClusterSettings configured() {
    ClusterSettings s;
    CHECK_TRUE(parse_shared_store({"etcd", "https://e1:2379", "https://e2:2379/"}, &s).ok());
    CHECK_TRUE(parse_shared_store_key_file(key_file, &s).ok());
    return s;
  }
};

TEST(ClusterSettings, TheIssuesExampleIsAccepted) {
  ClusterSettings s = configured();
  CHECK_TRUE(parse_shared_store_prefix("/mod_acme/prod", &s).ok());
  CHECK_TRUE(parse_node_name("web1", &s).ok());
  CHECK_TRUE(check_cluster_settings(&s, "host.example.org").ok());
  CHECK_TRUE(s.enabled);
  LONGS_EQUAL(2, s.endpoints.size());
  STRCMP_EQUAL("https://e2:2379", s.endpoints[1].c_str());
  STRCMP_EQUAL("/mod_acme/prod", s.prefix.c_str());
  STRCMP_EQUAL("web1", s.node_name.c_str());
}

TEST(ClusterSettings, NodeNameDefaultsToTheHostName) {
  ClusterSettings s = configured();
  CHECK_TRUE(check_cluster_settings(&s, "web3.example.org").ok());
  STRCMP_EQUAL("web3.example.org", s.node_name.c_str());
  STRCMP_EQUAL("/mod_acme", s.prefix.c_str());
}

TEST(ClusterSettings, BadValuesNameDirectiveValueAndFix) {
  ClusterSettings s;
  Status consul = parse_shared_store({"consul", "http://c:8500"}, &s);
  CHECK_ERROR_NAMES(consul, "ACMESharedStore 'consul'");
  CHECK_ERROR_NAMES(parse_shared_store({"etcd"}, &s), "no endpoint");
  CHECK_ERROR_NAMES(parse_shared_store({"etcd", "e1:2379"}, &s), "'e1:2379'");
  CHECK_ERROR_NAMES(parse_shared_store_prefix("mod_acme", &s), "ACMESharedStorePrefix 'mod_acme'");
  CHECK_ERROR_NAMES(parse_shared_store_tls({"c.pem", "c.key"}, &s), "takes 3 files, got 2");
  CHECK_ERROR_NAMES(parse_shared_store_key_file("acme.key", &s), "absolute path");
  CHECK_ERROR_NAMES(parse_node_name("web 1", &s), "ACMENodeName 'web 1'");
  CHECK_FALSE(s.enabled);
}

TEST(ClusterSettings, KeyFileRequiredAndChecked) {
  ClusterSettings s;
  CHECK_TRUE(parse_shared_store({"etcd", "http://127.0.0.1:2379"}, &s).ok());
  CHECK_ERROR_NAMES(check_cluster_settings(&s, "h"), "needs ACMESharedStoreKeyFile");
  CHECK_TRUE(parse_shared_store_key_file(key_file, &s).ok());
  chmod(key_file.c_str(), 0644);
  CHECK_ERROR_NAMES(check_cluster_settings(&s, "h"), "chmod 600");
  chmod(key_file.c_str(), 0600);
  CHECK_TRUE(check_cluster_settings(&s, "h").ok());
}

TEST(ClusterSettings, OtherDirectivesNeedTheStore) {
  ClusterSettings s;
  CHECK_TRUE(check_cluster_settings(&s, "h").ok());  // no cluster at all
  CHECK_TRUE(parse_shared_store_prefix("/mod_acme", &s).ok());
  CHECK_ERROR_NAMES(check_cluster_settings(&s, "h"),
                    "ACMESharedStorePrefix '/mod_acme' needs ACMESharedStore etcd");
  ClusterSettings named;
  CHECK_TRUE(parse_node_name("web1", &named).ok());
  CHECK_ERROR_NAMES(check_cluster_settings(&named, "h"),
                    "ACMENodeName 'web1' needs ACMESharedStore etcd URL...");
  CHECK_ERROR_NAMES(check_cluster_settings(&named, "h"), "add ACMESharedStore or remove");
}

TEST(ClusterSettings, LoadClusterKeyReadsTheKeyAndNamesTheNode) {
  ClusterSettings s = configured();
  CHECK_TRUE(check_cluster_settings(&s, "web2").ok());
  std::optional<ClusterKey> key;
  MemoryLogSink log;
  Status loaded = load_cluster_key(s, &key, log);
  CHECK_TEXT(loaded.ok(), loaded.message().c_str());
  CHECK_TRUE(key.has_value());
  auto sealed = key->seal("x", "/k");
  auto same = ClusterKey::from_bytes(std::string(32, 'k'));  // the file's bytes
  STRCMP_EQUAL("x", same->open_sealed(*sealed, "/k")->c_str());
  LONGS_EQUAL(1, log.lines.size());
  LONGS_EQUAL(kMsgCluster, log.lines[0].msgno);
  CHECK_TEXT(log.contains("node 'web2' under /mod_acme on etcd https://e1:2379 https://e2:2379"),
             log.lines[0].message.c_str());
}

TEST(ClusterSettings, LoadClusterKeyWithoutClusterLoadsNothing) {
  std::optional<ClusterKey> key;
  MemoryLogSink log;
  CHECK_TRUE(load_cluster_key(ClusterSettings(), &key, log).ok());
  CHECK_FALSE(key.has_value());
  LONGS_EQUAL(0, log.lines.size());
}

TEST(ClusterSettings, LoadClusterKeyFailsOnAKeyFileChangedSinceTheCheck) {
  ClusterSettings s = configured();
  CHECK_TRUE(check_cluster_settings(&s, "h").ok());
  chmod(key_file.c_str(), 0640);
  std::optional<ClusterKey> key;
  MemoryLogSink log;
  CHECK_ERROR_NAMES(load_cluster_key(s, &key, log), "chmod 600 " + key_file);
  CHECK_FALSE(key.has_value());
}

TEST(ClusterSettings, TlsWantsHttpsAndReadableFiles) {
  ClusterSettings s;
  CHECK_TRUE(parse_shared_store({"etcd", "http://127.0.0.1:2379"}, &s).ok());
  CHECK_TRUE(parse_shared_store_key_file(key_file, &s).ok());
  CHECK_TRUE(parse_shared_store_tls({key_file, key_file, key_file}, &s).ok());
  CHECK_ERROR_NAMES(check_cluster_settings(&s, "h"), "https://");
  ClusterSettings t = configured();
  CHECK_TRUE(parse_shared_store_tls({"/nonexistent/c.pem", key_file, key_file}, &t).ok());
  CHECK_ERROR_NAMES(check_cluster_settings(&t, "h"), "/nonexistent/c.pem");
  CHECK_TRUE(parse_shared_store_tls({key_file, key_file, key_file}, &t).ok());
  CHECK_TRUE(check_cluster_settings(&t, "h").ok());
}

TEST(ClusterSettings, UnusableHostNameNeedsACMENodeName) {
  ClusterSettings s = configured();
  CHECK_ERROR_NAMES(check_cluster_settings(&s, ""), "the host name as ACMENodeName");
}
