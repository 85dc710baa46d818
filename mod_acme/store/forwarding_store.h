// ForwardingStore: a Store that passes every call on to the Store that
// store_for(path) names, so a decorator overrides only the calls it changes
// (leveldb's EnvWrapper). RoutingStore picks that Store by path.
//
// Every call goes to that Store's own method, write_unsynced() included: a
// decorator that changes write() must change write_unsynced() too, else the
// unsynced writes pass by its change.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace acme {

class ForwardingStore : public Store {
 public:
  Result<std::string> read(const std::string& path) const override {
    return store_for(path).read(path);
  }
  Status write(const std::string& path, const std::string& data, int mode = 0644) override {
    return store_for(path).write(path, data, mode);
  }
  Status write_unsynced(const std::string& path, const std::string& data,
                        int mode = 0644) override {
    return store_for(path).write_unsynced(path, data, mode);
  }
  bool exists(const std::string& path) const override { return store_for(path).exists(path); }
  Status remove(const std::string& path) override { return store_for(path).remove(path); }
  Result<std::vector<std::string>> list(const std::string& dir) const override {
    return store_for(dir).list(dir);
  }
  Status link(const std::string& target, const std::string& link_path) override {
    return store_for(link_path).link(target, link_path);
  }
  Result<std::string> read_link(const std::string& link_path) const override {
    return store_for(link_path).read_link(link_path);
  }
  std::string absolute(const std::string& path) const override {
    return store_for(path).absolute(path);
  }

 protected:
  // The Store that serves path (a link: the link's own path).
  virtual Store& store_for(const std::string& path) const = 0;
};

}  // namespace acme
