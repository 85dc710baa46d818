// ReadOnlyStore: a Store that reads only. Every write, removal and link is
// refused with refusal(path), which names the path and where to write it
// instead; a read-only view implements the reads and refusal() alone.
#pragma once

#include <string>

#include "store/store.h"

namespace acme {

class ReadOnlyStore : public Store {
 public:
  Status write(const std::string& path, const std::string&, int = 0644) override {
    return refusal(path);
  }
  Status write_unsynced(const std::string& path, const std::string&, int = 0644) override {
    return refusal(path);
  }
  Status remove(const std::string& path) override { return refusal(path); }
  Status link(const std::string&, const std::string& link_path) override {
    return refusal(link_path);
  }

 protected:
  virtual Status refusal(const std::string& path) const = 0;
};

}  // namespace acme
