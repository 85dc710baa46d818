"""http-01 challenge answers (RFC 8555 §8.3).

The module answers GET /.well-known/acme-challenge/<token> for the names it
manages from its shared-memory table, in post_read_request: before auth,
rewrites and redirects. Hosts it does not manage are DECLINED, so another
tool's webroot keeps working.

The CA is the ACME test double in hold mode: the order never completes, so
the published token stays published while we probe it. The read-only probes
in TestPublished share one httpd (class scope: it is stopped before the next
test needs the session's ports); configs that change behaviour get their own.
"""
import secrets

import pytest

from harness.client import raw_http
from harness.httpd import VHost

CHALLENGE = "/.well-known/acme-challenge/"
OTHER_TOOL_FILE = "written by another ACME tool\n"


def _publish(session, **httpd_kw):
    double = session.new_double("hold")
    h = session.new_httpd(double, vhosts=[VHost.managed("a.test")], **httpd_kw)
    h.write_file(".well-known/acme-challenge/tok123", OTHER_TOOL_FILE)
    h.start()
    token = double.wait_responded("a.test", timeout=30, alive=h.assert_alive)
    return h, double, token


@pytest.fixture(scope="class")
def published(session):
    """(httpd, double, token): a.test's token is published by the module."""
    h = double = None
    try:
        h, double, token = _publish(session)
        yield h, double, token
    finally:
        if h is not None:
            session.release(h)
        if double is not None:
            double.stop()


class TestPublished:
    """Probes of one published token (a.test, hold mode)."""

    def test_100_01_get_serves_key_authorization(self, published):
        h, double, token = published
        r = h.http_get(CHALLENGE + token, "a.test")
        assert r.status == 200, r.text
        assert r.header("Content-Type", "").startswith("text/plain")
        assert r.body == double.key_authorization(token).encode()

    def test_100_02_head_has_no_body(self, published):
        h, double, token = published
        raw = raw_http(h.http_port, f"HEAD {CHALLENGE}{token} HTTP/1.1\r\nHost: a.test\r\n"
                                    "Connection: close\r\n\r\n".encode())
        head, _, body = raw.partition(b"\r\n\r\n")
        assert head.split(b"\r\n")[0].split()[1] == b"200", head
        assert body == b""

    @pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
    def test_100_03_other_methods_405(self, published, method):
        h, double, token = published
        r = h.http_get(CHALLENGE + token, "a.test", method=method,
                       body=None if method == "DELETE" else b"x")
        assert r.status == 405
        allow = [m.strip() for m in r.header("Allow", "").split(",")]
        assert "GET" in allow, f"Allow: {r.header('Allow')!r}"

    def test_100_04_unknown_token_404(self, published):
        h, double, token = published
        unknown = secrets.token_urlsafe(32)
        assert unknown != token
        assert h.http_get(CHALLENGE + unknown, "a.test").status == 404

    @pytest.mark.parametrize("bad", ["abc$def", "a" * 300, "../x", "a/b"],
                             ids=["dollar", "too-long", "dotdot", "slash"])
    def test_100_05_malformed_token_404(self, published, bad):
        h, double, token = published
        r = h.http_get(CHALLENGE + bad, "a.test")
        assert r.status == 404, f"{CHALLENGE + bad}: {r.status}"
        assert double.key_authorization(token).encode() not in r.body

    def test_100_06_unmanaged_host_declined(self, published):
        # Another tool's webroot file for a name the module does not manage.
        h, double, token = published
        r = h.http_get(CHALLENGE + "tok123", "other.test")
        assert r.status == 200
        assert r.text == OTHER_TOOL_FILE
        # ...and our token is not served there either.
        assert h.http_get(CHALLENGE + token, "other.test").status == 404

    @pytest.mark.parametrize("host", ["a.test:80", "A.TEST", "A.Test:80"])
    def test_100_07_host_header_variants(self, published, host):
        h, double, token = published
        r = h.http_get(CHALLENGE + token, host)
        assert r.status == 200, host
        assert r.body == double.key_authorization(token).encode()


def test_100_08_answered_before_auth_and_redirect(session):
    h = double = None
    try:
        h, double, token = _publish(session, http_extra="""
            Redirect / http://elsewhere.invalid/
            <Location />
                Require all denied
            </Location>
        """)
        r = h.http_get(CHALLENGE + token, "a.test")
        assert r.status == 200
        assert r.body == double.key_authorization(token).encode()
        # The rest of the vhost is redirected or denied, as configured.
        assert h.http_get("/index.html", "a.test").status in (302, 403)
    finally:
        if h is not None:
            session.release(h)
        if double is not None:
            double.stop()
