"""What both benchmarks share: the integration harness, wrk, the A/B rounds
and the summary.

The harness (tests/integration/harness) is imported, not copied. Everything
listens on 127.0.0.1; every process is started through harness.procs and
stopped by pid when the workspace closes, even on Ctrl-C or SIGTERM.
"""
import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from harness import certs, ports, procs  # noqa: E402
from harness.pebble import ChallTestSrv, Pebble  # noqa: E402

WRK = "/usr/bin/wrk"
# Tunables (environment): short runs on a 2-core machine, interleaved A B A B A B.
DURATION = int(os.environ.get("BENCH_DURATION", "5"))      # seconds per wrk run
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))          # rounds of (A, B)
WARMUP = 1                                                 # seconds, not measured


def mod_acme_so():
    so = os.path.abspath(os.environ.get("MOD_ACME_SO", os.path.join(TOP, "build", "mod_acme.so")))
    if not os.path.isfile(so):
        sys.exit(f"{so}: no such file (scripts/build.sh builds it)")
    if not os.access(WRK, os.X_OK):
        sys.exit(f"{WRK} is missing (scripts/deps.sh bench installs it)")
    return so


def snapshot(so, base):
    """A private copy of the module: a rebuild of build/ during the run (the
    tree is shared) must not change what later rounds load."""
    copy = os.path.join(base, "mod_acme.so")
    shutil.copy2(so, copy)
    os.chmod(copy, 0o755)
    return copy


def _terminated(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def workspace(prefix):
    """A temp dir (0755: httpd's children traverse it); on exit, whatever
    happened, every process the harness started is stopped and the dir removed."""
    signal.signal(signal.SIGTERM, _terminated)
    base = tempfile.mkdtemp(prefix=prefix)
    try:
        os.chmod(base, 0o755)
        yield base
    finally:
        procs.stop_all()
        shutil.rmtree(base, ignore_errors=True)


def subdir(base, name):
    path = os.path.join(base, name)
    os.makedirs(path, mode=0o755)
    os.chmod(path, 0o755)
    return path


def wrk(url, host, duration=DURATION, headers=()):
    """One wrk run (1 thread, keep-alive unless the server closes):
    {"rps", "requests", "closed"}; closed is the share of requests after which
    the server closed the connection unannounced (no "Connection: close"): wrk
    counts each as a socket read error and reconnects. Non-2xx answers,
    connect errors or timeouts abort: they would measure something else."""
    argv = [WRK, "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "-H", f"Host: {host}"]
    for h in headers:
        argv += ["-H", h]
    r = subprocess.run(argv + [url], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=duration + 30)
    out = r.stdout + r.stderr
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    n = re.search(r"(\d+) requests in", out)
    if r.returncode != 0 or not m or not n:
        raise RuntimeError(f"wrk failed ({r.returncode}):\n{out}")
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    connect, read, write, timeout = map(int, errs.groups()) if errs else (0, 0, 0, 0)
    if "Non-2xx or 3xx responses" in out or connect or timeout:
        raise RuntimeError(f"wrk saw errors on {url}:\n{out}")
    requests = int(n.group(1))
    return {"rps": float(m.group(1)), "requests": requests,
            "closed": (read + write) / max(1, requests)}


def _cpu_seconds(pid, with_reaped=False):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])          # utime, stime
    if with_reaped:
        ticks += int(fields[13]) + int(fields[14])     # cutime, cstime: children it reaped
    return ticks / os.sysconf("SC_CLK_TCK")


def httpd_cpu(pid):
    """CPU seconds used so far by httpd (parent pid) and its processes."""
    return _cpu_seconds(pid, True) + sum(_cpu_seconds(p) for p in procs.descendants(pid))


def measure(httpd, url, host, headers=()):
    """wrk against a running httpd, plus "cpu_us": httpd's CPU time per request.
    CPU per request is much less disturbed than requests/s by other load on
    the machine (2 cores shared with wrk and whatever else runs)."""
    before = httpd_cpu(httpd.pid)
    result = wrk(url, host, headers=headers)
    result["cpu_us"] = (httpd_cpu(httpd.pid) - before) / max(1, result["requests"]) * 1e6
    return result


def interleave(*variants):
    """variants: (label, run) with run() -> measure()'s dict. Runs A B [C]
    A B [C] ... ROUNDS times; returns {label: [result of each round]}."""
    results = {label: [] for label, _ in variants}
    for i in range(ROUNDS):
        for label, run in variants:
            r = run()
            results[label].append(r)
            print(f"  round {i + 1}/{ROUNDS}  {label:<14} {r['rps']:9.0f} req/s"
                  f"   httpd CPU {r['cpu_us']:6.1f} us/req"
                  f"   unannounced closes {r['closed']:6.1%}", flush=True)
    return results


def _stats(xs):
    med = statistics.median(xs)
    return med, min(xs), max(xs), (max(xs) - min(xs)) / med * 100


def summarize(title, results, ratios, target):
    """Medians and spread of each variant, and for each (num, den) in ratios
    (the first is the benchmark's) the ratio of median req/s (higher is
    better) and of median httpd CPU per request (lower is better). Returns
    the printed text. "unannounced closes": share of requests (worst round)
    after which the server closed a keep-alive connection without saying
    "Connection: close"."""
    lines = [f"== {title}",
             f"   wrk -t1 -c{CONNECTIONS} -d{DURATION}s, {ROUNDS} interleaved rounds each;"
             " medians (min..max, spread = (max-min)/median)"]
    med = {}
    for label, runs in results.items():
        rps = _stats([r["rps"] for r in runs])
        cpu = _stats([r["cpu_us"] for r in runs])
        med[label] = rps[0], cpu[0]
        lines.append(f"   {label:<13} req/s {rps[0]:6.0f} ({rps[1]:.0f}..{rps[2]:.0f}, spread"
                     f" {rps[3]:2.0f}%)   httpd CPU/req {cpu[0]:5.1f} us (spread {cpu[3]:2.0f}%)"
                     f"   unannounced closes {max(r['closed'] for r in runs):4.0%}")
    for i, (num, den) in enumerate(ratios):
        per_round = [n["rps"] / d["rps"] for n, d in zip(results[num], results[den])]
        goal = f" (target >= {target})" if i == 0 else ""
        lines.append(f"   {num}/{den}: req/s ratio {med[num][0] / med[den][0]:.3f}{goal}"
                     f", per round {' '.join(f'{x:.3f}' for x in per_round)};"
                     f" CPU/req ratio {med[num][1] / med[den][1]:.3f}")
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    return text


def run_main(run, prefix):
    """Runs run(mod_acme_so, workdir) in a fresh workspace; its summary text is
    appended to the file named by argv[1] (bench/run.sh collects them)."""
    so = mod_acme_so()
    with workspace(prefix) as base:
        text = run(so, base)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "a") as f:
            f.write(text)
    return 0


def pebble_stack(base):
    """pebble-challtestsrv (DNS) and pebble on 127.0.0.1, validating at two
    fresh httpd ports. Returns (ca, http_port, https_port)."""
    listener = certs.make_listener_certs(subdir(base, "listener"))
    http_port, https_port = ports.free_ports(2)
    dns = ChallTestSrv(subdir(base, "dns")).start()
    ca = Pebble(subdir(base, "pebble"), listener, dns.dns_port, http_port, https_port).start()
    return ca, http_port, https_port


class PebbleStall:
    """Tells a run stopped by pebble from one stopped by the module. Call
    check(progress) in a wait loop with a number that grows while work gets
    done; after `quiet` s without growth it asks pebble's store
    (Pebble.store_answers). A wedged store ends the run: the goroutine dump
    goes to dump_dir and check() returns the reason; else None."""

    def __init__(self, ca, dump_dir, quiet=30):
        self.ca, self.dump_dir, self.quiet = ca, dump_dir, quiet
        self.progress, self.since = -1, time.monotonic()

    def check(self, progress):
        now = time.monotonic()
        if progress != self.progress:
            self.progress, self.since = progress, now
            return None
        if now - self.since < self.quiet:
            return None
        if self.ca.store_answers():
            self.since = now   # it answered: ask again after another quiet spell
            return None
        os.makedirs(self.dump_dir, exist_ok=True)
        dump = os.path.join(self.dump_dir, "pebble-goroutines.log")
        self.ca.dump_goroutines(dump)
        return (f"pebble's store stopped answering (no progress for {self.quiet} s and its "
                f"management API's store read timed out): pebble 2.4.0's MemoryStore lock "
                f"deadlock, not the module; goroutine dump in {dump}")
