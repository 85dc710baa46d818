#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit + integration) through ctest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
DEPS=test "$top/scripts/build.sh"
cd "$top/build"
ctest --output-on-failure "$@"
