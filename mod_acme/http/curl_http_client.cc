#include "http/curl_http_client.h"

#include <cctype>

#include "http/curl_protocols.h"

namespace acme {

namespace {

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<CurlTransfer*>(user);
  size_t n = size * count;
  if (sink->response.body.size() + n > sink->max_body) {
    sink->overflow = true;
    return 0;  // makes curl abort the transfer
  }
  sink->response.body.append(data, n);
  return n;
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<CurlTransfer*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) sink->response.headers.clear();  // after a 100 or redirect
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = trim(line.substr(0, colon));
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    sink->response.headers.emplace(name, trim(line.substr(colon + 1)));
  }
  return size * count;
}

int on_progress(void* abort, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(abort)->load() ? 1 : 0;  // 1: abort
}

}  // namespace

void setup_easy(CURL* c, const HttpOptions& options, CurlTransfer* t) {
  const HttpRequest& request = t->request;
  t->max_body = options.max_body;
  if (!request.content_type.empty()) {
    t->headers.reset(curl_slist_append(nullptr, ("Content-Type: " + request.content_type).c_str()));
  }
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  restrict_to_http(c);                        // never file://, ftp:// or the like from a CA's URL
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // we run in httpd threads
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, options.total_timeout_s);
  curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  if (!options.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.client_cert_file.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, options.client_cert_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSLKEY, options.client_key_file.c_str());
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t);
  if (t->headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers.get());
  if (options.abort) {
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, options.abort);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
}

Result<HttpResponse> finish_easy(CURL* c, CURLcode rc, CurlTransfer* t) {
  const HttpRequest& request = t->request;
  if (t->overflow) {
    return Status(Code::kProtocol, request.url + ": answer larger than " +
                                       std::to_string(t->max_body) + " bytes, refused");
  }
  if (rc != CURLE_OK) {
    return Status(Code::kNetwork,
                  request.method + " " + request.url + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  t->response.status = static_cast<int>(status);
  return std::move(t->response);
}

void CurlHttpClient::global_init() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

CurlHttpClient::CurlHttpClient(HttpOptions options)
    : options_(std::move(options)), curl_(curl_easy_init()) {}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
  if (!curl_) return Status(Code::kNetwork, "libcurl could not create a handle");
  CURL* c = curl_.get();
  curl_easy_reset(c);
  CurlTransfer transfer;
  transfer.request = request;
  setup_easy(c, options_, &transfer);
  return finish_easy(c, curl_easy_perform(c), &transfer);
}

}  // namespace acme
