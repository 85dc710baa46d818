// QueuedStore: the shared side of the watchdog tick's store on a cluster
// (docs/cluster.md, "Never blocking a tick"). Reads come from a view that
// never waits for the network (MirrorStore: the watched copy of etcd);
// writes and removals are queued here and sent later, in order, by flush()
// from a fiber through the EtcdStore. Until the mirror shows a change (the
// watch brings it back a moment after etcd applied it), reads see the queued
// or sent value, so the tick reads its own writes at once: a consumed admin
// request does not come back on the next tick, a status record is not
// written twice.
//
// A change the mirror does not come to show (another node wrote the path
// after us) stops overriding it after kSettleLimit; a flush that fails keeps
// the change, and the rest behind it, queued for the next flush (the latest
// value per path wins). link() is refused: the tick links nothing shared.
// Not thread-safe: the watchdog is one thread.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"
#include "store/store.h"

namespace acme {

class QueuedStore : public Store {
 public:
  static constexpr Millis kSettleLimit{30000};

  QueuedStore(const Store& view, const Clock& clock) : view_(view), clock_(clock) {}

  Result<std::string> read(const std::string& path) const override;
  Status write(const std::string& path, const std::string& data, int mode = 0644) override;
  bool exists(const std::string& path) const override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Status link(const std::string& target, const std::string& link_path) override;
  Result<std::string> read_link(const std::string& link_path) const override {
    return view_.read_link(link_path);
  }
  std::string absolute(const std::string& path) const override { return view_.absolute(path); }

  std::size_t queued() const { return queue_.size(); }
  // From a fiber: sends the queued changes in order; stops at the first
  // error (returned), which stays queued with those after it.
  Status flush(Store& to);
  // Each tick: forgets the changes the view now shows (or too old to wait for).
  void settle();

 private:
  struct Change {
    bool removal = false;
    std::string data;
    int mode = 0644;
    bool sent = false;
    TimePoint sent_at{};
  };
  // The change that decides path: its own, or a removal of a directory above it.
  const Change* change_for(const std::string& path, std::string* at) const;
  bool shown(const std::string& path, const Change& c) const;
  void enqueue(const std::string& path);

  const Store& view_;
  const Clock& clock_;
  std::map<std::string, Change> changes_;  // by path, the latest
  std::deque<std::string> queue_;          // paths to send, in order, once each
};

}  // namespace acme
