// StaplingIndex: which of mod_ssl's certificates the module staples for,
// and the response each handshake gets (httpd/stapling.cc feeds it httpd's
// core hooks, http_ssl.h). mod_ssl primes each of its certificates at
// startup (parent, before children fork, so they inherit the index); we take
// over stapling for a certificate whose leaf is the live leaf of a managed
// certificate and names an OCSP responder; everything else stays with
// mod_ssl. In the handshake (workers) the answer comes from shared memory.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/managed_cert.h"
#include "shm/ocsp_table.h"
#include "staple/leaf_index.h"
#include "store/store.h"

namespace acme {

class StaplingIndex {
 public:
  // Parent. id: mod_ssl's certificate id; pem: its certificate (chain).
  // True if the module staples for it. The live leaves are read from store
  // once, at the first prime (looking every live set up per prime was
  // O(N^2)); a primed leaf is matched by its DER digest, with no parse
  // (staple/leaf_index.h).
  bool prime(const Store& store, const std::vector<ManagedCert>& certs, const std::string& id,
             const std::string& pem);

  enum class Answer {
    kNotOurs,     // never primed as ours: mod_ssl's business
    kNoResponse,  // ours, but no response (yet) for this very leaf
    kResponse,    // *der is the DER response to staple
  };
  // Workers, in the handshake: shared memory only. Only a response for the
  // primed leaf: after a renewal the entry may still hold the predecessor's
  // until the watchdog has fetched a new one.
  Answer response(const std::string& id, const OcspTable& table, std::string* der) const;

 private:
  bool leaves_read_ = false;
  LeafIndex live_leaves_;  // each live leaf, read without decoding its key
  // mod_ssl's certificate id -> (cert name, leaf serial in hex)
  std::map<std::string, std::pair<std::string, std::string>> ids_;
};

}  // namespace acme
