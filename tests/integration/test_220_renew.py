"""Renewal: with a 10 s certificate and a 50 % renew window, the module gets
a new certificate and activates it itself (graceful restart from the parent's
activation thread), without anyone restarting httpd.
"""


def test_220_01_renews_and_activates(pebble_factory, httpd_factory):
    ca = pebble_factory(validity=10)
    h = httpd_factory(ca, acme={"ACMERenewWindow": "50%"}).start()
    parent = h.pid
    first = h.wait_for_cert("a.test", timeout=30)
    log_at_first = len(h.error_log_text())
    lifetime = (first.leaf.not_after - first.leaf.not_before).total_seconds()
    assert lifetime <= 11, f"pebble ignored certificateValidityPeriod: {lifetime}s"

    second = h.wait_for_cert("a.test", timeout=60, not_serial=first.leaf.serial)
    assert second.leaf.serial != first.leaf.serial
    assert sorted(second.leaf.sans) == ["a.test", "www.a.test"]
    assert h.is_running() and h.pid_file_pid() == parent, "httpd was restarted from outside"
    # The renewal's own activation line, not the first certificate's.
    h.wait_for_log(r"ACME10032[^\n]*a\.test", timeout=5, after=log_at_first)
