#include "certset/live_cache.h"

#include "store/layout.h"

namespace acme {

Result<LiveInfo> LiveCache::get(const std::string& name) {
  auto target = store_.read_link(layout::live_dir(name));
  if (target.ok()) {
    auto it = entries_.find(name);
    if (it != entries_.end() && it->second.target == *target) return it->second.info;
  }
  ++parses_;
  auto info = read_live(store_, name);
  if (!info.ok() || !target.ok()) {
    entries_.erase(name);
    return info;
  }
  entries_[name] = Entry{*target, *info};
  return info;
}

}  // namespace acme
