#include "cluster/base64.h"

#include "crypto/base64url.h"

namespace acme {

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

Status bad_base64(const std::string& text, const std::string& why) {
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  return Status(Code::kInvalidArgument, "'" + shown + "' is not base64: " + why);
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  std::string text = base64url_encode(bytes);
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  text.append((4 - text.size() % 4) % 4, '=');
  return text;
}

Result<std::string> base64_decode(const std::string& text) {
  if (text.size() % 4 != 0) return bad_base64(text, "length is not a multiple of 4");
  std::size_t end = text.size();
  while (end > 0 && text.size() - end < 2 && text[end - 1] == '=') --end;
  std::string url = text.substr(0, end);
  for (char& c : url) {
    if (!is_base64_char(c)) return bad_base64(text, "unexpected character");
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return base64url_decode(url);
}

}  // namespace acme
