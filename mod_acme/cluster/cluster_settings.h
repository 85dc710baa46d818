// ClusterSettings: the values of the cluster directives (issue 10 item 1; the
// spellings are fixed) as plain C++, with their parsers and the rules across
// them, so the httpd glue only hands over raw arguments and `apachectl -t`
// fails with the directive, the value and the fix:
//
//   ACMESharedStore etcd URL...            members' client URLs (http:// for loopback tests)
//   ACMESharedStorePrefix /mod_acme/prod   default /mod_acme
//   ACMESharedStoreTLS cert key ca         optional client-certificate auth
//   ACMESharedStoreKeyFile path            required with ACMESharedStore
//   ACMENodeName web1                      default: the host name
//
// Registered with httpd as server-wide directives (config/directive_actions.cc);
// `apachectl -t` and every start run check_cluster_settings (config/settings.h's
// check_global), and the parent loads the key with load_cluster_key.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/status.h"
#include "cluster/cluster_key.h"
#include "cluster/etcd_client.h"

namespace acme {

struct ClusterSettings {
  bool enabled = false;  // ACMESharedStore was given
  std::vector<std::string> endpoints;
  std::string prefix = "/mod_acme";
  bool prefix_given = false;
  bool tls_given = false;
  EtcdTls tls;
  std::string key_file;
  std::string node_name;  // "" until check_cluster_settings fills in the host name
};

Status parse_shared_store(const std::vector<std::string>& args, ClusterSettings* out);
Status parse_shared_store_prefix(const std::string& arg, ClusterSettings* out);
Status parse_shared_store_tls(const std::vector<std::string>& args, ClusterSettings* out);
Status parse_shared_store_key_file(const std::string& arg, ClusterSettings* out);
Status parse_node_name(const std::string& arg, ClusterSettings* out);

// The rules across directives, once all are read: the other directives
// (ACMENodeName too) need ACMESharedStore, which needs ACMESharedStoreKeyFile (loaded and checked
// here: mode and size); ACMESharedStoreTLS needs https:// endpoints and
// readable files; the node name defaults to host_name.
Status check_cluster_settings(ClusterSettings* s, const std::string& host_name);

// Parent (root), post_config's real pass, on checked settings: the cluster
// key into *key (nothing when there is no cluster), and a notice naming the
// node, the prefix and the members (ACME10220). The key reaches the watchdog
// child in memory, by fork; the file stays root's, mode 0600.
Status load_cluster_key(const ClusterSettings& s, std::optional<ClusterKey>* key, LogSink& log);

}  // namespace acme
