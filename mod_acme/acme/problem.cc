#include "acme/problem.h"

namespace acme {

std::string Problem::short_type() const {
  const std::string prefix = problem::kPrefix;
  if (type.compare(0, prefix.size(), prefix) == 0) return type.substr(prefix.size());
  return type.empty() ? "about:blank" : type;
}

std::string Problem::describe() const {
  std::string out = short_type();
  if (status) out += " (HTTP " + std::to_string(status) + ")";
  if (!detail.empty()) out += ": " + detail;
  for (const auto& sub : subproblems) {
    std::string short_sub = sub.type;
    const std::string prefix = problem::kPrefix;
    if (short_sub.compare(0, prefix.size(), prefix) == 0)
      short_sub = short_sub.substr(prefix.size());
    out += "; " + (sub.identifier.empty() ? "" : sub.identifier + ": ") + short_sub;
    if (!sub.detail.empty()) out += ": " + sub.detail;
  }
  return out;
}

Status Problem::to_status(const std::string& context) const {
  return Status(Code::kProblem, context + ": CA answered " + describe(), type);
}

// RFC 8555 §6.7.1: subproblems carry their own type, detail and identifier.
Result<Problem> parse_problem(const Json& json, int http_status) {
  if (!json.is_object()) return Status(Code::kProtocol, "problem document is not a JSON object");
  Problem p;
  p.type = json.get_string_or("type", "about:blank");
  p.detail = json.get_string_or("detail", "");
  p.status = static_cast<int>(json.get_int_or("status", http_status));
  Json subs = json.get("subproblems");
  for (std::size_t i = 0; i < subs.size(); ++i) {
    Json s = subs.at(i);
    p.subproblems.push_back({s.get_string_or("type", ""), s.get_string_or("detail", ""),
                             s.get("identifier").get_string_or("value", "")});
  }
  return p;
}

bool is_problem_content_type(const std::string& content_type) {
  return content_type.rfind("application/problem+json", 0) == 0;
}

bool parse_error_field(const Json& resource, Problem* error) {
  Json field = resource.get("error");
  if (!field.is_object()) return false;
  auto problem = parse_problem(field, 0);
  if (!problem.ok()) return false;
  *error = *problem;
  return true;
}

}  // namespace acme
