// RoutingStore: implements cluster/routing_store.h.
#include "cluster/routing_store.h"

#include <algorithm>

#include "cluster/shared_paths.h"

namespace acme {

namespace {

std::string child(const std::string& dir, const std::string& name) {
  return dir.empty() ? name : dir + "/" + name;
}

// The path link_path's target names ("" when it climbs out of the store).
std::string resolve(const std::string& target, const std::string& link_path) {
  std::vector<std::string> parts;
  std::size_t slash = link_path.rfind('/');
  std::string joined =
      slash == std::string::npos ? target : link_path.substr(0, slash) + "/" + target;
  std::size_t start = 0;
  while (start <= joined.size()) {
    std::size_t end = std::min(joined.find('/', start), joined.size());
    std::string part = joined.substr(start, end - start);
    if (part == "..") {
      if (parts.empty()) return "";
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string path;
  for (const std::string& p : parts) path = child(path, p);
  return path;
}

}  // namespace

Store& RoutingStore::store_for(const std::string& path) const {
  return store_side(path) == StoreSide::kShared ? shared_ : local_;
}

bool RoutingStore::exists(const std::string& path) const {
  if (store_for(path).exists(path)) return true;
  // "status" exists too when only its local "ca" does.
  Store& other = store_side(path) == StoreSide::kShared ? local_ : shared_;
  for (const std::string& name : other_side_below(path))
    if (other.exists(child(path, name))) return true;
  return false;
}

Result<std::vector<std::string>> RoutingStore::list(const std::string& dir) const {
  const StoreSide mine = store_side(dir);
  auto listed = store_for(dir).list(dir);
  if (!listed.ok()) return listed;
  std::vector<std::string> names;
  for (const std::string& name : *listed)
    if (store_side(child(dir, name)) == mine) names.push_back(name);
  Store& other = mine == StoreSide::kShared ? local_ : shared_;
  for (const std::string& name : other_side_below(dir))
    if (other.exists(child(dir, name))) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

Status RoutingStore::link(const std::string& target, const std::string& link_path) {
  const std::string to = resolve(target, link_path);
  if (to.empty() || store_side(to) != store_side(link_path)) {
    return Status(Code::kInvalidArgument,
                  "store link " + link_path + " -> " + target +
                      ": a link and its target must both be on this node or both in the "
                      "shared store (cluster/shared_paths.h)");
  }
  return store_for(link_path).link(target, link_path);
}

}  // namespace acme
