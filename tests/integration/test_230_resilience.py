"""Resilience: a watchdog killed mid-order, a CA that rejects half the nonces."""
import os
import signal

from harness import procs


def test_230_01_watchdog_killed_mid_order(pebble, httpd_factory):
    h = httpd_factory(pebble).start()
    started = h.wait_for_log(r"ACME10020[^\n]*a\.test", timeout=30, interval=0.02)
    pid = h.watchdog_pid(before=started.start())
    assert pid is not None, "no 'ACME10070: watchdog running in pid N' before the order"
    # Only ever signal a process of the httpd this test started.
    assert pid in procs.descendants(h.pid), f"watchdog pid {pid} is not a child of {h.pid}"
    os.kill(pid, signal.SIGKILL)
    h.wait_for_cert("a.test", timeout=60)
    assert len(h.account_files()) == 1, h.account_files()


def test_230_02_half_the_nonces_rejected(pebble_factory, httpd_factory):
    ca = pebble_factory(env={"PEBBLE_WFE_NONCEREJECT": "50"})
    h = httpd_factory(ca).start()
    h.wait_for_cert("a.test", timeout=90)
    assert len(h.account_files()) == 1, h.account_files()
