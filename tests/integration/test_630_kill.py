"""kill -9 of the watchdog child at random points (issue 7, item 9).

While the module orders certificates for several names, the watchdog child
is killed again and again (each time as soon as mod_watchdog has started its
successor). In the end: every certificate live, one account, no job left
behind, and no challenge answer still published.

httpd runs one child here: when it is killed, the parent starts the next
within about a second, and that child's watchdog takes the store at once.
With a second child, mod_watchdog's singleton passes to the sibling, which
waits 10 s after taking its mutex (wd_worker) before the watchdog starts:
that path is test_230_01's. The successor's work is the same either way
(httpd/watchdog.cc: the store lock, then the jobs on disk resume), and here
pebble's validation requests also wait for the next child to answer them.

The test command runs a short version; scripts/soak_kill.sh runs the long one
(MOD_ACME_KILLS=100 MOD_ACME_KILL_NAMES=20).
"""
import os
import random
import re
import signal
import time

from harness import procs
from harness.httpd import WATCHDOG_RE, VHost

KILLS = int(os.environ.get("MOD_ACME_KILLS", "8"))
NAMES = int(os.environ.get("MOD_ACME_KILL_NAMES", "5"))
# One child process, whose 10 threads all serve (event MPM).
ONE_CHILD = """
StartServers 1
ServerLimit 1
MaxRequestWorkers 10
MinSpareThreads 1
MaxSpareThreads 10
"""
VALIDATION_URL = re.compile(r"Attempting to validate w/ HTTP: (\S+)")


def wait_new_watchdog(h, old_pid, timeout=60):
    """Pid of the watchdog that followed old_pid (a child of this httpd)."""
    deadline = time.monotonic() + timeout
    while True:
        pids = [int(p) for p in WATCHDOG_RE.findall(h.error_log_text())]
        if pids and pids[-1] != old_pid and pids[-1] in procs.descendants(h.pid):
            return pids[-1]
        h.assert_alive()
        assert time.monotonic() < deadline, f"no new watchdog after killing {old_pid}"
        time.sleep(0.05)


def test_630_01_watchdog_killed_again_and_again(pebble_factory, httpd_factory):
    ca = pebble_factory()
    names = [f"k{i}.test" for i in range(NAMES)]
    h = httpd_factory(ca, vhosts=[VHost.managed(n) for n in names],
                      global_extra=ONE_CHILD).start()
    rng = random.Random(630)
    pid = wait_new_watchdog(h, None)
    kills = 0
    restarts = h.error_log_text().count("SIGUSR1 received")
    while kills < KILLS:
        time.sleep(rng.uniform(0.0, 0.4))   # a random point in the watchdog's work
        if pid not in procs.descendants(h.pid):
            # Gone by itself: only allowed when an activation restart came
            # meanwhile (the old watchdog hands over and exits). The next one.
            now = h.error_log_text().count("SIGUSR1 received")
            assert now > restarts, f"watchdog {pid} left httpd {h.pid} without a restart"
            restarts = now
            pid = wait_new_watchdog(h, pid)
            continue
        restarts = h.error_log_text().count("SIGUSR1 received")
        os.kill(pid, signal.SIGKILL)
        kills += 1
        pid = wait_new_watchdog(h, pid)
    for n in names:
        h.wait_for_cert(n, timeout=120)
    assert len(h.account_files()) == 1, h.account_files()
    # No job left behind once every certificate is live (.watchdog.lock is
    # the watchdog's store lock, not a job).
    deadline = time.monotonic() + 30
    while (jobs := [j for j in os.listdir(h.store_path("jobs")) if not j.startswith(".")]):
        if time.monotonic() >= deadline:
            detail = {j: {f: (open(h.store_path(f"jobs/{j}/{f}")).read()
                              if f.startswith("job.json") else "...")
                          for f in os.listdir(h.store_path(f"jobs/{j}"))}
                      for j in jobs}
            lines = [l for l in h.error_log_text().splitlines() if any(j in l for j in jobs)]
            raise AssertionError(f"jobs left in the store: {detail}\n" + "\n".join(lines[-40:]))
        time.sleep(0.25)
    # No stale challenge: every token pebble ever asked for is gone.
    urls = VALIDATION_URL.findall(ca.log_text())
    assert urls, "pebble validated nothing over http-01"
    for url in urls:
        host = url.split("/")[2].split(":")[0]
        path = "/" + url.split("/", 3)[3]
        r = h.http_get(path, host)
        assert r.status == 404, f"{url} still answered ({r.status}) after every order ended"
