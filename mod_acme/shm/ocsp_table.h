// OcspTable: the OCSP responses mod_ssl staples (httpd/stapling.cc), DER by
// certificate name, in a shared-memory region of their own. Written by the
// watchdog's OCSP refresher, read by every worker in the TLS handshake. The
// table itself is a BlobTable (shm/blob_table.h).
#pragma once

#include "shm/blob_table.h"

namespace acme {

class OcspTable : public TypedBlobTable<OcspTable> {
 public:
  // Version 1: the layout this table had before it sat on SlotRegion (the
  // same header and slot).
  static constexpr RegionKind kKind{0x4143534f, 1, "OCSP table"};  // "ACSO"
};

}  // namespace acme
