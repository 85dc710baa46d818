#!/usr/bin/env bash
# Configures and builds mod_acme.so, the core library and the unit tests in build/,
# with warnings as errors (-DACME_WERROR=ON; off by default for packagers).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" "${DEPS:-build}"
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DACME_WERROR=ON >/dev/null
cmake --build "$top/build" -j"$(nproc)"
