#include "crypto/base64url.h"

#include <openssl/evp.h>

#include <vector>

namespace acme {

namespace {

bool is_base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

Status bad_base64url(const std::string& text, const std::string& why) {
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  return Status(Code::kInvalidArgument, "'" + shown + "' is not base64url: " + why);
}

}  // namespace

// RFC 4648 §5: the standard alphabet with '-' for '+' and '_' for '/', and
// (as JOSE requires, RFC 7515 §2) no '=' padding.
std::string base64url_encode(const std::string& bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  std::string text(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

Result<std::string> base64url_decode(const std::string& text) {
  if (text.empty()) return std::string();
  for (char c : text) {
    if (!is_base64url_char(c)) return bad_base64url(text, "unexpected character");
  }
  if (text.size() % 4 == 1) return bad_base64url(text, "truncated");
  std::string standard = text;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  std::size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::vector<unsigned char> out(standard.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                          static_cast<int>(standard.size()));
  if (n < 0) return bad_base64url(text, "undecodable");
  // EVP_DecodeBlock counts the bytes that padding stands in for.
  return std::string(reinterpret_cast<const char*>(out.data()),
                     static_cast<std::size_t>(n) - padding);
}

bool is_base64url(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_base64url_char(c)) return false;
  }
  return true;
}

std::string sha256(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr) != 1) {
    return std::string();  // only on allocation failure; callers compare digests
  }
  return std::string(reinterpret_cast<const char*>(digest), len);
}

}  // namespace acme
