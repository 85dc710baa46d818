// One HTTP exchange as a libcurl easy handle, shared by CurlHttpClient
// (blocking, curl_easy_perform) and CurlMulti (many in flight): the same
// options, limits and error texts either way.
#pragma once

#include <curl/curl.h>

#include <memory>

#include "base/handle.h"
#include "http/http_client.h"

namespace acme {

using CurlDeleter = FreeWith<curl_easy_cleanup>;
using SlistDeleter = FreeWith<curl_slist_free_all>;

// Owns what the easy handle points at while the transfer runs: keep it at
// one address (heap or a suspended fiber's stack) until the transfer ends.
struct CurlTransfer {
  HttpRequest request;  // a copy: the body must outlive the transfer
  HttpResponse response;
  std::size_t max_body = 0;
  bool overflow = false;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
};

// Sets every option for transfer->request on c (a fresh or reset handle).
void setup_easy(CURL* c, const HttpOptions& options, CurlTransfer* transfer);
// The outcome once curl says the transfer is over with rc.
Result<HttpResponse> finish_easy(CURL* c, CURLcode rc, CurlTransfer* transfer);

}  // namespace acme
