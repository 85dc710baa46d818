#include "cluster/cluster_settings.h"

#include <cctype>

#include "cluster/cluster_key.h"
#include "cluster/etcd_layout.h"

namespace acme {

namespace {

Status bad(const std::string& directive, const std::string& value, const std::string& fix) {
  return Status(Code::kInvalidArgument, directive + " '" + value + "': " + fix);
}

bool node_name_ok(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return false;
    }
  }
  return true;
}

Status check_tls_endpoints(const ClusterSettings& s) {
  for (const std::string& url : s.endpoints) {
    if (url.rfind("https://", 0) != 0) {
      return bad("ACMESharedStore", url,
                 "ACMESharedStoreTLS is given, so every member must be an https:// URL");
    }
  }
  return etcd_check_tls(s.tls);
}

// A directive that means nothing without ACMESharedStore, named with its value.
Status without_store(const ClusterSettings& s) {
  std::string given = s.prefix_given         ? "ACMESharedStorePrefix '" + s.prefix + "'"
                      : !s.key_file.empty()  ? "ACMESharedStoreKeyFile '" + s.key_file + "'"
                      : !s.node_name.empty() ? "ACMENodeName '" + s.node_name + "'"
                      : s.tls_given          ? "ACMESharedStoreTLS '" + s.tls.cert_file + "'"
                                             : "";
  if (given.empty()) return Status::ok_status();
  return Status(Code::kInvalidArgument,
                given +
                    " needs ACMESharedStore etcd URL... (this server is not in a cluster "
                    "without it); add ACMESharedStore or remove the ACMEShared*/ACMENodeName "
                    "lines");
}

}  // namespace

Status parse_shared_store(const std::vector<std::string>& args, ClusterSettings* out) {
  if (args.empty() || args[0] != "etcd") {
    return bad("ACMESharedStore", args.empty() ? "" : args[0],
               "the only shared store is etcd: ACMESharedStore etcd https://etcd1:2379 ...");
  }
  auto endpoints = etcd_check_endpoints({args.begin() + 1, args.end()});
  ACME_RETURN_IF_ERROR(endpoints);
  out->enabled = true;
  out->endpoints = std::move(endpoints.value());
  return Status::ok_status();
}

Status parse_shared_store_prefix(const std::string& arg, ClusterSettings* out) {
  ACME_RETURN_IF_ERROR(EtcdLayout::make(arg));
  out->prefix = arg;
  out->prefix_given = true;
  return Status::ok_status();
}

Status parse_shared_store_tls(const std::vector<std::string>& args, ClusterSettings* out) {
  if (args.size() != 3) {
    return Status(Code::kInvalidArgument, "ACMESharedStoreTLS takes 3 files, got " +
                                              std::to_string(args.size()) +
                                              ": ACMESharedStoreTLS client.pem client.key ca.pem");
  }
  out->tls_given = true;
  out->tls = EtcdTls{args[0], args[1], args[2]};
  return Status::ok_status();
}

Status parse_shared_store_key_file(const std::string& arg, ClusterSettings* out) {
  if (arg.empty() || arg[0] != '/') {
    return bad("ACMESharedStoreKeyFile", arg, "give an absolute path");
  }
  out->key_file = arg;
  return Status::ok_status();
}

Status parse_node_name(const std::string& arg, ClusterSettings* out) {
  if (!node_name_ok(arg)) {
    return bad("ACMENodeName", arg,
               "use 1 to 253 letters, digits, '-', '.' or '_' (e.g. web1), unique in the cluster");
  }
  out->node_name = arg;
  return Status::ok_status();
}

Status check_cluster_settings(ClusterSettings* s, const std::string& host_name) {
  if (!s->enabled) return without_store(*s);
  if (s->key_file.empty()) {
    return Status(Code::kInvalidArgument,
                  "ACMESharedStore needs ACMESharedStoreKeyFile: every private key is encrypted "
                  "with it before it enters etcd; create one with: umask 077; openssl rand "
                  "-base64 32 > /etc/apache2/acme-cluster.key");
  }
  ACME_RETURN_IF_ERROR(ClusterKey::load(s->key_file));
  if (s->tls_given) ACME_RETURN_IF_ERROR(check_tls_endpoints(*s));
  if (s->node_name.empty()) {
    Status named = parse_node_name(host_name, s);
    if (!named.ok()) return named.with_context("the host name as ACMENodeName: ");
  }
  return Status::ok_status();
}

Status load_cluster_key(const ClusterSettings& s, std::optional<ClusterKey>* key, LogSink& log) {
  if (!s.enabled) return Status::ok_status();
  Result<ClusterKey> loaded = ClusterKey::load(s.key_file);
  ACME_RETURN_IF_ERROR(loaded);
  key->emplace(std::move(*loaded));
  std::string members;
  for (const std::string& url : s.endpoints) members += " " + url;
  log.log(LogLevel::kNotice, kMsgCluster,
          "cluster node '" + s.node_name + "' under " + s.prefix + " on etcd" + members +
              "; key file " + s.key_file + " read (the watchdog talks to etcd, the parent never)");
  return Status::ok_status();
}

}  // namespace acme
