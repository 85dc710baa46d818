#include "renew/generation.h"

namespace acme {

namespace {

constexpr std::size_t kChallengeSlots = 1024;

constexpr std::size_t kOcspSlots = 256;

// tls-alpn-01: one slot per name being validated at once (~6.4 KiB each).
constexpr std::size_t kAlpnSlots = 512;

template <class Table, class... Slots>
Status attach(Table* to, const RegionSource& regions, const char* key, LogSink& log,
              Slots... slots) {
  auto make = [&](std::size_t size) { return regions.make(key, size); };
  Result<Table> table = attach_or_format<Table>(regions.existing(key), make, log, slots...);
  if (table.ok()) *to = *table;
  return table.status();
}

}  // namespace

Status attach_shared_memory(Generation& g, const RegionSource& regions, LogSink& log) {
  ACME_RETURN_IF_ERROR(attach(&g.table, regions, "mod_acme_challenge_shm", log, kChallengeSlots));
  ACME_RETURN_IF_ERROR(attach(&g.ocsp_table, regions, "mod_acme_ocsp_shm", log, kOcspSlots));
  ACME_RETURN_IF_ERROR(attach(&g.alpn_table, regions, "mod_acme_alpn_shm", log, kAlpnSlots));
  ACME_RETURN_IF_ERROR(attach(&g.signal, regions, "mod_acme_signal_shm", log));
  g.seen_generation = g.signal.activation_generation();
  return Status();
}

}  // namespace acme
