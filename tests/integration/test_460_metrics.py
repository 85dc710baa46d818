"""The Prometheus text format (0.0.4) of `SetHandler acme-status`: with
?metrics and with the Accept header Prometheus sends, checked by Debian's
`promtool check metrics` and against the certificate httpd serves and the CA
it came from; and for a certificate whose CA refuses every order.

promtool comes with Debian's prometheus package (scripts/deps.sh test); a
machine without it fails here, it does not skip.
"""
import datetime
import re
import shutil
import subprocess
import time

import pytest

from harness.httpd import VHost, on_own_ports

STATUS_LOCATION = """
    <Location /acme-status>
        SetHandler acme-status
        Require all granted
    </Location>
"""
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# What Prometheus 2.x sends when it scrapes.
PROMETHEUS_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
                     "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
VALUE = r'"((?:[^"\\]|\\.)*)"'
SAMPLE = re.compile(rf'^([a-z_]+)\{{\w+={VALUE}(?:,\w+={VALUE})?\}} (\S+)$')


def promtool_check(text):
    promtool = shutil.which("promtool")
    assert promtool, "promtool not found: install Debian's prometheus package (scripts/deps.sh test)"
    p = subprocess.run([promtool, "check", "metrics"], input=text.encode(), capture_output=True,
                       timeout=30)
    out = (p.stdout + p.stderr).decode(errors="replace")
    assert p.returncode == 0 and out.strip() == "", f"promtool: rc={p.returncode}\n{out}\n{text}"


def samples(text):
    """{(metric, first label value, second label value or None): float} of every sample."""
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        m = SAMPLE.match(line)
        assert m, f"unexpected sample line {line!r}"
        out[(m.group(1), m.group(2), m.group(3))] = float(m.group(4))
    return out


def metrics(h, path="/acme-status?metrics", headers=None):
    r = h.http_get(path, "localhost", headers=headers)
    assert r.status == 200, (r.status, r.text)
    assert r.header("Content-Type") == CONTENT_TYPE, r.header("Content-Type")
    return r.text


def wait_for(h, name, pred, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        text = metrics(h)
        s = samples(text)
        if pred(s):
            return text, s
        h.assert_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"metrics of {name} never as expected after {timeout}s:\n{text}")
        time.sleep(0.25)


@pytest.fixture(scope="module")
def valid(session, pebble):
    """(httpd, ServedChain, start): a.test issued by pebble and served."""
    h = session.new_httpd(pebble, http_extra=STATUS_LOCATION)
    try:
        start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        h.start()
        yield h, h.wait_for_cert("a.test"), start
    finally:
        session.release(h)


def test_460_01_metrics_of_a_served_certificate(valid, pebble):
    h, served, start = valid
    expiry = served.leaf.not_after.timestamp()
    text, s = wait_for(h, "a.test", lambda s: s.get(
        ("acme_certificate_state", "a.test", "valid")) == 1 and s.get(
        ("acme_certificate_expiry_timestamp_seconds", "a.test", None)) == expiry)
    promtool_check(text)
    now = time.time()
    assert s[("acme_certificate_not_before_timestamp_seconds", "a.test", None)] == \
        served.leaf.not_before.timestamp()
    assert now < s[("acme_certificate_next_renewal_timestamp_seconds", "a.test", None)] < expiry
    success = s[("acme_certificate_last_success_timestamp_seconds", "a.test", None)]
    assert start.timestamp() <= success <= now, (start, success, now)
    assert s[("acme_certificate_renewal_failures", "a.test", None)] == 0
    assert s[("acme_certificate_state", "a.test", "error")] == 0
    assert ("acme_certificate_last_error_timestamp_seconds", "a.test", None) not in s
    # The CA's requests: the directory, account, order, authorizations, finalize, download.
    assert s[("acme_ca_requests_total", pebble.directory_url, None)] >= 5, text
    assert "# TYPE acme_ca_requests_total counter\n" in text
    assert "# TYPE acme_ca_errors_total counter\n" in text
    for family in ("expiry_timestamp_seconds", "next_renewal_timestamp_seconds",
                   "last_success_timestamp_seconds", "renewal_failures", "ocsp_status"):
        assert f"# TYPE acme_certificate_{family} gauge\n" in text, family
        assert f"# HELP acme_certificate_{family} " in text, family


def test_460_02_accept_header_as_prometheus_sends_it(valid):
    h, served, _ = valid
    # The status record follows the activation (the new watchdog writes it):
    # on an xdist worker of its own this test may come first, so wait for it.
    wait_for(h, "a.test", lambda s: ("acme_certificate_expiry_timestamp_seconds", "a.test",
                                     None) in s)
    text = metrics(h, "/acme-status", headers={"Accept": PROMETHEUS_ACCEPT})
    promtool_check(text)
    assert ("acme_certificate_expiry_timestamp_seconds", "a.test", None) in samples(text)
    # Without either, the page for people, as before.
    r = h.http_get("/acme-status", "localhost", headers={"Accept": "text/html"})
    assert r.status == 200 and r.header("Content-Type").startswith("text/html"), r.header(
        "Content-Type")


def test_460_03_failures_of_a_refused_certificate(session, valid):
    double = session.new_double("reject")
    h = on_own_ports(session, double, vhosts=[VHost.managed("a.test")],
                     http_extra=STATUS_LOCATION)
    try:
        h.start()
        text, s = wait_for(h, "a.test", lambda s: s.get(
            ("acme_certificate_state", "a.test", "error")) == 1 and s.get(
            ("acme_ca_errors_total", double.directory_url, "rateLimited"), 0) >= 1)
        promtool_check(text)
        assert s[("acme_certificate_renewal_failures", "a.test", None)] >= 1, text
        assert s[("acme_certificate_last_error_timestamp_seconds", "a.test", None)] <= time.time()
        assert ("acme_certificate_expiry_timestamp_seconds", "a.test", None) not in s, text
        assert ("acme_certificate_last_success_timestamp_seconds", "a.test", None) not in s, text
        # newOrder answered 429 rateLimited: counted as a request and as that error type.
        assert s[("acme_ca_requests_total", double.directory_url, None)] >= \
            s[("acme_ca_errors_total", double.directory_url, "rateLimited")], text
    finally:
        session.release(h)
        double.stop()
