#include "base/fiber_set.h"

#include <iterator>
#include <utility>

namespace acme {

bool FiberSet::start(const std::string& key, std::function<void()> body) {
  if (contains(key)) return false;
  auto fiber = std::make_unique<Fiber>(std::move(body));
  fiber->resume();
  if (fiber->done()) return false;
  fibers_.emplace(key, std::move(fiber));
  return true;
}

void FiberSet::add(const std::string& key, std::function<void()> body) {
  if (contains(key)) return;
  fibers_.emplace(key, std::make_unique<Fiber>(std::move(body)));
}

bool FiberSet::pump() {
  bool progressed = false;
  for (auto it = fibers_.begin(); it != fibers_.end();) {
    if (it->second->ready()) {
      it->second->resume();
      progressed = true;
    }
    it = it->second->done() ? fibers_.erase(it) : std::next(it);
  }
  return progressed;
}

}  // namespace acme
