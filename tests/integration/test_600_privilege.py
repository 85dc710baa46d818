"""The privilege rule (DESIGN.md; issue 7 items 1 and 2): the root parent
never follows a path through a directory the child user can write, and
nothing the child does there stops httpd.

httpd starts as root and runs its children as www-data. A process running as
www-data (a compromised web application) swaps what it can under every
child-writable store directory for symbolic and hard links to root-owned
canaries outside the store, while the module promotes renewed certificates
and httpd restarts gracefully 20 times. Afterwards the canaries are byte for
byte, owner and mode as before, nothing appeared next to them, httpd is the
same process, and the vhost serves the CA's certificate.
"""
import grp
import json
import os
import pwd
import re
import sys
import time

from harness import canary as canaries, procs

ATTACKER = os.path.join(os.path.dirname(__file__), "harness", "child_attacker.py")
RESTARTED = re.compile(r"AH00489: .* -- resuming normal operations")
STAGED = re.compile(r"ACME10030: new certificate for a\.test")
ACTIVATED = re.compile(r"ACME10032: certificate for a\.test activated")


def _require_root():
    # Without root there is no privilege to take: this test must not pass vacuously.
    assert os.geteuid() == 0, "test_600 needs root (httpd as root, children as www-data)"
    pwd.getpwnam("www-data")


def _canaries(session):
    """Root-owned files outside the store: one the child may hard link (root:www-data
    0660, as fs.protected_hardlinks requires), one it may not (root:root 0644),
    and a directory holding files named like the store's."""
    top = session.mkdir("canary")
    www = grp.getgrnam("www-data").gr_gid
    files = {"secret": ("root secret\n", 0, 0o644), "linkable": ("linkable\n", www, 0o660)}
    os.makedirs(os.path.join(top, "dir"))
    for name in ("fullchain.pem", "privkey.pem", "job.json", "account.json"):
        files[os.path.join("dir", name)] = (f"canary {name}\n", 0, 0o644)
    for rel, (text, gid, mode) in files.items():
        path = os.path.join(top, rel)
        with open(path, "w") as f:
            f.write(text)
        os.chown(path, 0, gid)
        os.chmod(path, mode)
    return top


def _start_child(h, canary, seconds, writer=False):
    """The attacker (or writer) as www-data, bounded by seconds and count."""
    with open(ATTACKER) as f:
        code = f.read()  # by value: www-data may not traverse the source tree
    argv = ["setpriv", "--reuid=www-data", "--regid=www-data", "--clear-groups",
            sys.executable, "-c", code, h.store_dir, os.path.join(canary, "dir"),
            os.path.join(canary, "secret"), os.path.join(canary, "linkable"),
            str(seconds), "200000"] + (["writer"] if writer else [])
    log = os.path.join(h.workdir, "logs", "writer.log" if writer else "attacker.log")
    return procs.start(argv, log), log


def _stop_child(proc, log):
    procs.stop(proc)
    with open(log) as f:
        lines = [line for line in f.read().splitlines() if line.startswith("{")]
    assert lines, f"the child-user process printed no counts; its log:\n{open(log).read()}"
    return json.loads(lines[-1])


def _graceful_restarts(h, count, timeout=30, staged_wait=0):
    """count graceful restarts, each awaited until httpd resumes serving. With
    staged_wait, each restart first waits (up to that many seconds) for the
    watchdog to stage a renewal, so restarts promote sets."""
    parent = h.pid
    for _ in range(count):
        _wait_for_new(h, STAGED, staged_wait)
        done = len(RESTARTED.findall(h.error_log_text()))
        h.graceful()
        h.wait_for_log(RESTARTED.pattern, timeout=timeout,
                       after=_offset_after(h.error_log_text(), RESTARTED, done))
        h.assert_alive()
        assert h.pid_file_pid() == parent, "httpd was replaced, not restarted gracefully"


def _wait_for_new(h, regex, seconds):
    """Until regex matches after the last restart, or seconds pass (no error:
    the attack may well spoil a renewal; the test counts promotions at the end)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = h.error_log_text()
        last = list(RESTARTED.finditer(text))
        if regex.search(text, last[-1].end() if last else 0):
            return
        time.sleep(0.1)


def _offset_after(text, regex, n):
    """Offset just past the n-th match of regex in text (0: from the start)."""
    matches = list(regex.finditer(text))
    return matches[n - 1].end() if n else 0


def test_600_01_child_user_cannot_turn_root_against_other_files(
        session, pebble_factory, httpd_factory):
    _require_root()
    canary = _canaries(session)
    before = canaries.snapshot(canary)
    # Short certificates, renewed as soon as issued: sets stage all the time.
    ca = pebble_factory(validity=30)
    h = httpd_factory(ca, acme={"ACMERenewWindow": "95%", "ACMECheckInterval": "1s"}).start()
    h.wait_for_cert("a.test", timeout=30)
    attack_start = len(h.error_log_text())
    attacker, log = _start_child(h, canary, seconds=60)
    try:
        _graceful_restarts(h, 20, staged_wait=3)
    finally:
        # Checked even if httpd died meanwhile: that is what matters most.
        counts = _stop_child(attacker, log)
        changed = canaries.changes(before, canaries.snapshot(canary))
        assert not changed, f"root changed files outside the store: {changed}"
    for kind in ("hardlink", "symlink", "dirlink", "dir->symlink", "file->hardlink"):
        assert counts.get(kind, 0) > 0, f"the attack did not happen: {counts}"
    promoted = len(ACTIVATED.findall(h.error_log_text()[attack_start:]))
    assert promoted >= 3, f"fewer than 3 renewals promoted under attack: {counts}\n{h.log_tail()}"
    h.assert_alive()
    assert "AH00016" not in h.error_log_text(), "a configuration pass failed"
    h.wait_for_cert("a.test", timeout=30)


def test_600_02_graceful_restarts_while_jobs_write_never_stop_httpd(
        session, pebble_factory, httpd_factory):
    _require_root()
    canary = _canaries(session)
    ca = pebble_factory(validity=30)
    # From the first start on: the first order writes jobs/ too.
    h = httpd_factory(ca, acme={"ACMERenewWindow": "95%", "ACMECheckInterval": "1s"}).start()
    writer, log = _start_child(h, canary, seconds=60, writer=True)
    try:
        _graceful_restarts(h, 10)
    finally:
        counts = _stop_child(writer, log)
    assert counts.get("write", 0) > 100 and counts.get("remove", 0) > 10, counts
    h.assert_alive()
    h.wait_for_cert("a.test", timeout=30)
