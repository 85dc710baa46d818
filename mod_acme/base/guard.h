// run_guarded: the one exception guard of every C entry point (STYLE.md):
// runs body; any exception is logged and turned into fallback, so none
// crosses into the caller's C frames.
#pragma once

#include <exception>
#include <string>
#include <utility>

#include "base/log.h"

namespace acme {

template <class F>
auto run_guarded(LogSink& log, decltype(std::declval<F>()()) fallback, F&& body) noexcept {
  try {
    return body();
  } catch (const std::exception& e) {
    log.log(LogLevel::kError, kMsgGeneric, std::string("internal error: ") + e.what());
  } catch (...) {
    log.log(LogLevel::kError, kMsgGeneric, "internal error (unknown exception)");
  }
  return fallback;
}

}  // namespace acme
