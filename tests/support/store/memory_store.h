// MemoryStore: an in-memory Store for unit tests (like leveldb's memenv).
#pragma once

#include <map>
#include <string>

#include "store/store.h"

namespace acme {

class MemoryStore : public Store {
 public:
  Result<std::string> read(const std::string& path) const override;
  Status write(const std::string& path, const std::string& data, int mode = 0644) override;
  bool exists(const std::string& path) const override;
  Status remove(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) const override;
  Status link(const std::string& target, const std::string& link_path) override;
  Result<std::string> read_link(const std::string& link_path) const override;
  std::string absolute(const std::string& path) const override { return "/mem/" + path; }

  // Reads through links: "live/a/cert.pem" with live/a -> ../archive/a/1.
  std::map<std::string, std::string> files;
  std::map<std::string, std::string> links;
  std::map<std::string, int> modes;
  bool fail_writes = false;   // every write fails as a full disk would
  bool fail_removes = false;  // every removal fails (EACCES)

 private:
  std::string resolve(const std::string& path) const;
};

}  // namespace acme
