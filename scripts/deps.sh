#!/usr/bin/env bash
# Installs the Debian 12 packages mod_acme needs that are missing.
# Usage: scripts/deps.sh [build|test|fuzz|package|bench|all]   (default: test)
# As root: `apt-get update` once, then `apt-get install -y` the missing ones.
set -euo pipefail

build=(apache2 apache2-dev libapr1-dev libaprutil1-dev libssl-dev libcurl4-openssl-dev
       libjansson-dev cpputest cmake g++ make pkg-config)
# python3-cryptography: the tests read certificates and build the ACME test double's keys.
# chromium: the status page is checked as rendered by a real browser (headless).
# python3-pytest-xdist: the integration tests run on three workers (tests/CMakeLists.txt).
# wrk: load during activations (tests/integration/test_640_load.py).
# prometheus: its promtool checks the metrics exposition (tests/integration/test_460_metrics.py).
# etcd-server: the cluster store's etcd (tests/integration/test_800_etcd_client.py).
# haproxy: the load balancer in front of the cluster tests' three httpd nodes
# (tests/integration/harness/haproxy.py, test_809/test_810).
test=(pebble python3 python3-pytest python3-pytest-xdist python3-cryptography openssl curl chromium
      wrk prometheus etcd-server haproxy)
bench=(wrk)
# clang and libFuzzer: the fuzz targets (scripts/fuzz.sh), run briefly by the test command.
fuzz=(clang-14 libfuzzer-14-dev)
# The Debian package (scripts/package.sh; dh_apache2 comes with apache2-dev), its lintian
# check, and man -l for the man pages' test.
package=(debhelper dpkg-dev fakeroot lintian man-db groff-base)

case "${1:-test}" in
  build) want=("${build[@]}") ;;
  test) want=("${build[@]}" "${test[@]}" "${fuzz[@]}" "${package[@]}") ;;
  fuzz) want=("${build[@]}" "${fuzz[@]}") ;;
  package) want=("${build[@]}" "${package[@]}") ;;
  bench) want=("${build[@]}" "${test[@]}" "${fuzz[@]}" "${package[@]}" "${bench[@]}") ;;
  all) want=("${build[@]}" "${test[@]}" "${fuzz[@]}" "${package[@]}" "${bench[@]}") ;;
  *) echo "usage: $0 [build|test|fuzz|package|bench|all]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "mod_acme: installing missing packages: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  echo "mod_acme: run as root (or install them yourself): apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
