// acmectl --cluster FILE: the node's ACMEShared* lines, read from an Apache
// config snippet with the module's own directive actions and checked as
// `apachectl -t` checks them.
#include "acmectl/cluster_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "crypto/base64url.h"

#include <CppUTest/TestHarness.h>

using namespace acme;
using namespace acme::ctl;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_GROUP(ClusterFile) {
  std::string dir, key_file, conf;
  void setup() override {
    char tmpl[] = "/tmp/acmectl-cluster.XXXXXX";
    CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    key_file = dir + "/acme-cluster.key";
    conf = dir + "/acme-cluster.conf";
    std::ofstream(key_file) << base64_encode(std::string(32, 'k')) << "\n";
    chmod(key_file.c_str(), 0600);
  }
  void teardown() override {
    std::string command = "rm -rf '" + dir + "'";
    CHECK(system(command.c_str()) == 0);
  }
  void write_conf(const std::string& text) {
    std::ofstream(conf) << text;
  }
};

TEST(ClusterFile, TheClusterLinesAreReadOthersSkipped) {
  write_conf(
      "# on every node\n<IfModule acme_module>\n"
      "  acmesharedstore etcd http://127.0.0.1:2379 http://127.0.0.1:2380\n"
      "  ACMESharedStorePrefix \"/mod_acme/prod\"\n"
      "  ACMESharedStoreKeyFile " +
      key_file + "\n  ACMEStoreDir /elsewhere\n  ACMENodeName web2\n</IfModule>\n");
  Result<ClusterSettings> s = read_cluster_file(conf);
  CHECK_TEXT(s.ok(), s.status().message().c_str());
  CHECK(s->enabled);
  LONGS_EQUAL(2, s->endpoints.size());
  STRCMP_EQUAL("/mod_acme/prod", s->prefix.c_str());
  STRCMP_EQUAL("web2", s->node_name.c_str());
  STRCMP_EQUAL(key_file.c_str(), s->key_file.c_str());
}

TEST(ClusterFile, ABadLineIsNamedWithFileLineDirectiveAndValue) {
  write_conf("ACMESharedStore etcd http://127.0.0.1:2379\nACMENodeName \"web 1\"\n");
  Result<ClusterSettings> s = read_cluster_file(conf);
  CHECK_FALSE(s.ok());
  CHECK_TEXT(contains(s.status().message(), conf + ":2: ACMENodeName 'web 1'"),
             s.status().message().c_str());
}

TEST(ClusterFile, TheRulesAcrossTheLinesApply) {
  write_conf("ACMESharedStore etcd http://127.0.0.1:2379\n");
  Result<ClusterSettings> s = read_cluster_file(conf);
  CHECK_TEXT(contains(s.status().message(), "needs ACMESharedStoreKeyFile"),
             s.status().message().c_str());
  write_conf("ACMENodeName web1\n");
  s = read_cluster_file(conf);
  CHECK_TEXT(contains(s.status().message(), "no ACMESharedStore line"),
             s.status().message().c_str());
  s = read_cluster_file(dir + "/missing.conf");
  CHECK_TEXT(contains(s.status().message(), "--cluster " + dir + "/missing.conf"),
             s.status().message().c_str());
}

// `sync` verifies as the watchdog does: against the server's
// ACMETrustAnchorFile, which a <VirtualHost>'s own line does not replace.
TEST(ClusterFile, TheServersTrustAnchorFileIsRead) {
  const std::string anchors = dir + "/roots.pem";
  std::ofstream(anchors) << "roots\n";
  write_conf("ACMESharedStore etcd http://127.0.0.1:2379\nACMESharedStoreKeyFile " + key_file +
             "\n<VirtualHost *:443>\n  ACMETrustAnchorFile " + dir +
             "/missing.pem\n</VirtualHost>\n<IfModule acme_module>\n  acmetrustanchorfile " +
             anchors + "\n</IfModule>\n");
  Result<ClusterFile> file = read_cluster_config(conf);
  CHECK_TEXT(file.ok(), file.status().message().c_str());
  STRCMP_EQUAL(anchors.c_str(), file->trust_anchor_file.c_str());
  write_conf("ACMESharedStore etcd http://127.0.0.1:2379\nACMESharedStoreKeyFile " + key_file +
             "\n");
  file = read_cluster_config(conf);
  CHECK_TEXT(file.ok(), file.status().message().c_str());
  STRCMP_EQUAL("", file->trust_anchor_file.c_str());
  write_conf("ACMESharedStore etcd http://127.0.0.1:2379\nACMESharedStoreKeyFile " + key_file +
             "\nACMETrustAnchorFile " + dir + "/missing.pem\n");
  file = read_cluster_config(conf);
  CHECK_FALSE(file.ok());
  CHECK_TEXT(contains(file.status().message(), conf + ":3: ACMETrustAnchorFile"),
             file.status().message().c_str());
}
