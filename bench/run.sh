#!/usr/bin/env bash
# Runs mod_acme's benchmarks and prints their summary (see bench/RESULTS.md).
#   bench/http01_vs_static.py  http-01 answers vs a static file of the same bytes
#   bench/overhead.py          a normal page with mod_acme loaded vs not loaded
#   bench/issuance.py          httpd start -> certificates served, for 1, 20, 100 names
#   bench/vs_mod_md.py         the same work with Debian's mod_md: issue, 1,000-name start,
#                              http-01 answers, memory per child
#   bench/cluster.py           three nodes on etcd vs one node: start -> served on every node
#                              for 1, 100, 1,000 names; etcd requests and bytes per certificate
# Everything runs on 127.0.0.1; each benchmark is bounded (timeout) and stops
# what it started. Tunables: BENCH_DURATION (s, default 5), BENCH_CONNECTIONS
# (default 8), BENCH_ROUNDS (default 3), MOD_ACME_SO (default build/mod_acme.so).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
py=/usr/bin/python3   # the system python has the harness's packages

"$top/scripts/deps.sh" bench
"$top/scripts/build.sh"

summary=$(mktemp /tmp/mod_acme-bench-summary.XXXXXX)
trap 'rm -f "$summary"' EXIT

machine() {
  echo "machine: nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "httpd:   $(/usr/sbin/apache2 -v | sed -n 's/^Server version: *//p'), wrk $(dpkg-query -W -f='${Version}' wrk)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) $1"
}

machine "before" >>"$summary"
for b in http01_vs_static overhead issuance vs_mod_md; do
  echo
  echo "===== bench/$b.py"
  timeout --kill-after=30 1200 "$py" "$top/bench/$b.py" "$summary"
done
# The cluster benchmark bounds each variant itself (120 s + 1 s per name).
echo
echo "===== bench/cluster.py"
timeout --kill-after=30 3600 "$py" "$top/bench/cluster.py" "$summary"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) after" >>"$summary"

echo
echo "===== summary"
cat "$summary"
