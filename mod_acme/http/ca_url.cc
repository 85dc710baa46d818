#include "http/ca_url.h"

#include <algorithm>
#include <cctype>

namespace acme {

std::string canonical_ca_url(const std::string& directory_url) {
  std::string url = directory_url;
  std::size_t scheme_end = url.find("://");
  std::size_t host = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  std::size_t path = std::min(url.find_first_of("/?#", host), url.size());
  for (std::size_t i = 0; i < path; ++i)
    url[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(url[i])));
  if (url.compare(0, 8, "https://") == 0 && path >= 4 && url.compare(path - 4, 4, ":443") == 0) {
    url.erase(path - 4, 4);
    path -= 4;
  }
  std::size_t end = std::min(url.find_first_of("?#", path), url.size());
  std::size_t last = end;
  while (last > path && url[last - 1] == '/') --last;
  url.erase(last, end - last);
  return url;
}

}  // namespace acme
