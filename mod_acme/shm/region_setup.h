// How a shared-memory table gets its region at startup, whatever allocates
// it (httpd/startup.cc: an APR segment kept in the process pool, so it
// survives graceful restarts: answers published before a restart are still
// served after it). Formatted once, before the first children fork;
// attached afterwards. A region that no longer attaches (a module of
// another layout version after an upgrade, or a header the child user
// scribbled on: children map it writable) is replaced by a fresh one, with
// a warning, rather than failing the restart: the old generation keeps its
// own mapping until it exits, and what the old region held (answers in
// flight, staged-set counters) is published again by the next watchdog.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "base/log.h"
#include "base/status.h"

namespace acme {

struct Region {
  void* base;
  std::size_t size;
};

// make(size): a fresh region of size bytes, kept for the next generation.
using MakeRegion = std::function<Result<Region>(std::size_t size)>;

// Table over existing (the previous generation's region) if it attaches,
// else formatted with slots in a region make() returns.
template <class Table, class... Slots>
Result<Table> attach_or_format(std::optional<Region> existing, const MakeRegion& make, LogSink& log,
                               Slots... slots) {
  if (existing) {
    Result<Table> attached = Table::attach(existing->base, existing->size);
    if (attached.ok()) return attached;
    log.log(LogLevel::kWarn, kMsgConfig,
            attached.status().message() + ": a fresh region replaces it for this generation");
  }
  const std::size_t size = Table::region_size(slots...);
  Result<Region> fresh = make(size);
  if (!fresh.ok()) return fresh.status();
  return Table::format(fresh->base, size, slots...);
}

}  // namespace acme
