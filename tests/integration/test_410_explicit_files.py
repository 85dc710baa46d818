"""The files in live/<name>/ serve a complete chain to anyone who configures
them by hand, without ACMEDomain: SSLCertificateFile fullchain.pem (httpd
2.4.8+), the older cert.pem + SSLCertificateChainFile chain.pem (still
honoured by today's httpd), and `Include ssl.conf`; with mod_acme loaded
for other names, and without mod_acme at all.

One certificate from pebble (an httpd with ACMEDomain a.test, stopped once
it is served); each test then starts an httpd that only points at the files.
"""
import os
import re

import pytest

from harness.httpd import VHost


@pytest.fixture(scope="module")
def issued(session, pebble):
    """(live dir of a.test, its serial): issued by pebble, its httpd stopped."""
    h = session.new_httpd(pebble)
    try:
        h.start()
        served = h.wait_for_cert("a.test")
        h.stop()
        yield h.store_path("live", "a.test"), served.leaf.serial
    finally:
        session.release(h)


def files_vhost(live, form):
    if form == "fullchain":
        extra = f"""
            SSLCertificateFile {live}/fullchain.pem
            SSLCertificateKeyFile {live}/privkey.pem
        """
    elif form == "chainfile":
        extra = f"""
            SSLCertificateFile {live}/cert.pem
            SSLCertificateChainFile {live}/chain.pem
            SSLCertificateKeyFile {live}/privkey.pem
        """
    else:
        extra = f"Include {live}/ssl.conf"
    return VHost("a.test", ["www.a.test"], extra=extra)


CASES = [
    # id, form, load mod_acme (then b.test is managed beside the explicit a.test)
    ("fullchain-with-mod_acme", "fullchain", True),
    ("fullchain-without-mod_acme", "fullchain", False),
    ("chainfile-without-mod_acme", "chainfile", False),
    ("chainfile-with-mod_acme", "chainfile", True),
    ("include-ssl.conf-without-mod_acme", "include", False),
    ("include-ssl.conf-with-mod_acme", "include", True),
]


@pytest.mark.parametrize("form,load_acme", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_410_01_explicit_files_serve_complete_chain(pebble, issued, httpd_factory, form,
                                                    load_acme):
    live, serial = issued
    assert os.path.isdir(live), live
    vhosts = [files_vhost(live, form)]
    if load_acme:
        vhosts.append(VHost.managed("b.test"))
    h = httpd_factory(pebble, vhosts=vhosts, load_acme=load_acme).start()
    for name in ("a.test", "www.a.test"):
        served = h.served_chain(name)          # -verify_return_error -CAfile pebble root
        assert served.verified, served.output
        assert len(served.chain) == 2, f"expected leaf + intermediate:\n{served.output}"
        assert served.leaf.serial == serial
        assert pebble.issued_by_me(served.chain[0])
    r = h.https_get("/", "a.test", cafile=pebble.trust_anchor_file)
    assert r.status == 200 and "mod_acme test" in r.text, r.status
    if load_acme:
        # The module leaves the explicit vhost alone (no fallback, no order).
        assert not re.search(r"ACME\d+:[^\n]*\ba\.test", h.error_log_text()), h.log_tail()
    if load_acme and form == "fullchain":
        # ... and its activation restart for b.test keeps a.test's files.
        h.wait_for_cert("b.test", timeout=60)
        after = h.served_chain("a.test")
        assert after.verified and len(after.chain) == 2 and after.leaf.serial == serial
