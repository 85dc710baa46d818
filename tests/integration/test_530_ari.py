"""Renewal information (RFC 9773), Retry-After (RFC 8555 §6.6), profiles and
CA failover, seen from outside: what the CA (the scripted test double, as
pebble 2.4.0 has none of these; or pebble) was asked, what the error log
says, and the certificate a client is served.
"""
import datetime
import json
import math
import re
import time

from harness import ports
from harness.httpd import VHost

UTC = datetime.timezone.utc


def ari_record(h):
    """ari/a.test.json as the module last wrote it, or {}."""
    try:
        with open(h.store_path("ari", "a.test.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _at(unix):
    return datetime.datetime.fromtimestamp(unix, UTC)


def test_530_01_renews_inside_the_suggested_window_and_replaces(session, httpd_factory):
    """The first certificate gets a window opening 3 s after the module first
    asks (5 s wide); the renewal's newOrder comes inside it and names the
    certificate it replaces. Later certificates get a window weeks away."""
    first_poll = {}

    def window(index, leaf):
        if index == 0:
            start = first_poll.setdefault("at", math.ceil(time.time())) + 3
            return _at(start), _at(start + 5)
        issued = leaf.not_valid_before.replace(tzinfo=UTC)
        return issued + datetime.timedelta(days=20), issued + datetime.timedelta(days=25)

    d = session.new_double("issue", workdir=session.mkdir("double"),
                           http_port=session.http_port, renewal_info=window)
    try:
        h = httpd_factory(d).start()
        first = h.wait_for_cert("a.test", timeout=60)
        second = h.wait_for_cert("a.test", timeout=60, not_serial=first.leaf.serial)
        assert d.issued_by_me(second.chain[0]) and len(d.issued) == 2

        first_id = d.cert_id(d.issued[0])
        asked = [r for r in d.renewal_info_requests if r[1] == first_id]
        assert asked, f"renewalInfo never asked for {first_id}: {d.renewal_info_requests}"
        assert [o["replaces"] for o in d.new_orders] == [None, first_id], d.new_orders
        start = first_poll["at"] + 3
        ordered = d.new_orders[1]["time"]
        assert start <= ordered <= start + 5 + 3, \
            f"renewal ordered at {ordered - start:+.1f}s from the window start (5 s wide)"

        log = h.error_log_text()
        assert re.search(r"ACME10150[^\n]*a\.test[^\n]*suggests renewing between", log), log
        assert re.search(r"ACME10040[^\n]*a\.test[^\n]*due for renewal \(the CA's suggested "
                         r"window", log), log
        # The renewed certificate is asked about too; its window is weeks away,
        # and that is where the module schedules its renewal (not now).
        second_id = d.cert_id(d.issued[1])
        deadline = time.monotonic() + 30
        while (record := ari_record(h)).get("cert_id") != second_id:
            assert time.monotonic() < deadline, \
                f"no window recorded for {second_id}: {d.renewal_info_requests}"
            time.sleep(0.2)
        assert any(r[1] == second_id for r in d.renewal_info_requests)
        assert len(d.new_orders) == 2, d.new_orders
        chosen = datetime.datetime.strptime(record["chosen"], "%Y-%m-%dT%H:%M:%SZ")
        assert record["chosen"] >= record["window"]["start"], record
        assert chosen.replace(tzinfo=UTC) > datetime.datetime.now(UTC) + datetime.timedelta(
            days=19), record
    finally:
        d.stop()


def test_530_02_retry_after_on_new_order_is_waited_for(session, httpd_factory):
    """The first newOrder is refused with 429 rateLimited and Retry-After: 6
    (ACMERetryDelay is 2s): the log shows the wait and the next newOrder
    comes no sooner. The profile the CA offers is asked for."""
    d = session.new_double("issue", workdir=session.mkdir("double"),
                           http_port=session.http_port, order_retry_after=(1, "6"),
                           profiles={"classic": "the default", "tlsserver": "TLS servers"})
    try:
        h = httpd_factory(d, vhosts=[VHost.managed("a.test", "www.a.test",
                                                   extra="ACMEProfile tlsserver")]).start()
        h.wait_for_cert("a.test", timeout=60)
        line = h.wait_for_log(r"ACME10022[^\n]*a\.test[^\n]*rateLimited[^\n]*", timeout=5).group(0)
        assert "next try in 6s (the CA asked for Retry-After 6s)" in line, line
        refused, accepted = d.new_orders[0], d.new_orders[1]
        assert refused["status"] == 429 and accepted["status"] == 201, d.new_orders
        assert accepted["time"] - refused["time"] >= 6, \
            f"asked again after {accepted['time'] - refused['time']:.1f}s"
        assert [o["profile"] for o in d.new_orders] == ["tlsserver", "tlsserver"]
    finally:
        d.stop()


def test_530_03_fails_over_to_the_second_ca(pebble, httpd_factory):
    """The first ACMECertificateAuthority is a closed port on 127.0.0.1: after
    three failed attempts the module orders from pebble, with an account of
    its own there, and the name is served pebble's certificate."""
    dead = f"https://127.0.0.1:{ports.free_port()}/dir"
    h = httpd_factory(pebble, acme={
        "ACMECertificateAuthority": f"{dead} {pebble.directory_url}"}).start()
    served = h.wait_for_cert("a.test", timeout=90)
    assert served.verified and sorted(served.leaf.sans) == ["a.test", "www.a.test"]
    log = h.error_log_text()
    for attempt in (1, 2, 3):
        assert re.search(rf"ACME10022[^\n]*a\.test[^\n]*\(attempt {attempt}\)", log), log
    assert re.search(rf"ACME10151[^\n]*{re.escape(dead)} failed 3 times[^\n]*"
                     rf"{re.escape(pebble.directory_url)}", log), log
    assert not re.search(rf"ACME10020[^\n]*{re.escape(dead)}", log)
    assert len(h.account_files()) == 1, h.account_files()
