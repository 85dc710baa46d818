#include "cluster/queued_store.h"

#include <algorithm>
#include <set>

namespace acme {

namespace {

bool below(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

}  // namespace

const QueuedStore::Change* QueuedStore::change_for(const std::string& path, std::string* at) const {
  auto own = changes_.find(path);
  if (own != changes_.end()) {
    *at = path;
    return &own->second;
  }
  for (std::string dir = path; dir.find('/') != std::string::npos;) {
    dir.erase(dir.rfind('/'));
    auto c = changes_.find(dir);
    if (c != changes_.end() && c->second.removal) {
      *at = dir;
      return &c->second;
    }
  }
  return nullptr;
}

void QueuedStore::enqueue(const std::string& path) {
  if (std::find(queue_.begin(), queue_.end(), path) == queue_.end()) queue_.push_back(path);
}

Result<std::string> QueuedStore::read(const std::string& path) const {
  std::string at;
  const Change* c = change_for(path, &at);
  if (!c) return view_.read(path);
  if (c->removal) return Status(Code::kNotFound, path + " was removed");
  return c->data;
}

Status QueuedStore::write(const std::string& path, const std::string& data, int mode) {
  changes_[path] = Change{false, data, mode, false, {}};
  enqueue(path);
  return Status();
}

bool QueuedStore::exists(const std::string& path) const {
  std::string at;
  const Change* c = change_for(path, &at);
  for (const auto& [p, change] : changes_)  // a write below path makes it a directory
    if (!change.removal && below(p, path)) return true;
  if (c) return !c->removal;
  return view_.exists(path);
}

Status QueuedStore::remove(const std::string& path) {
  for (auto it = changes_.begin(); it != changes_.end();) {
    bool under = below(it->first, path);
    if (under) queue_.erase(std::remove(queue_.begin(), queue_.end(), it->first), queue_.end());
    it = under ? changes_.erase(it) : std::next(it);
  }
  changes_[path] = Change{true, "", 0, false, {}};
  enqueue(path);
  return Status();
}

Result<std::vector<std::string>> QueuedStore::list(const std::string& dir) const {
  auto seen = view_.list(dir);
  if (!seen.ok()) return seen;
  std::set<std::string> names;
  const std::string base = dir.empty() ? "" : dir + "/";
  for (const auto& name : *seen)
    if (exists(base + name)) names.insert(name);
  for (const auto& [p, c] : changes_) {
    if (c.removal || (!dir.empty() && !below(p, dir))) continue;
    std::string rest = p.substr(base.size());
    names.insert(rest.substr(0, rest.find('/')));
  }
  return std::vector<std::string>(names.begin(), names.end());
}

Status QueuedStore::link(const std::string&, const std::string& link_path) {
  return Status(Code::kInvalidArgument,
                "the watchdog's tick does not link shared paths (" + link_path + ")");
}

Status QueuedStore::flush(Store& to) {
  while (!queue_.empty()) {
    // Taken off first: a change the tick makes while this one is in flight
    // (the call may suspend this fiber) queues the path again behind.
    const std::string path = queue_.front();
    queue_.pop_front();
    auto c = changes_.find(path);
    if (c == changes_.end() || c->second.sent) continue;
    const Change change = c->second;
    Status sent = change.removal ? to.remove(path) : to.write(path, change.data, change.mode);
    if (!sent.ok()) {
      if (std::find(queue_.begin(), queue_.end(), path) == queue_.end()) queue_.push_front(path);
      return sent;
    }
    c = changes_.find(path);
    if (c != changes_.end() && c->second.removal == change.removal &&
        c->second.data == change.data) {
      c->second.sent = true;
      c->second.sent_at = clock_.now();
    }
  }
  return Status();
}

bool QueuedStore::shown(const std::string& path, const Change& c) const {
  if (c.removal) return !view_.exists(path);
  auto now = view_.read(path);
  return now.ok() && *now == c.data;
}

void QueuedStore::settle() {
  const TimePoint now = clock_.now();
  for (auto it = changes_.begin(); it != changes_.end();) {
    const Change& c = it->second;
    bool done = c.sent && (shown(it->first, c) || now - c.sent_at >= kSettleLimit);
    it = done ? changes_.erase(it) : std::next(it);
  }
}

}  // namespace acme
