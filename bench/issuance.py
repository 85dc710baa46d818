#!/usr/bin/python3
"""Time to issue: from httpd start to every certificate live, for 1, 20,
100 and 1,000 names, against a local pebble.

One pebble (PEBBLE_VA_NOSLEEP=1: no random validation delay; nonce
rejection and authorization reuse off, as in the integration tests) serves
every size. For N names, a fresh httpd with an empty store has N TLS vhosts,
each with `ACMEDomain nI.test`: N certificates, N orders, N http-01
validations, at most ACMEMaxParallel (default 64) orders in flight, their
requests in flight together on one curl multi handle.
The module's own defaults otherwise (ACMECheckInterval, ACMERetryDelay).
Times are counted from the moment `apache2` is started:

  first staged  the watchdog staged the first certificate  (ACME10030)
  all staged    ... the N-th one
  all live      the parent activated the N-th one in a graceful restart
                (ACME10032); activation waits for httpd's monitor hook,
                which the MPM runs about every 10 s
  served        a TLS client is served pebble's certificate for the name
                activated last
  CA requests   requests pebble logged from the start until all staged,
                and per certificate (newNonce, directory and account
                requests included)

Afterwards every name is checked with `openssl s_client` (a chain that
verifies against pebble's root, leaf issued by pebble); a size that does
not finish within its bound (60 s + 2 s per name) aborts the benchmark.

Usage: bench/issuance.py [SUMMARY_FILE]
Environment: MOD_ACME_SO (default build/mod_acme.so), BENCH_ISSUANCE_SIZES
(default "1,20,100,1000").
"""
import os
import re
import sys
import time

import benchlib
from benchlib import subdir
from harness import client
from harness.httpd import Httpd, VHost

SIZES = [int(n) for n in os.environ.get("BENCH_ISSUANCE_SIZES", "1,20,100,1000").split(",")]
STAGED_RE = re.compile(r"ACME10030: new certificate for (\S+) obtained and verified")
LIVE_RE = re.compile(r"ACME10032: certificate for (\S+) activated")
RESTART_RE = re.compile(r"ACME10033: ")
CA_REQUEST_RE = re.compile(r"\b(?:GET|POST|HEAD) \S+ -> calling handler\(\)")  # pebble's log


def module_so():
    so = os.path.abspath(os.environ.get("MOD_ACME_SO",
                                        os.path.join(benchlib.TOP, "build", "mod_acme.so")))
    if not os.path.isfile(so):
        sys.exit(f"{so}: no such file (scripts/build.sh builds it)")
    return so


def served(httpd, ca, name):
    chain = client.served_chain(httpd.https_port, name, cafile=ca.trust_anchor_file)
    return chain.verified and ca.issued_by_me(chain.chain[0])


def ca_requests(ca, since):
    """Requests pebble logged after character offset since."""
    return len(CA_REQUEST_RE.findall(ca.log_text()[since:]))


def watch(httpd, ca, names, t0, bound):
    """Polls the error log until every name is live and served; the times."""
    t = {}
    log_start = len(ca.log_text())
    staged, live = {}, {}
    deadline = t0 + bound
    while "served" not in t:
        now = time.monotonic()
        text = httpd.error_log_text()
        for regex, seen in ((STAGED_RE, staged), (LIVE_RE, live)):
            for m in regex.finditer(text):
                seen.setdefault(m.group(1), now - t0)
        if staged and "first staged" not in t:
            t["first staged"] = min(staged.values())
        if len(staged) >= len(names) and "all staged" not in t:
            t["all staged"] = now - t0
            t["requests"] = ca_requests(ca, log_start)
        if len(live) >= len(names) and "all live" not in t:
            t["all live"] = now - t0
        if "all live" in t and served(httpd, ca, max(live, key=live.get)):
            t["served"] = time.monotonic() - t0
        httpd.assert_alive()
        if time.monotonic() > deadline:
            sys.exit(f"abort: {len(names)} names: after {bound} s {len(staged)} staged, "
                     f"{len(live)} live:\n{httpd.log_tail(30)}")
        time.sleep(0.05)
    t["restarts"] = len(RESTART_RE.findall(httpd.error_log_text()))
    return t


def one_size(so, base, ca, http_port, https_port, n):
    names = [f"n{i}.test" for i in range(n)]
    httpd = Httpd(subdir(base, f"httpd-{n}"), http_port, https_port, so, ca=ca,
                  vhosts=[VHost.managed(name) for name in names], log_level="info ssl:warn",
                  acme={"ACMECheckInterval": None, "ACMERetryDelay": None})
    t0 = time.monotonic()
    httpd.start(timeout=60)
    try:
        t = watch(httpd, ca, names, t0, 60 + (2 * n if n <= 100 else n // 2))
        bad = [name for name in names if not served(httpd, ca, name)]
        if bad:
            sys.exit(f"abort: {n} names: not served a verified certificate: {bad[:5]}")
    finally:
        keep = os.environ.get("BENCH_ISSUANCE_KEEP_LOG")
        if keep:
            with open(f"{keep}.{n}", "w") as f:
                f.write(httpd.error_log_text())
        httpd.stop()
        httpd.remove()
    print(f"  {n:4d} names: first staged {t['first staged']:6.2f} s, all staged "
          f"{t['all staged']:6.2f} s, all live {t['all live']:6.2f} s, served "
          f"{t['served']:6.2f} s ({t['restarts']} graceful restarts, {t['requests']} requests to "
          f"the CA until all staged, {t['requests'] / n:.1f} per certificate); all {n} served",
          flush=True)
    return t


def summary(results):
    lines = ["== time to issue: httpd start -> certificates live "
             "(pebble, PEBBLE_VA_NOSLEEP=1, empty store, one ACMEDomain vhost per name)",
             "   names  first staged  all staged  all live   served  restarts  CA requests"
             "  per cert"]
    for n, t in results.items():
        lines.append(f"   {n:5d}  {t['first staged']:10.2f} s {t['all staged']:9.2f} s "
                     f"{t['all live']:7.2f} s {t['served']:7.2f} s {t['restarts']:6d} "
                     f"{t['requests']:11d}  {t['requests'] / n:8.1f}")
    sizes = sorted(results)
    lo, hi = sizes[0], sizes[-1]
    if hi > lo:
        for key in ("all staged", "all live"):
            a, b = results[lo][key], results[hi][key]
            extra = (b - a) / (hi - lo) * 1000
            lines.append(f"   {key}: t{hi}/t{lo} = {b / a:.1f}; per extra name "
                         f"({key} t{hi} - t{lo}) / {hi - lo} = {extra:.0f} ms; "
                         f"per name at {hi}: {b / hi * 1000:.0f} ms")
    lines.append("   (mod_md 2.6.10 on this hardware, same pebble: 1.23 s to a staged certificate "
                 "for 1 name, 149 s to start with 1,000 names)")
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    return text + "\n"


def run(so, base):
    so = benchlib.snapshot(so, base)
    ca, http_port, https_port = benchlib.pebble_stack(base)
    print(f"pebble on 127.0.0.1:{ca.port}; httpd ports {http_port}/{https_port}; sizes {SIZES}")
    results = {n: one_size(so, base, ca, http_port, https_port, n) for n in SIZES}
    return summary(results)


def main():
    so = module_so()
    with benchlib.workspace("mod_acme-bench-issuance-") as base:
        text = run(so, base)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "a") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
