// OcspTable: OCSP responses in shared memory, written by the watchdog
// (single writer) and read by every worker in the TLS handshake (stapling)
// without locks or disk. Same sequence-lock scheme as ChallengeTable.
// Nothing in it is OCSP-specific (name -> up to 6 KiB of bytes): a second
// instance, in a region of its own, holds the tls-alpn-01 challenge
// certificates (solve/tls_alpn01_responder.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/status.h"

namespace acme {

class OcspTable {
 public:
  static constexpr std::size_t kNameMax = 255;  // certificate name
  static constexpr std::size_t kDerMax = 6144;  // an OCSP response is ~0.5-3 KiB

  OcspTable() = default;  // detached until format() or attach()

  static std::size_t region_size(std::size_t slots);
  static Result<OcspTable> format(void* memory, std::size_t size, std::size_t slots);
  static Result<OcspTable> attach(void* memory, std::size_t size);

  // Writer side (the watchdog).
  Status put(const std::string& name, const std::string& der);
  void remove(const std::string& name);
  void clear();  // every entry (the watchdog starts afresh)

  // Reader side (workers): the response stapled for name, if any.
  bool get(const std::string& name, std::string* der) const;
  std::size_t capacity() const;

  struct Header;  // layout, defined in the .cc
  struct Slot;

 private:
  explicit OcspTable(Header* header) : header_(header) {}
  Slot* slot(std::size_t i) const;

  Header* header_ = nullptr;
};

}  // namespace acme
