#!/usr/bin/env bash
# The demo: installs what is missing, builds, then runs a local pebble CA and a
# real httpd with ACMEDomain until a certificate is served and verified.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/deps.sh" test
DEPS=test "$top/scripts/build.sh"
exec /usr/bin/python3 "$top/scripts/demo.py" "$top/build/mod_acme.so"
