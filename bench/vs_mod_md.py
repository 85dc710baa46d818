#!/usr/bin/python3
"""mod_acme against Debian's own mod_md: the same work, in the same run.

Four measurements, each with both modules on the same machine, the same
pebble and the same httpd (Debian's apache2 and its mod_md.so):

  issue      from `apache2` start until a TLS client is served pebble's
             certificate, for 1 name (BENCH_VS_RUNS_ONE runs, median) and
             for 20 names in 20 vhosts. mod_acme activates by itself;
             mod_md logs AH10059 ("... activated on next (graceful) server
             restart") per domain and waits for the admin: here the admin's
             graceful restart (SIGUSR1) follows the last AH10059 at once,
             and the time counts it.
  start      httpd start with BENCH_VS_MANY (default 1,000) TLS vhosts, one
             name each, empty stores, the CA a closed port: `without` (no
             ACME module, a certificate file per vhost), mod_acme
             (ACMEDomain per vhost) and mod_md (MDomain per name); until a
             TLS handshake for the last name succeeds. Both modules start
             every vhost on a self-signed fallback they make.
  answers    http-01 answers with wrk: mod_acme from shared memory (the ACME
             test double holds a.test's authorization pending, so the token
             stays published) and mod_md from its store (a.test's
             challenges/a.test/acme-http-01.txt, what mod_md writes for an
             order, planted here with the same bytes); req/s and httpd CPU
             per request, interleaved rounds.
  memory     per child after the start above and 20 handshakes (USS =
             Private_Clean + Private_Dirty of smaps_rollup): the largest
             worker; mod_acme's watchdog child (ACME10070) on its own.

Keys: both modules make P-256 keys (mod_acme's default; `MDPrivateKeys
secp256r1` for mod_md, whose default RSA 2048 would cost it more).
mod_md uses http-01 only (`MDCAChallenges http-01`), as mod_acme does here.

Usage: bench/vs_mod_md.py [SUMMARY_FILE]
Environment: MOD_ACME_SO (default build/mod_acme.so), BENCH_VS_RUNS_ONE
(default 3), BENCH_VS_MANY (default 1000), BENCH_DURATION/CONNECTIONS/ROUNDS
(wrk, see benchlib.py).
"""
import os
import re
import statistics
import sys
import time

import benchlib
import startup
from acme_double import AcmeDouble
from benchlib import subdir
from harness import certs, client, ports
from harness.httpd import Httpd, VHost

MOD_MD_SO = "/usr/lib/apache2/modules/mod_md.so"
RUNS_ONE = int(os.environ.get("BENCH_VS_RUNS_ONE", "3"))
MANY = int(os.environ.get("BENCH_VS_MANY", "1000"))
MD_READY_RE = re.compile(r"AH10059: The Managed Domain (\S+) has been setup")
RESTART_RE = re.compile(r"AH00493: SIGUSR1 received")
CHALLENGE = "/.well-known/acme-challenge/"


def md_globals(ca_url, ca_file, names, http_port, https_port):
    lines = [f"LoadModule md_module {MOD_MD_SO}",
             f"MDCertificateAuthority {ca_url}",
             "MDCertificateAgreement accepted",
             "MDContactEmail admin@example.org",
             "MDStoreDir md",
             f"MDPortMap http:{http_port} https:{https_port}",
             "MDCAChallenges http-01",
             "MDPrivateKeys secp256r1"]
    if ca_file:
        lines.append(f"MDCACertificateFile {ca_file}")
    return "\n".join(lines + [f"MDomain {n}" for n in names])


def make_httpd(kind, work, ports_, so, names, ca=None, ca_url=None):
    """kind: acme, md or without (whose vhosts need a certificate each:
    startup.write_plain's files under work/../plain)."""
    http_port, https_port = ports_
    if kind == "acme":
        acme = {"ACMECheckInterval": None, "ACMERetryDelay": None}
        if ca is None:
            acme.update({"ACMECertificateAuthority": ca_url, "ACMECACertificateFile": None,
                         "ACMETrustAnchorFile": None})
        return Httpd(work, http_port, https_port, so, ca=ca, log_level="notice acme:notice",
                     vhosts=[VHost.managed(n) for n in names], acme=acme)
    if kind == "md":
        return Httpd(work, http_port, https_port, so, load_acme=False, log_level="notice",
                     vhosts=[VHost(n) for n in names],
                     global_extra=md_globals(ca.directory_url if ca else ca_url,
                                             ca.ca_file if ca else None, names, *ports_))
    plain = os.path.join(os.path.dirname(work), "plain")
    return Httpd(work, http_port, https_port, so, load_acme=False, log_level="notice",
                 vhosts=[VHost(n, extra=f"SSLCertificateFile {plain}/{n}.crt\n"
                                        f"SSLCertificateKeyFile {plain}/{n}.key")
                         for n in names])


def served(httpd, ca, name):
    chain = client.served_chain(httpd.https_port, name, cafile=ca.trust_anchor_file)
    return chain.verified and ca.issued_by_me(chain.chain[0])


def wait(what, pred, httpd, t0, bound):
    while not pred():
        httpd.assert_alive()
        if time.monotonic() - t0 > bound:
            sys.exit(f"abort: {what} after {bound} s:\n{httpd.log_tail(30)}")
        time.sleep(0.05)


def issue_once(kind, base, ca, ports_, so, n, run):
    names = [f"{kind}{run}-n{i}.test" for i in range(n)]
    httpd = make_httpd(kind, subdir(base, f"issue-{kind}-{n}-{run}"), ports_, so, names, ca=ca)
    bound = 60 + 3 * n
    t0 = time.monotonic()
    httpd.start(timeout=60)
    try:
        r = {"restarts by the admin": 0}
        if kind == "md":
            wait(f"mod_md: {n} domains set up", lambda: len(set(
                MD_READY_RE.findall(httpd.error_log_text())) & set(names)) >= n, httpd, t0, bound)
            r["ready"] = time.monotonic() - t0
            httpd.graceful()  # what mod_md asks of the admin
            r["restarts by the admin"] = 1
        pending = list(names)

        def all_served():  # in order, each checked until served, then never again
            while pending and served(httpd, ca, pending[0]):
                pending.pop(0)
            return not pending
        wait(f"{kind}: {n} names served", all_served, httpd, t0, bound)
        r["served"] = time.monotonic() - t0
        r["restarts"] = len(RESTART_RE.findall(httpd.error_log_text()))
    finally:
        httpd.stop()
        httpd.remove()
    print(f"  issue {kind:<4} {n:3d} name(s) run {run + 1}: served {r['served']:6.2f} s, "
          f"{r['restarts']} graceful restart(s), {r['restarts by the admin']} by the admin"
          + (f" (mod_md ready {r['ready']:.2f} s)" if "ready" in r else ""), flush=True)
    return r


def issue_section(base, so):
    ca, http_port, https_port = benchlib.pebble_stack(base)
    out = {}
    for n, runs in ((1, RUNS_ONE), (20, 1)):
        for kind in ("acme", "md"):
            results = [issue_once(kind, base, ca, (http_port, https_port), so, n, i)
                       for i in range(runs)]
            out[(kind, n)] = sorted(results, key=lambda r: r["served"])[(runs - 1) // 2]
    return out


def start_once(kind, base, ports_, so, names, closed_url):
    httpd = make_httpd(kind, subdir(base, f"start-{kind}"), ports_, so, names,
                       ca_url=closed_url.replace("http:", "https:") + "/dir")
    t0 = time.monotonic()
    httpd.start(timeout=900)
    try:
        wait(f"{kind}: TLS for {names[-1]}", lambda: startup.tls_answers(ports_[1], names[-1]),
             httpd, t0, 900)
        r = {"start": time.monotonic() - t0}
        for k in range(20):
            startup.tls_answers(ports_[1], names[k % len(names)])
        time.sleep(1)
        r["memory"] = startup.memory(httpd)
    finally:
        httpd.stop()
        httpd.remove()
    print(f"  start {kind:<8} {len(names)} vhosts: {r['start']:7.2f} s", flush=True)
    return r


def start_section(base, so):
    ports_ = ports.free_ports(2)
    closed_url = f"http://127.0.0.1:{ports.free_port()}"
    names = [f"n{i}.test" for i in range(MANY)]
    startup.N = MANY  # startup.make_sets names its certificates n0.test ...
    startup.write_plain(os.path.join(base, "plain"), startup.make_sets(base, closed_url))
    return {kind: start_once(kind, base, ports_, so, names, closed_url)
            for kind in ("without", "acme", "md")}


def answers_section(base, so):
    listener = certs.make_listener_certs(subdir(base, "listener-answers"))
    double = AcmeDouble(listener.cert_file, listener.key_file, listener.root_file,
                        mode="hold").start()
    acme_ports, md_ports = ports.free_ports(2), ports.free_ports(2)
    closed = f"https://127.0.0.1:{ports.free_port()}/dir"
    h_acme = make_httpd("acme", subdir(base, "answers-acme"), acme_ports, so, ["a.test"],
                        ca=double)
    h_md = make_httpd("md", subdir(base, "answers-md"), md_ports, so, ["a.test"], ca_url=closed)
    try:
        h_acme.start()
        h_md.start()
        token = double.wait_responded("a.test", timeout=60, alive=h_acme.assert_alive)
        expected = double.key_authorization(token)
        # What mod_md writes for an order: challenges/<domain>/acme-http-01.txt.
        d = h_md.server_root
        for part in ("md", "challenges", "a.test"):
            d = os.path.join(d, part)
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o755)  # the children read it
        with open(os.path.join(d, "acme-http-01.txt"), "w") as f:
            f.write(expected)
        path = CHALLENGE + token
        for h in (h_acme, h_md):
            r = client.http_get(h.http_port, path, "a.test")
            if r.status != 200 or r.text != expected:
                sys.exit(f"abort: {h.workdir}: {path} answered {r.status} {r.text[:80]!r}")

        def bench(h):
            url = f"http://127.0.0.1:{h.http_port}{path}"
            benchlib.wrk(url, "a.test", benchlib.WARMUP)
            return lambda: benchlib.measure(h, url, "a.test")
        results = benchlib.interleave(("mod_acme", bench(h_acme)), ("mod_md", bench(h_md)))
        return benchlib.summarize(f"http-01 answer for a.test ({len(expected)} B), mod_acme "
                                  "(shared memory) vs mod_md (its store, read per request)",
                                  results, [("mod_acme", "mod_md")], "1.0")
    finally:
        for h in (h_acme, h_md):
            h.stop()
        double.stop()


def summary(issued, started, answers):
    lines = ["== mod_acme vs mod_md 2.6.10 (Debian's apache2), the same pebble and httpd",
             "   issue: apache2 start -> served pebble's certificate (mod_md: + the admin's "
             "graceful restart after its AH10059)",
             "   names  mod_acme served  restarts   mod_md served  restarts (by the admin)"]
    for n in (1, 20):
        a, m = issued[("acme", n)], issued[("md", n)]
        lines.append(f"   {n:5d}  {a['served']:12.2f} s  {a['restarts']:8d}   {m['served']:10.2f} s"
                     f"  {m['restarts']:8d} ({m['restarts by the admin']})"
                     + (f"   median of {RUNS_ONE}" if n == 1 and RUNS_ONE > 1 else ""))
    w = started["without"]["start"]
    lines.append(f"   start with {MANY} TLS vhosts, empty store, CA unreachable: without "
                 f"{w:.2f} s, mod_acme {started['acme']['start']:.2f} s "
                 f"({started['acme']['start'] / w:.2f}x), mod_md {started['md']['start']:.2f} s "
                 f"({started['md']['start'] / w:.2f}x)")
    for kind, r in started.items():
        worker = max(r["memory"]["workers"], default=(0, 0))
        wd = r["memory"]["watchdog"]
        lines.append(f"   memory {kind:<8} largest worker USS {worker[0]:5.2f} MB RSS "
                     f"{worker[1]:5.1f} MB" + (f"; watchdog child USS {wd[0]:5.2f} MB RSS "
                                               f"{wd[1]:5.1f} MB" if wd else ""))
    text = "\n".join(lines) + "\n" + answers + "\n"
    print("\n" + text, flush=True)
    return text


def run(so, base):
    if not os.path.isfile(MOD_MD_SO):
        sys.exit(f"{MOD_MD_SO} is missing (Debian's apache2 ships it)")
    so = benchlib.snapshot(so, base)
    issued = issue_section(base, so)
    started = start_section(base, so)
    answers = answers_section(base, so)
    return summary(issued, started, answers)


def main():
    return benchlib.run_main(run, "mod_acme-bench-vs-mod_md-")


if __name__ == "__main__":
    sys.exit(main())
