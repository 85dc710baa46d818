// What the acme/ tests share: a directory and nonce endpoint in front of a
// scripted POST handler (on FakeHttpClient), and decoding of the JWS a
// request carried.
#pragma once

#include <functional>
#include <string>

#include "crypto/base64url.h"
#include "fakes/fake_http_client.h"
#include "json/json.h"

// Last: CppUTest redefines new for leak detection.
#include <CppUTest/TestHarness.h>

namespace acme {
namespace testing {

constexpr const char kCaDir[] = "https://ca.test/dir";
constexpr const char kCaNonce[] = "https://ca.test/nonce";
constexpr const char kCaNewAccount[] = "https://ca.test/new-account";
constexpr const char kCaNewOrder[] = "https://ca.test/new-order";

struct DecodedJws {
  Json header;
  std::string payload;
};

inline DecodedJws decode_jws(const std::string& body) {
  auto jws = Json::parse(body);
  CHECK_TEXT(jws.ok(), body.c_str());
  auto header = Json::parse(*base64url_decode(jws->get_string_or("protected", "")));
  CHECK(header.ok());
  return {*header, *base64url_decode(jws->get_string_or("payload", ""))};
}

inline std::string directory_json() {
  return std::string("{\"newNonce\":\"") + kCaNonce + "\",\"newAccount\":\"" + kCaNewAccount +
         "\",\"newOrder\":\"" + kCaNewOrder + "\"}";
}

// Serves the directory and HEAD newNonce ("head-1", "head-2", ...); every
// POST goes to on_post. Counts HEADs.
class ScriptedCa {
 public:
  using OnPost = std::function<HttpResponse(const HttpRequest&, const DecodedJws&)>;

  explicit ScriptedCa(OnPost on_post) : on_post_(std::move(on_post)) {
    http.handler = [this](const HttpRequest& r) -> Result<HttpResponse> {
      if (r.method == "GET" && r.url == kCaDir) return json_response(200, directory_json());
      if (r.method == "HEAD" && r.url == kCaNonce) {
        ++heads;
        return make_response(200, "", {{"replay-nonce", "head-" + std::to_string(heads)}});
      }
      if (r.method == "POST") return on_post_(r, decode_jws(r.body));
      return Status(Code::kNetwork, "ScriptedCa: unexpected " + r.method + " " + r.url);
    };
  }

  FakeHttpClient http;
  int heads = 0;

 private:
  OnPost on_post_;
};

}  // namespace testing
}  // namespace acme
