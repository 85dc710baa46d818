// OCSP stapling through httpd's core hooks (http_ssl.h): mod_ssl primes
// each certificate at startup (parent), then asks for the response in every
// handshake (workers); staple/stapling_index.h decides both.
#pragma once

#include <httpd.h>  // first: the other httpd headers need its types

#include <http_ssl.h>

namespace acme {

int ocsp_prime(server_rec* s, apr_pool_t* p, const char* id, apr_size_t id_len, const char* pem);
int ocsp_get_response(server_rec* s, conn_rec* c, const char* id, apr_size_t id_len,
                      ap_ssl_ocsp_copy_resp* cb, void* userdata);

}  // namespace acme
