// AlpnCertTable: the tls-alpn-01 challenge certificates (RFC 8737 §3),
// "certificate PEM + key PEM" by the TLS server name the CA sends, in a
// shared-memory region of their own. Written by the watchdog's
// TlsAlpn01Responder, read by workers in the acme-tls/1 handshake
// (httpd/tls_alpn.cc). The table itself is a BlobTable (shm/blob_table.h).
#pragma once

#include "shm/blob_table.h"

namespace acme {

class AlpnCertTable : public TypedBlobTable<AlpnCertTable> {
 public:
  static constexpr RegionKind kKind{0x41435341, 1, "tls-alpn-01 certificate table"};  // "ACSA"
};

}  // namespace acme
