"""ACMENotifyCommand: the admin's program is run as `PROGRAM NAME EVENT`:
`renewed` when the watchdog has a new verified certificate, `installed`
when the parent made it live, `revoked` after `acmectl revoke`, `errored`
when an attempt failed, and `expiring` when one fails with less than a week
left.

The program is a shell script in the test's temp dir that appends "$1 $2"
to a file, and "$(id -u) $1 $2" to another: every event is sent by the
watchdog, as the child user (www-data), never by the root parent (the files
are world-writable so that a run as root would be recorded, not refused).

One httpd with pebble (module scope) for the events of a working CA; the
failing CAs get httpds of their own.
"""
import os
import pwd
import time

import pytest

from harness import acmectl, ports
from harness.httpd import VHost, on_own_ports
from harness.pebble import Pebble

SCRIPT = """#!/bin/sh
echo "$(id -u) $1 $2" >> {uids}
echo "$1 $2" >> {events}
"""


def make_notify(session):
    """(script path, function returning the lines written so far)."""
    d = session.mkdir("notify")
    events = os.path.join(d, "events.log")
    uids = os.path.join(d, "uids.log")
    for path in (events, uids):
        with open(path, "w"):
            pass
        os.chmod(path, 0o666)
    script = os.path.join(d, "notify.sh")
    with open(script, "w") as f:
        f.write(SCRIPT.format(events=events, uids=uids))
    os.chmod(script, 0o755)

    def lines():
        with open(events) as f:
            return f.read().splitlines()
    return script, lines


def wait_for_lines(lines, wanted, h, timeout=30, after=0):
    """Wait until every line of wanted was written (after the first `after` lines)."""
    deadline = time.monotonic() + timeout
    while not all(w in lines()[after:] for w in wanted):
        h.assert_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"notify lines {lines()} lack {wanted} after {timeout}s:\n"
                                 f"{h.log_tail()}")
        time.sleep(0.1)
    return lines()[after:]


@pytest.fixture(scope="module")
def notified(session, pebble):
    """(httpd, ServedChain, lines): a.test issued by pebble with a notify script."""
    script, lines = make_notify(session)
    h = session.new_httpd(pebble, acme={"ACMENotifyCommand": script})
    try:
        h.start()
        yield h, h.wait_for_cert("a.test"), lines
    finally:
        session.release(h)


def test_440_01_renewed_then_installed(notified):
    h, _, lines = notified
    got = wait_for_lines(lines, ["a.test renewed", "a.test installed"], h)
    assert got.index("a.test renewed") < got.index("a.test installed"), got
    assert "a.test errored" not in got, got
    h.wait_for_log(r"ACME10090[^\n]*installed[^\n]*a\.test", timeout=5)


def uid_lines(h):
    """The "uid name event" lines the notify script of httpd h wrote."""
    with open(os.path.join(os.path.dirname(h.acme_overrides["ACMENotifyCommand"]),
                           "uids.log")) as f:
        return f.read().splitlines()


def test_440_05_never_run_as_root(notified):
    """Every event, `installed` too (once sent by the root parent during the
    restart), is run by the watchdog as the child user."""
    h, _, lines = notified
    assert os.geteuid() == 0, "runs httpd as root to show its hooks do not run as root"
    child_uid = pwd.getpwnam("www-data").pw_uid
    wait_for_lines(lines, ["a.test renewed", "a.test installed"], h)
    got = uid_lines(h)
    assert got, "the notify program recorded nothing"
    assert {line.split()[0] for line in got} == {str(child_uid)}, got
    assert f"{child_uid} a.test installed" in got, got


def test_440_02_revoked(notified):
    h, first, lines = notified
    wait_for_lines(lines, ["a.test installed"], h)
    before = len(lines())
    r = acmectl.run("--store", h.store_dir, "revoke", "a.test", "superseded")
    assert r.returncode == 0, r
    h.wait_for_cert("a.test", timeout=40, not_serial=first.leaf.serial)
    got = wait_for_lines(lines, ["a.test revoked", "a.test renewed", "a.test installed"], h,
                         after=before)
    assert got.index("a.test revoked") < got.index("a.test renewed") < \
        got.index("a.test installed"), got


def test_440_03_errored(session):
    # A CA that refuses every order (newOrder -> 429 rateLimited).
    script, lines = make_notify(session)
    double = session.new_double("reject")
    h = on_own_ports(session, double, vhosts=[VHost.managed("a.test")],
                     acme={"ACMENotifyCommand": script})
    try:
        h.start()
        got = wait_for_lines(lines, ["a.test errored"], h)
        assert not {"a.test renewed", "a.test installed", "a.test expiring"} & set(got), got
        h.wait_for_log(r"ACME10090[^\n]*errored[^\n]*a\.test", timeout=5)
    finally:
        session.release(h)
        double.stop()


def test_440_04_expiring(session):
    # A 10 s certificate renewed at half its life by a CA that is gone by
    # then: each failed attempt has less than a week left. Its own pebble
    # validates its own ports, beside the module's httpd.
    script, lines = make_notify(session)
    own = ports.free_ports(2)
    ca = Pebble(session.mkdir("pebble"), session.listener, session.challtestsrv().dns_port,
                *own, validity=10)
    session.active.append(ca)
    h = on_own_ports(session, ca, own_ports=own,
                     acme={"ACMENotifyCommand": script, "ACMERenewWindow": "50%"})
    try:
        ca.start()
        h.start()
        h.wait_for_cert("a.test", timeout=30)
        session.release(ca)
        got = wait_for_lines(lines, ["a.test errored", "a.test expiring"], h, timeout=60)
        assert got.index("a.test installed") < got.index("a.test errored") < \
            got.index("a.test expiring"), got
    finally:
        session.release(h)
        session.release(ca)
