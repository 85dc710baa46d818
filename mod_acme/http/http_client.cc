#include "http/http_client.h"

#include <cctype>
#include <sstream>
#include <utility>

namespace acme {

HttpRequest http_post(std::string url, std::string body, std::string content_type) {
  HttpRequest request;
  request.method = "POST";
  request.url = std::move(url);
  request.body = std::move(body);
  request.content_type = std::move(content_type);
  return request;
}

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

std::vector<std::string> HttpResponse::headers_named(const std::string& lower_name) const {
  std::vector<std::string> out;
  auto range = headers.equal_range(lower_name);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

namespace {

// Splits at separator outside <...> and quoted strings (RFC 8288 §3):
// ',' between link-values, ';' between a link's parameters.
std::vector<std::string> split_unquoted(const std::string& value, char separator) {
  std::vector<std::string> parts;
  std::string current;
  bool in_uri = false, in_quote = false;
  for (char c : value) {
    if (c == '<' && !in_quote) in_uri = true;
    if (c == '>' && !in_quote) in_uri = false;
    if (c == '"' && !in_uri) in_quote = !in_quote;
    if (c == separator && !in_uri && !in_quote) {
      parts.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

std::string lower_trimmed(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  auto last = text.find_last_not_of(" \t");
  std::string out;
  if (first == std::string::npos) return out;
  for (char c : text.substr(first, last - first + 1))
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// RFC 8288 §3.3: the first rel parameter, quoted or not, holds one or more
// space-separated relation types, compared case-insensitively.
bool has_rel(const std::string& params, const std::string& rel) {
  for (const auto& param : split_unquoted(params, ';')) {
    auto eq = param.find('=');
    if (eq == std::string::npos || lower_trimmed(param.substr(0, eq)) != "rel") continue;
    std::string types = lower_trimmed(param.substr(eq + 1));
    if (types.size() >= 2 && types.front() == '"' && types.back() == '"')
      types = types.substr(1, types.size() - 2);
    std::istringstream words(types);
    for (std::string type; words >> type;)
      if (type == lower_trimmed(rel)) return true;
    return false;
  }
  return false;
}

}  // namespace

std::vector<std::string> HttpResponse::links(const std::string& rel) const {
  std::vector<std::string> out;
  for (const auto& value : headers_named("link")) {
    for (const auto& link : split_unquoted(value, ',')) {
      auto open = link.find('<');
      auto close = link.find('>', open);
      if (open == std::string::npos || close == std::string::npos) continue;
      if (has_rel(link.substr(close + 1), rel))
        out.push_back(link.substr(open + 1, close - open - 1));
    }
  }
  return out;
}

}  // namespace acme
