#!/usr/bin/python3
"""Start, configtest and graceful restart with many names, and memory per child.

N (default 1,000) TLS vhosts nI.test, each its own name. Variants, each a
fresh httpd on the same ports:

  without     mod_acme not loaded; every vhost has its own certificate
              (SSLCertificateFile/KeyFile), signed by a test CA
  empty       mod_acme, one `ACMEDomain nI.test` per vhost, empty store, the
              CA unreachable (a closed port on 127.0.0.1): every vhost starts
              on a self-signed fallback the module makes
  filled      mod_acme as above, the store already holding a live set per
              name (archive/<name>/1/{fullchain,cert,chain,privkey}.pem and
              live/<name> -> ../archive/<name>/1, the layout the module writes),
              the same certificates `without` uses; they name an OCSP
              responder (unreachable), so mod_ssl's stapling prime runs for
              each of them

Measured for each:
  configtest  `apache2 -t`
  start       from starting `apache2` until a TLS handshake for the last
              name (SNI nN-1.test) succeeds
  graceful    SIGUSR1 to the parent until httpd logs "resuming normal
              operations" for the new generation
  memory      after the start and 20 handshakes: per child, USS (Private_Clean
              + Private_Dirty of /proc/PID/smaps_rollup) and RSS; with the
              module, the child that runs the watchdog (ACME10070) is reported
              on its own, the others are "workers"

Ratios are against the same run's `without`. Every process is started by the
integration harness and stopped by pid; only 127.0.0.1 is used.

Usage: bench/startup.py [SUMMARY_FILE]
Environment: MOD_ACME_SO (default build/mod_acme.so), BENCH_STARTUP_NAMES
(default 1000), BENCH_STARTUP_ROUNDS (default 1: runs of each variant, medians).
"""
import datetime
import os
import re
import socket
import ssl
import statistics
import sys
import time

import benchlib
from benchlib import subdir
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID
from harness import certs, ports, procs
from harness.httpd import Httpd, VHost

N = int(os.environ.get("BENCH_STARTUP_NAMES", "1000"))
ROUNDS = int(os.environ.get("BENCH_STARTUP_ROUNDS", "1"))
RESUMED_RE = re.compile(r"resuming normal operations")
WATCHDOG_RE = re.compile(r"ACME10070: watchdog running in pid (\d+)")


def names():
    return [f"n{i}.test" for i in range(N)]


def make_sets(base, closed_url):
    """One P-256 certificate per name, signed by a test CA, naming an OCSP
    responder that does not answer: {name: (cert_pem, chain_pem, key_pem)}."""
    ca_cert, ca_key = certs.make_ca("mod_acme startup bench CA")
    now = datetime.datetime.now(datetime.timezone.utc)
    chain = certs.pem(ca_cert)
    sets = {}
    for name in names():
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(ca_cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1))
                .not_valid_after(now + datetime.timedelta(days=90))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                    AuthorityInformationAccessOID.OCSP,
                    x509.UniformResourceIdentifier(closed_url))]), critical=False)
                .sign(ca_key, hashes.SHA256()))
        sets[name] = (certs.pem(cert), chain, certs._key_pem(key))
    return sets


def _write(path, data, mode):
    os.makedirs(os.path.dirname(path), mode=0o755, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def write_plain(directory, sets):
    """The `without` variant's files: <dir>/<name>.{crt,key}."""
    for name, (cert, chain, key) in sets.items():
        _write(os.path.join(directory, name + ".crt"), cert + chain, 0o644)
        _write(os.path.join(directory, name + ".key"), key, 0o600)


def fill_store(store, sets):
    """Live sets as the module writes them (store/layout.h)."""
    for d in ("", "live", "archive"):
        os.makedirs(os.path.join(store, d), mode=0o755, exist_ok=True)
        os.chmod(os.path.join(store, d), 0o755)
    for name, (cert, chain, key) in sets.items():
        arch = os.path.join(store, "archive", name, "1")
        _write(os.path.join(arch, "cert.pem"), cert, 0o644)
        _write(os.path.join(arch, "chain.pem"), chain, 0o644)
        _write(os.path.join(arch, "fullchain.pem"), cert + chain, 0o644)
        _write(os.path.join(arch, "privkey.pem"), key, 0o600)
        os.symlink(f"../archive/{name}/1", os.path.join(store, "live", name))


def tls_answers(port, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            with ctx.wrap_socket(sock, server_hostname=name):
                return True
    except OSError:
        return False


def uss_rss(pid):
    """(USS, RSS) in MB from /proc/PID/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":") and parts[1].isdigit():
                fields[parts[0][:-1]] = int(parts[1])
    return ((fields["Private_Clean"] + fields["Private_Dirty"]) / 1024, fields["Rss"] / 1024)


def memory(httpd):
    """{"workers": [(uss, rss)], "watchdog": (uss, rss) or None}."""
    wd = WATCHDOG_RE.findall(httpd.error_log_text())
    wd_pid = int(wd[-1]) if wd else None
    out = {"workers": [], "watchdog": None}
    for pid in procs.children(httpd.pid):
        try:
            m = uss_rss(pid)
        except (OSError, KeyError):
            continue
        if pid == wd_pid:
            out["watchdog"] = m
        else:
            out["workers"].append(m)
    return out


def one_run(base, ports_, variant, so, sets, closed_url, i):
    http_port, https_port = ports_
    work = subdir(base, f"{variant}-{i}")
    plain = os.path.join(base, "plain")
    if variant == "without":
        vhosts = [VHost(n, extra=f"SSLCertificateFile {plain}/{n}.crt\n"
                                 f"SSLCertificateKeyFile {plain}/{n}.key") for n in names()]
        httpd = Httpd(work, http_port, https_port, so, vhosts=vhosts, load_acme=False,
                      log_level="notice")
    else:
        httpd = Httpd(work, http_port, https_port, so, vhosts=[VHost.managed(n) for n in names()],
                      log_level="notice acme:notice ssl:warn",
                      acme={"ACMECertificateAuthority": closed_url.replace("http:", "https:") + "/dir",
                            "ACMECACertificateFile": None, "ACMETrustAnchorFile": None})
        if variant == "filled":
            fill_store(httpd.store_dir, sets)
    r = {}
    try:
        t = time.monotonic()
        rc, out = httpd.check()
        r["configtest"] = time.monotonic() - t
        if rc != 0:
            sys.exit(f"abort: {variant}: apache2 -t failed:\n{out}")
        last = names()[-1]
        t0 = time.monotonic()
        httpd.start(timeout=600)
        while not tls_answers(https_port, last):
            httpd.assert_alive()
            if time.monotonic() - t0 > 600:
                sys.exit(f"abort: {variant}: no TLS after 600 s:\n{httpd.log_tail(20)}")
            time.sleep(0.02)
        r["start"] = time.monotonic() - t0
        for k in range(20):
            tls_answers(https_port, names()[k % N])
        time.sleep(1)
        r["memory"] = memory(httpd)
        before = len(RESUMED_RE.findall(httpd.error_log_text()))
        t0 = time.monotonic()
        httpd.graceful()
        while len(RESUMED_RE.findall(httpd.error_log_text())) <= before:
            httpd.assert_alive()
            if time.monotonic() - t0 > 600:
                sys.exit(f"abort: {variant}: graceful restart not done after 600 s")
            time.sleep(0.02)
        r["graceful"] = time.monotonic() - t0
    finally:
        httpd.stop()
        httpd.remove()
    mem = r["memory"]
    worst = max(mem["workers"], default=(0, 0))
    wd = mem["watchdog"]
    print(f"  {variant:<8} round {i + 1}: configtest {r['configtest']:6.2f} s  start "
          f"{r['start']:6.2f} s  graceful {r['graceful']:6.2f} s  largest worker USS "
          f"{worst[0]:5.2f} MB RSS {worst[1]:5.1f} MB"
          + (f"  watchdog USS {wd[0]:5.2f} MB RSS {wd[1]:5.1f} MB" if wd else ""), flush=True)
    return r


def summary(results):
    med = {v: {k: statistics.median(r[k] for r in runs)
               for k in ("configtest", "start", "graceful")} for v, runs in results.items()}
    lines = [f"== start with {N} TLS vhosts (one name each): without mod_acme, with it on an "
             "empty store (CA unreachable), with it on a filled store; "
             f"{ROUNDS} round(s), medians",
             "   variant     configtest       start            graceful restart"]
    for v, m in med.items():
        b = med["without"]
        lines.append(f"   {v:<9} {m['configtest']:6.2f} s ({m['configtest'] / b['configtest']:4.2f}x)"
                     f" {m['start']:6.2f} s ({m['start'] / b['start']:4.2f}x)"
                     f" {m['graceful']:6.2f} s ({m['graceful'] / b['graceful']:4.2f}x)")
    # `without` itself drifts between rounds (2.6 to 4.2 s on this machine): a
    # round's own ratio compares starts made a minute apart; the ratio of the
    # medians may compare different rounds.
    for v, runs in results.items():
        if v == "without":
            continue
        ratios = [r["start"] / b["start"] for r, b in zip(runs, results["without"])]
        lines.append(f"   {v:<9} start / the same round's without: median "
                     f"{statistics.median(ratios):4.2f}x, rounds "
                     + " ".join(f"{x:4.2f}" for x in ratios))
    lines.append("   targets: start empty <= 1.5x without, filled <= 1.2x without")
    lines.append("== memory per child after start + 20 handshakes (MB; USS = Private_Clean + "
                 "Private_Dirty of smaps_rollup); largest of each kind over the rounds")
    base_uss = max(w[0] for r in results["without"] for w in r["memory"]["workers"])
    for v, runs in results.items():
        workers = [w for r in runs for w in r["memory"]["workers"]]
        wds = [r["memory"]["watchdog"] for r in runs if r["memory"]["watchdog"]]
        uss = max(w[0] for w in workers)
        rss = max(w[1] for w in workers)
        text = (f"   {v:<9} worker USS {uss:5.2f} (+{uss - base_uss:4.2f} vs without) "
                f"RSS {rss:5.1f}")
        if wds:
            text += (f"   watchdog child USS {max(w[0] for w in wds):5.2f} "
                     f"RSS {max(w[1] for w in wds):5.1f}")
        lines.append(text)
    lines.append("   target: a worker child at most 0.5 MB USS more than without the module")
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    return text + "\n"


def run(so, base):
    so = benchlib.snapshot(so, base)
    http_port, https_port = ports.free_ports(2)
    closed_url = f"http://127.0.0.1:{ports.free_port()}"
    t = time.monotonic()
    sets = make_sets(base, closed_url)
    write_plain(os.path.join(base, "plain"), sets)
    print(f"{N} certificates made in {time.monotonic() - t:.1f} s; httpd ports "
          f"{http_port}/{https_port}; CA and OCSP responder at {closed_url} (closed)", flush=True)
    results = {"without": [], "empty": [], "filled": []}
    for i in range(ROUNDS):
        for variant in results:
            results[variant].append(one_run(base, (http_port, https_port), variant, so, sets,
                                            closed_url, i))
    return summary(results)


def main():
    so = os.path.abspath(os.environ.get("MOD_ACME_SO",
                                        os.path.join(benchlib.TOP, "build", "mod_acme.so")))
    if not os.path.isfile(so):
        sys.exit(f"{so}: no such file (scripts/build.sh builds it)")
    with benchlib.workspace("mod_acme-bench-startup-") as base:
        text = run(so, base)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "a") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
