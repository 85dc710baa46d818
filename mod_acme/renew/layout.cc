#include "renew/layout.h"

#include <cctype>

#include "acme/directory.h"

namespace acme::layout {

std::string ca_id(const std::string& directory_url) {
  std::string rest = canonical_ca_url(directory_url);
  auto scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  std::string id;
  for (char c : rest) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
    id += keep ? c : '_';
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  return id.empty() ? "ca" : id;
}

}  // namespace acme::layout
