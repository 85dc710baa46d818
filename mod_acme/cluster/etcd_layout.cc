#include "cluster/etcd_layout.h"

namespace acme {

std::string etcd_key_component(const std::string& raw) {
  if (raw.empty()) return "%";
  std::string out;
  for (char c : raw) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> etcd_key_component_decode(const std::string& component) {
  if (component == "%") return std::string();
  std::string out;
  for (std::size_t i = 0; i < component.size(); ++i) {
    if (component[i] != '%') {
      out += component[i];
    } else if (component.compare(i, 3, "%25") == 0 || component.compare(i, 3, "%2F") == 0) {
      out += component[i + 2] == '5' ? '%' : '/';
      i += 2;
    } else {
      return Status(Code::kInvalidArgument,
                    "etcd key component '" + component + "': a stray '%' (not %25 or %2F)");
    }
  }
  return out;
}

Result<EtcdLayout> EtcdLayout::make(const std::string& prefix) {
  bool ok = prefix.size() > 1 && prefix[0] == '/' && prefix.back() != '/' &&
            prefix.find("//") == std::string::npos;
  if (!ok) {
    return Status(Code::kInvalidArgument,
                  "ACMESharedStorePrefix '" + prefix +
                      "': give a path that starts with '/' and does not end with one, "
                      "e.g. /mod_acme/prod");
  }
  return EtcdLayout(prefix);
}

std::string EtcdLayout::lock(const std::string& name) const {
  return prefix_ + "/locks/" + etcd_key_component(name);
}

std::string EtcdLayout::challenge(const std::string& token) const {
  return prefix_ + "/challenges/" + etcd_key_component(token);
}

std::string EtcdLayout::acks(const std::string& token) const {
  return prefix_ + "/acks/" + etcd_key_component(token) + "/";
}

std::string EtcdLayout::ack(const std::string& token, const std::string& node) const {
  return acks(token) + etcd_key_component(node);
}

std::string EtcdLayout::node(const std::string& node) const {
  return prefix_ + "/nodes/" + etcd_key_component(node);
}

}  // namespace acme
