"""Faults between the module and its CA (issue 7, item 9).

A fault proxy of our own (harness/fault_proxy.py, a test double) sits between
httpd and a real pebble. For each fault: a certificate is live, the admin asks
for a renewal while the CA side misbehaves; the module logs a typed error
naming the cause, httpd and its watchdog stay up with bounded memory, the
current certificate keeps serving, and the renewal succeeds once the fault
stops.
"""
import re

import pytest

from harness import acmectl
from harness.fault_proxy import FaultProxy

# What the module's ACME10022 line must say for each fault (the cause, typed).
CAUSES = {
    "refuse": r"[Cc]ouldn't connect|[Cc]onnection refused",
    "reset": r"[Cc]onnection reset|[Cc]ouldn't connect|SSL|TLS|[Ff]ailure when receiving",
    "reset_mid_body": r"[Cc]onnection reset|transfer closed|[Ff]ailure when receiving|"
                      r"partial file",
    "drip": r"[Tt]imeout|timed out",
    "5xx": r"HTTP 503",
    "truncated_json": r"JSON|json",
    "invalid_json": r"JSON|json",
    "wrong_content_type": r"JSON|json|Content-Type",
    "huge": r"larger than \d+ bytes",
    "http_directory": r"https",
}

# The watchdog child's resident memory stays below this (a leak or a body
# read into memory whole would show).
MAX_WATCHDOG_RSS_KB = 96 * 1024


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        m = re.search(r"^VmRSS:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


@pytest.fixture
def proxied(session, pebble, httpd_factory):
    proxy = FaultProxy(pebble, session.listener).start()
    try:
        h = httpd_factory(proxy).start()
        served = h.wait_for_cert("a.test", timeout=60)
        yield proxy, h, served
    finally:
        proxy.stop()


@pytest.mark.parametrize("mode", sorted(CAUSES))
def test_610_01_fault_then_recovery(proxied, mode):
    proxy, h, served = proxied
    old = served.leaf.serial
    proxy.set_fault(mode)
    if mode == "http_directory":
        # A watchdog reads its CA's directory once; the one started by a
        # graceful restart reads the changed one (the activation's watchdog
        # may already have read the good one before the fault was set).
        mark = len(h.error_log_text())
        h.graceful()
        h.wait_for_log(r"ACME10070: watchdog running in pid", after=mark, timeout=30)
    mark = len(h.error_log_text())
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    failed = h.wait_for_log(r"ACME10022: [^\n]*a\.test[^\n]*", after=mark, timeout=90)
    line = failed.group(0)
    assert re.search(CAUSES[mode], line), f"{mode}: the log line does not name the cause: {line}"
    h.assert_alive()
    now = h.served_chain("a.test")
    assert now.verified and now.leaf.serial == old, "the current certificate stopped serving"
    wd = h.watchdog_pid()
    assert wd is not None
    assert rss_kb(wd) < MAX_WATCHDOG_RSS_KB, f"watchdog RSS {rss_kb(wd)} kB under {mode}"
    if mode == "http_directory":
        assert proxy.plaintext == 0, "the module followed an http:// ACME URL"
    proxy.set_fault(None)
    renewed = h.wait_for_cert("a.test", timeout=90, not_serial=old)
    assert renewed.leaf.serial != old
    assert "Segmentation fault" not in h.error_log_text()
    assert "exit signal" not in h.error_log_text()


def test_610_02_a_dripping_ca_holds_no_tick(proxied):
    """Issue 7 item 5: a CA that answers one byte a second holds no watchdog
    tick. While the renewal's first request drips (libcurl gives up only after
    30 s), the watchdog goes on ticking: a second `acmectl renew` is picked up
    within its usual couple of seconds. A watchdog blocked in the request would
    see it only after the timeout."""
    proxy, h, served = proxied
    proxy.set_fault("drip")
    mark = len(h.error_log_text())
    assert acmectl.run("--store", h.store_dir, "renew", "a.test").returncode == 0
    first = h.wait_for_log(r"ACME10100: renewal of a\.test requested", after=mark, timeout=30)
    mark = first.end()
    assert acmectl.run("--store", h.store_dir, "renew", "a.test").returncode == 0
    h.wait_for_log(r"ACME10100: renewal of a\.test requested", after=mark, timeout=10)
    assert "ACME10022" not in h.error_log_text()[mark:], "the dripping request ended early"
    h.assert_alive()
    proxy.set_fault(None)
