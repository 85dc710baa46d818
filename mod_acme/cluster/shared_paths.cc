#include "cluster/shared_paths.h"

#include <cstring>

namespace acme {

namespace {

struct Route {
  const char* prefix;
  StoreSide side;
};

// Every top-level directory of the store layout (store/layout.h) is listed,
// local ones too, so the table is the whole answer (shared_paths_test.cc checks
// it against layout::kChildWritable).
constexpr Route kRoutes[] = {
    {"accounts", StoreSide::kShared},  // one account per CA for the cluster
    {"jobs", StoreSide::kShared},      // order state: another node resumes it
    {"sets", StoreSide::kShared},      // certificate sets every node installs
    {"keys", StoreSide::kShared},      // ACMEKeyReuse's live key
    {"ari", StoreSide::kShared},       // renewal information (RFC 9773)
    {"ocsp", StoreSide::kShared},      // last verified OCSP response
    {"status", StoreSide::kShared},    // status records, for any node's page
    {"status/ca", StoreSide::kLocal},  // this node's CA request counters
    {"requests", StoreSide::kShared},  // acmectl renew|revoke|rollover on any node
    {"dns01", StoreSide::kShared},     // TXT records to clean up, by whoever resumes
    {"live", StoreSide::kLocal},       // the file contract (root, parent)
    {"archive", StoreSide::kLocal},    //
    {"staging", StoreSide::kLocal},    // verified here, promoted by this parent
    {"fallback", StoreSide::kLocal},   // this node's self-signed stand-in
};

constexpr const char* kSealed[] = {
    "accounts/*/account.key.pem",      // ca_session: the account key
    "accounts/*/account.key.pem.new",  // a rollover's key before the CA agreed
    "accounts/*/account.key.pem.old",  // the previous key while the new is written
    "jobs/*/privkey.pem",              // the key a job finalizes with
    "keys/*/privkey.pem",              // ACMEKeyReuse: the kept live key
    "sets/*/*/privkey.pem",            // a shared set's key
};

std::vector<std::string> split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size() && !path.empty()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

// prefix (whole components) of path?
bool under(const std::string& path, const std::string& prefix) {
  return path.compare(0, prefix.size(), prefix) == 0 &&
         (path.size() == prefix.size() || path[prefix.size()] == '/');
}

bool matches(const std::vector<std::string>& parts, const char* pattern) {
  std::vector<std::string> want = split(pattern);
  if (want.size() != parts.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i)
    if (want[i] != "*" && want[i] != parts[i]) return false;
  return true;
}

}  // namespace

StoreSide store_side(const std::string& path) {
  StoreSide side = StoreSide::kLocal;
  std::size_t longest = 0;
  for (const Route& r : kRoutes) {
    std::size_t n = std::strlen(r.prefix);
    if (n > longest && under(path, r.prefix)) {
      side = r.side;
      longest = n;
    }
  }
  return side;
}

bool is_sealed_path(const std::string& path) {
  std::vector<std::string> parts = split(path);
  for (const char* pattern : kSealed)
    if (matches(parts, pattern)) return true;
  return false;
}

std::vector<std::string> other_side_below(const std::string& dir) {
  const StoreSide side = store_side(dir);
  const std::string base = dir.empty() ? "" : dir + "/";
  std::vector<std::string> names;
  for (const Route& r : kRoutes) {
    std::string prefix = r.prefix;
    if (r.side == side || prefix.compare(0, base.size(), base) != 0) continue;
    std::string rest = prefix.substr(base.size());
    if (!rest.empty() && rest.find('/') == std::string::npos) names.push_back(rest);
  }
  return names;
}

}  // namespace acme
