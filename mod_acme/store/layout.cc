#include "store/layout.h"

#include <algorithm>
#include <cctype>
#include <climits>

#include "http/ca_url.h"

namespace acme {

std::string key_variant_name(const std::string& name, KeyType type, bool first) {
  return first ? name : name + kKeyVariantSeparator + key_type_name(type);
}

}  // namespace acme

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

namespace {
constexpr const char kLongestSuffix[] = ".json";                       // status/, requests/, ari/
constexpr const char kTempSuffixBudget[] = ".tmp.4194304.9999999999";  // see longest_file_name
}  // namespace

std::size_t longest_file_name(const std::string& name) {
  std::size_t longest = 0;
  for (KeyType type :
       {KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096, KeyType::kP256, KeyType::kP384})
    longest = std::max(longest, file_name(key_variant_name(name, type, false)).size());
  return longest + sizeof(kLongestSuffix) - 1 + sizeof(kTempSuffixBudget) - 1;
}

std::string name_length_problem(const std::string& name) {
  const std::size_t longest = longest_file_name(name);
  if (longest <= NAME_MAX) return "";
  const std::size_t room = name.size() - (longest - NAME_MAX);
  return "has " + std::to_string(name.size()) +
         " characters; as the certificate's name it would make store file names of up to " +
         std::to_string(longest) + " characters (status/" + file_name(name) +
         "_rsa4096.json.tmp.<pid>.<n>), past the file system's limit of " +
         std::to_string(NAME_MAX) + ", and every write would fail at run time. List a name of " +
         "at most " + std::to_string(room) +
         " characters first (the first name names the certificate; the others may be longer)";
}

}  // namespace acme::layout
