// LiveCache: read_live() (certset/cert_files.h) for the watchdog, parsed again
// only when the live set changed, so a status record or a due check costs no
// certificate parse while nothing was promoted (issue 8: nothing O(N) per tick).
//
// The parent promotes a set by writing a new archive/<name>/<seq>/ and
// swapping the live/<name> link to it, never by rewriting those files in
// place: the link's target identifies the set. One readlink per lookup; a
// live/<name> that is not a link (not written by mod_acme) is read and parsed
// every time, as without the cache. Failures are not cached.
#pragma once

#include <map>
#include <string>

#include "certset/cert_files.h"
#include "store/store.h"

namespace acme {

class LiveCache {
 public:
  explicit LiveCache(const Store& store) : store_(store) {}

  Result<LiveInfo> get(const std::string& name);
  // Certificates parsed so far (what the cache saves is visible here).
  std::size_t parses() const { return parses_; }

 private:
  struct Entry {
    std::string target;  // live/<name>'s link target when info was read
    LiveInfo info;
  };
  const Store& store_;
  std::map<std::string, Entry> entries_;  // by cert name
  std::size_t parses_ = 0;
};

}  // namespace acme
