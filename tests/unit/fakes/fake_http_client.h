// Test doubles for HttpClient.
//
// FakeHttpClient answers from a queue of canned responses, or from a handler
// when one is set, and records every request it was sent. An empty queue is a
// transport error, so a test that sends more than it scripted fails loudly.
// ForwardingHttpClient hands requests to another HttpClient it does not own,
// for code that wants a unique_ptr<HttpClient> (CaSession, Renewer) while the
// test keeps the fake.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "http/http_client.h"

namespace acme {
namespace testing {

inline HttpResponse make_response(int status, std::string body,
                                  std::multimap<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline HttpResponse json_response(int status, std::string body,
                                  std::multimap<std::string, std::string> headers = {}) {
  headers.emplace("content-type", "application/json");
  return make_response(status, std::move(body), std::move(headers));
}

inline HttpResponse problem_response(int status, const std::string& type, const std::string& detail,
                                     const std::string& nonce = "") {
  std::multimap<std::string, std::string> headers{{"content-type", "application/problem+json"}};
  if (!nonce.empty()) headers.emplace("replay-nonce", nonce);
  return make_response(status,
                       "{\"type\":\"" + type + "\",\"detail\":\"" + detail +
                           "\",\"status\":" + std::to_string(status) + "}",
                       std::move(headers));
}

class FakeHttpClient : public HttpClient {
 public:
  using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

  Result<HttpResponse> send(const HttpRequest& request) override {
    requests.push_back(request);
    if (handler) return handler(request);
    if (responses.empty()) {
      return Status(Code::kNetwork,
                    "FakeHttpClient: nothing scripted for " + request.method + " " + request.url);
    }
    Result<HttpResponse> next = responses.front();
    responses.pop_front();
    return next;
  }

  void push(HttpResponse response) { responses.emplace_back(std::move(response)); }
  void push_error(Status status) { responses.emplace_back(std::move(status)); }

  std::deque<Result<HttpResponse>> responses;
  Handler handler;
  std::vector<HttpRequest> requests;
};

class ForwardingHttpClient : public HttpClient {
 public:
  explicit ForwardingHttpClient(HttpClient& target) : target_(target) {}
  Result<HttpResponse> send(const HttpRequest& request) override { return target_.send(request); }

 private:
  HttpClient& target_;
};

}  // namespace testing
}  // namespace acme
