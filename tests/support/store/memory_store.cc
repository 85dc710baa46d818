// MemoryStore: implements store/memory_store.h, the in-memory Store fake.
//
// It mirrors FileStore's observable behaviour where tests can tell: the same
// path checks, symlinks followed in directory components, and a write, link
// or remove acting on the last component itself (as rename/unlink do, so
// writing over a link replaces the link rather than its target).
#include "store/memory_store.h"

#include <algorithm>
#include <optional>
#include <set>

namespace acme {

namespace {

using Links = std::map<std::string, std::string>;

// Same rule as FileStore, so a test on the fake catches a path the real
// store would refuse.
Status check_path(const std::string& path, bool allow_empty) {
  bool bad = (path.empty() && !allow_empty) || (!path.empty() && path[0] == '/');
  for (std::size_t start = 0; !bad && start <= path.size();) {
    std::size_t end = std::min(path.find('/', start), path.size());
    bad = path.compare(start, end - start, "..") == 0;
    start = end + 1;
  }
  if (!bad) return Status();
  return Status(Code::kInvalidArgument, "store path '" + path +
                                            "' must be relative to the store root and "
                                            "must not contain '..'");
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (name.empty()) return dir;
  return dir + "/" + name;
}

std::string parent_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string base_of(const std::string& path) {
  std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Collapses "", "." and ".." components; nullopt when ".." climbs above the root.
std::optional<std::string> normalize(const std::string& path) {
  std::string out;
  for (std::size_t start = 0; start <= path.size();) {
    std::size_t end = std::min(path.find('/', start), path.size());
    std::string part = path.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part != "..") {
      out = join(out, part);
      continue;
    }
    if (out.empty()) return std::nullopt;
    out = parent_of(out);
  }
  return out;
}

// Replaces the shortest prefix that is a link by the link's target, until no
// prefix is a link. The hop limit plays the kernel's ELOOP for link cycles.
std::string resolve_links(const Links& links, std::string path) {
  for (int hops = 0; hops < 40; ++hops) {
    bool replaced = false;
    for (std::size_t end = path.find('/');; end = path.find('/', end + 1)) {
      std::string prefix = path.substr(0, end);
      auto it = links.find(prefix);
      if (it != links.end()) {
        auto target = normalize(join(parent_of(prefix), it->second));
        if (!target) return path;
        path = join(*target, end == std::string::npos ? "" : path.substr(end + 1));
        replaced = true;
        break;
      }
      if (end == std::string::npos) break;
    }
    if (!replaced) break;
  }
  return path;
}

// Resolves the directory part only: the entry itself is not followed (lstat).
std::string resolve_entry(const Links& links, const std::string& path) {
  return join(resolve_links(links, parent_of(path)), base_of(path));
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

template <class Map>
bool has_under(const Map& map, const std::string& dir) {
  auto it = map.lower_bound(dir + "/");
  return it != map.end() && starts_with(it->first, dir + "/");
}

template <class Map>
void erase_tree(Map& map, const std::string& path) {
  map.erase(path);
  auto it = map.lower_bound(path + "/");
  while (it != map.end() && starts_with(it->first, path + "/")) it = map.erase(it);
}

template <class Map>
void collect_names(const Map& map, const std::string& prefix, std::set<std::string>* names) {
  for (auto it = map.lower_bound(prefix); it != map.end() && starts_with(it->first, prefix); ++it) {
    std::string rest = it->first.substr(prefix.size());
    names->insert(rest.substr(0, rest.find('/')));
  }
}

}  // namespace

std::string MemoryStore::resolve(const std::string& path) const {
  return resolve_links(links, path);
}

Result<std::string> MemoryStore::read(const std::string& path) const {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  auto it = files.find(resolve(path));
  if (it == files.end())
    return Status(Code::kNotFound, "reading " + absolute(path) + ": No such file or directory");
  if (it->second.size() > kMaxStoreFileSize)  // as FileStore: not a file mod_acme wrote
    return Status(Code::kIo,
                  "reading " + absolute(path) + ": more than the 1 MiB a store file may have");
  return it->second;
}

Status MemoryStore::write(const std::string& path, const std::string& data, int mode) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  if (fail_writes)
    return Status(Code::kIo, "writing " + absolute(path) + ": No space left on device");
  std::string entry = resolve_entry(links, path);
  links.erase(entry);
  files[entry] = data;
  modes[entry] = mode;
  return Status();
}

bool MemoryStore::exists(const std::string& path) const {
  if (!check_path(path, false).ok()) return false;
  std::string entry = resolve_entry(links, path);
  if (files.count(entry) || links.count(entry)) return true;
  // A directory exists while anything lives under it (the fake keeps no
  // empty directories).
  return has_under(files, entry) || has_under(links, entry);
}

Status MemoryStore::remove(const std::string& path) {
  ACME_RETURN_IF_ERROR(check_path(path, false));
  if (fail_removes) return Status(Code::kIo, "removing " + absolute(path) + ": Permission denied");
  std::string entry = resolve_entry(links, path);
  erase_tree(files, entry);
  erase_tree(links, entry);
  erase_tree(modes, entry);
  return Status();
}

Result<std::vector<std::string>> MemoryStore::list(const std::string& dir) const {
  ACME_RETURN_IF_ERROR(check_path(dir, true));
  std::string resolved = resolve(dir);
  std::string prefix = resolved.empty() ? "" : resolved + "/";
  std::set<std::string> names;
  collect_names(files, prefix, &names);
  collect_names(links, prefix, &names);
  return std::vector<std::string>(names.begin(), names.end());
}

Status MemoryStore::link(const std::string& target, const std::string& link_path) {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  if (target.empty() || target[0] == '/' || !normalize(join(parent_of(link_path), target)))
    return Status(Code::kInvalidArgument, "link target '" + target + "' for '" + link_path +
                                              "' must be relative and stay inside the store");
  std::string entry = resolve_entry(links, link_path);
  files.erase(entry);
  modes.erase(entry);
  links[entry] = target;
  return Status();
}

Result<std::string> MemoryStore::read_link(const std::string& link_path) const {
  ACME_RETURN_IF_ERROR(check_path(link_path, false));
  std::string entry = resolve_entry(links, link_path);
  auto it = links.find(entry);
  if (it != links.end()) return it->second;
  if (files.count(entry))
    return Status(Code::kInvalidArgument,
                  "reading link " + absolute(link_path) + ": not a symbolic link");
  return Status(Code::kNotFound,
                "reading link " + absolute(link_path) + ": No such file or directory");
}

}  // namespace acme
