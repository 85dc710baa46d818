#include "preflight/curl_prober.h"

#include <curl/curl.h>

#include <memory>

#include "http/curl_easy.h"
#include "http/curl_protocols.h"

namespace acme {

namespace {

constexpr std::size_t kBodyMax = 4096;

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() + size * n > kBodyMax) return 0;  // not a probe answer: stop reading
  body->append(data, size * n);
  return size * n;
}

}  // namespace

std::string CurlProber::url(const std::string& name, int port, bool tls) const {
  auto it = probes_.find(name);
  std::string token = it == probes_.end() ? "PROBE" : it->second.token;
  int standard = tls ? 443 : 80;
  return std::string(tls ? "https://" : "http://") + name +
         (port == standard ? "" : ":" + std::to_string(port)) + "/.well-known/acme-challenge/" +
         token;
}

Status CurlProber::probe(const std::string& address, int port, bool tls, const std::string& name) {
  auto it = probes_.find(name);
  if (it == probes_.end()) return Status(Code::kNotFound, "no probe published for " + name);
  std::unique_ptr<CURL, CurlDeleter> c(curl_easy_init());
  if (!c) return Status(Code::kNetwork, "curl_easy_init failed");
  // NAME:PORT:ADDRESS, so Host and SNI are NAME while the connection goes to
  // the address the CA would use.
  std::string pin = name + ":" + std::to_string(port) + ":" +
                    (address.find(':') != std::string::npos ? "[" + address + "]" : address);
  std::unique_ptr<curl_slist, SlistDeleter> resolve(curl_slist_append(nullptr, pin.c_str()));
  std::string body;
  std::string target = url(name, port, tls);
  restrict_to_http(c.get());
  curl_easy_setopt(c.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(c.get(), CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
  curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) return Status(Code::kNetwork, curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &code);
  if (code == 200 && body == it->second.value) return Status::ok_status();
  return Status(Code::kNotFound, "a server answered (HTTP " + std::to_string(code) +
                                     ") but not with this httpd's probe: another server, or "
                                     "one that does not run mod_acme with this store");
}

}  // namespace acme
