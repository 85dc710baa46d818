#include "acme/identifier.h"

#include <arpa/inet.h>

#include <cctype>

namespace acme {

Identifier identifier_for(const std::string& name) {
  // RFC 8738 §3: type "ip", the address in its canonical text form.
  return Identifier{is_ip_literal(name) ? "ip" : "dns", canonical_name(name)};
}

std::string canonical_name(const std::string& name) {
  unsigned char addr[16];
  char text[INET6_ADDRSTRLEN] = {0};
  for (int family : {AF_INET, AF_INET6}) {
    if (inet_pton(family, name.c_str(), addr) == 1 && inet_ntop(family, addr, text, sizeof text))
      return text;
  }
  return lower_case(name);
}

Json identifier_json(const Identifier& id) {
  return Json::object().set("type", id.type).set("value", id.value);
}

std::string lower_case(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string dns_name_problem(const std::string& name, bool allow_wildcard) {
  std::string rest = name;
  if (rest.rfind("*.", 0) == 0) {
    if (!allow_wildcard) return "wildcard names need the dns-01 challenge";
    rest = rest.substr(2);
  }
  if (rest.empty() || rest.size() > 253) return "a DNS name has 1 to 253 characters";
  if (rest.back() == '.') return "write the name without a trailing dot";
  int labels = 0;
  std::size_t start = 0;
  while (start <= rest.size()) {
    std::size_t end = rest.find('.', start);
    if (end == std::string::npos) end = rest.size();
    std::string label = rest.substr(start, end - start);
    if (label.empty() || label.size() > 63) return "each label has 1 to 63 characters";
    if (label.front() == '-' || label.back() == '-') return "a label cannot start or end with '-'";
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-')
        return std::string("'") + c + "' is not allowed in a DNS name (letters, digits, '-', '.')";
    }
    ++labels;
    start = end + 1;
  }
  if (labels < 2) return "a certificate name needs at least two labels (like a.example)";
  return "";
}

}  // namespace acme
