#!/usr/bin/env bash
# The long load run of issue 7: wrk on HTTPS pages and the http-01 endpoint
# while the module activates 20 renewals (tests/integration/test_640_load.py;
# the test command runs a short version). Usage: scripts/soak_load.sh [RENEWALS]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
DEPS=test "$top/scripts/build.sh"
export MOD_ACME_SO="$top/build/mod_acme.so" ACMECTL="$top/build/acmectl"
export MOD_ACME_LOAD_RENEWALS="${1:-20}"
exec /usr/bin/python3 -m pytest -q -s -ra "$top/tests/integration/test_640_load.py"
