// FiberSet: fibers by key (base/fiber.h), each resumed in turn until it is
// done, then dropped. What the renewer's steps and side requests and the
// cluster session's lock requests have in common: one fiber per key, and a
// pump that moves along those whose wait is over.
//
// Contract: like Fiber, used on the thread that created it. A key holds at
// most one fiber; adding under a taken key drops the new body unrun.
// Fibers still suspended when the set is cleared or destroyed are dropped
// with their stacks (the owner pumps until empty() where that matters).
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/fiber.h"

namespace acme {

class FiberSet {
 public:
  // Runs body now in a new fiber; true when it suspended and is kept under
  // key, false when it ran to its end (or key is taken: nothing runs).
  bool start(const std::string& key, std::function<void()> body);
  // Keeps body under key, to be started by the next pump().
  void add(const std::string& key, std::function<void()> body);
  // Resumes the fibers whose wait is over; those done are dropped. True
  // when any was resumed.
  bool pump();

  bool contains(const std::string& key) const { return fibers_.count(key) > 0; }
  bool empty() const { return fibers_.empty(); }
  std::size_t size() const { return fibers_.size(); }
  void clear() { fibers_.clear(); }

 private:
  std::map<std::string, std::unique_ptr<Fiber>> fibers_;
};

}  // namespace acme
