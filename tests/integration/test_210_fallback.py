"""Before a certificate exists, a managed vhost serves a self-signed fallback
for its name and answers 503, and the error log says so.

The CA is the ACME test double in hold mode: no certificate ever arrives.
"""
from harness.httpd import VHost

FALLBACK_LOG = r"(?i)fallback[^\n]*a\.test|a\.test[^\n]*fallback"


def assert_fallback(h, name):
    served = h.served_chain(name, verify=False)
    assert served.returncode == 0 and served.chain, served.output
    assert served.leaf.self_issued, served.leaf
    assert name in served.leaf.names(), served.leaf
    r = h.https_get("/", name)
    assert r.status == 503, r.status


def test_210_01_fallback_before_issuance(acme_double, httpd_factory):
    h = httpd_factory(acme_double, vhosts=[VHost.managed("a.test", "www.a.test")]).start()
    assert_fallback(h, "a.test")
    h.wait_for_log(FALLBACK_LOG, timeout=10)


def test_210_02_fallback_while_order_pending(acme_double, httpd_factory):
    # The module is mid-order (challenge answered, CA undecided): still fallback.
    h = httpd_factory(acme_double, vhosts=[VHost.managed("a.test")]).start()
    acme_double.wait_responded("a.test", timeout=30, alive=h.assert_alive)
    assert_fallback(h, "a.test")
