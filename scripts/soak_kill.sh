#!/usr/bin/env bash
# The long kill -9 run of issue 7: the watchdog child killed 100 times at
# random points while it orders 20 certificates (tests/integration/test_630_kill.py;
# the test command runs a short version). Usage: scripts/soak_kill.sh [KILLS] [NAMES]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
DEPS=test "$top/scripts/build.sh"
export MOD_ACME_SO="$top/build/mod_acme.so" ACMECTL="$top/build/acmectl"
export MOD_ACME_KILLS="${1:-100}" MOD_ACME_KILL_NAMES="${2:-20}"
exec /usr/bin/python3 -m pytest -q -ra "$top/tests/integration/test_630_kill.py"
