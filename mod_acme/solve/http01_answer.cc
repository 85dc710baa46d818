#include "solve/http01_answer.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

#include "acme/challenge.h"
#include "preflight/probe.h"

namespace acme {

namespace {

constexpr char kChallengePrefix[] = "/.well-known/acme-challenge/";
constexpr std::size_t kPrefixLength = sizeof(kChallengePrefix) - 1;

using Kind = Http01Answer::Kind;

Http01Answer found(const ChallengeTable& table, const char* host, const char* token) {
  Http01Answer answer;
  if (table.lookup(host ? host : "", token, &answer.body)) answer.kind = Kind::kAnswer;
  return answer;
}

// RFC 8555 §8.3: GET http://{domain}/.well-known/acme-challenge/{token}.
Http01Answer answer_challenge(const ChallengeTable& table,
                              const std::vector<std::string>& managed_hosts,
                              const Http01Request& request, const char* token) {
  if (request.is_get && std::strcmp(token, kReadinessToken) == 0)
    return request.answering ? Http01Answer{Kind::kAnswer, "ready\n"}
                             : Http01Answer{Kind::kUnavailable, ""};
  if (!manages_host(managed_hosts, request.host)) {
    if (std::strncmp(token, kProbeTokenPrefix, sizeof(kProbeTokenPrefix) - 1) != 0 ||
        !request.is_get)
      return {};
    return found(table, request.host, token);  // not published: not ours either
  }
  if (!valid_token(token)) return {Kind::kNotFound, ""};
  if (!request.is_get) return {Kind::kMethodNotAllowed, ""};
  Http01Answer answer = found(table, request.host, token);
  if (answer.kind == Kind::kDecline) answer.kind = Kind::kNotFound;
  return answer;
}

}  // namespace

bool manages_host(const std::vector<std::string>& managed_hosts, const char* host) {
  return host && std::binary_search(managed_hosts.begin(), managed_hosts.end(),
                                    std::string_view(host), std::less<>());
}

Http01Answer answer_http01(const ChallengeTable& table,
                           const std::vector<std::string>& managed_hosts,
                           const Http01Request& request) {
  if (!request.path) return {};
  if (std::strncmp(request.path, kChallengePrefix, kPrefixLength) == 0)
    return answer_challenge(table, managed_hosts, request, request.path + kPrefixLength);
  // Our self-signed stand-in is no certificate to serve content behind.
  if (request.on_fallback) return {Kind::kUnavailable, ""};
  return {};
}

int Http01Answer::http_status() const {
  switch (kind) {
    case Kind::kDecline:
      return 0;
    case Kind::kAnswer:
      return 200;
    case Kind::kNotFound:
      return 404;
    case Kind::kMethodNotAllowed:
      return 405;
    case Kind::kUnavailable:
      return 503;
  }
  return 0;
}

}  // namespace acme
