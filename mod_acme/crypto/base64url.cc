#include "crypto/base64url.h"

#include <openssl/evp.h>

#include <vector>

namespace acme {

namespace {

// `extra` names the two characters past [A-Za-z0-9]: "+/" for base64, "-_" for base64url.
bool in_alphabet(char c, const char* extra) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == extra[0] || c == extra[1];
}

bool all_in_alphabet(const std::string& text, const char* extra) {
  for (char c : text) {
    if (!in_alphabet(c, extra)) return false;
  }
  return true;
}

Status refused(const std::string& text, const char* codec, const std::string& why) {
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  return Status(Code::kInvalidArgument, "'" + shown + "' is not " + codec + ": " + why);
}

// Replaces from[i] by to[i] for the two alphabet characters that differ.
std::string translate(std::string text, const char* from, const char* to) {
  for (char& c : text) {
    if (c == from[0]) c = to[0];
    if (c == from[1]) c = to[1];
  }
  return text;
}

// EVP works in the standard alphabet, padded with '='.
std::string encode_padded(const std::string& bytes) {
  std::vector<unsigned char> out(4 * ((bytes.size() + 2) / 3) + 1);
  int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

// `standard`: the standard alphabet with any '=' padding taken off; `text` and `codec`
// name what the caller was given, for the error.
Result<std::string> decode_unpadded(std::string standard, const std::string& text,
                                    const char* codec) {
  if (standard.empty()) return std::string();
  if (standard.size() % 4 == 1) return refused(text, codec, "truncated");
  std::size_t padding = (4 - standard.size() % 4) % 4;
  standard.append(padding, '=');
  std::vector<unsigned char> out(standard.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(standard.data()),
                          static_cast<int>(standard.size()));
  if (n < 0) return refused(text, codec, "undecodable");
  // EVP_DecodeBlock counts the bytes that padding stands in for.
  return std::string(reinterpret_cast<const char*>(out.data()),
                     static_cast<std::size_t>(n) - padding);
}

}  // namespace

// RFC 4648 §5: the standard alphabet with '-' for '+' and '_' for '/', and
// (as JOSE requires, RFC 7515 §2) no '=' padding.
std::string base64url_encode(const std::string& bytes) {
  std::string text = encode_padded(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return translate(text, "+/", "-_");
}

Result<std::string> base64url_decode(const std::string& text) {
  if (!all_in_alphabet(text, "-_")) return refused(text, "base64url", "unexpected character");
  return decode_unpadded(translate(text, "-_", "+/"), text, "base64url");
}

bool is_base64url(const std::string& text) {
  return !text.empty() && all_in_alphabet(text, "-_");
}

// RFC 4648 §4, padded.
std::string base64_encode(const std::string& bytes) {
  return encode_padded(bytes);
}

Result<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return refused(text, "base64", "length is not a multiple of 4");
  std::size_t end = text.size();
  while (end > 0 && text.size() - end < 2 && text[end - 1] == '=') --end;
  std::string unpadded = text.substr(0, end);
  if (!all_in_alphabet(unpadded, "+/")) return refused(text, "base64", "unexpected character");
  return decode_unpadded(unpadded, text, "base64");
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
