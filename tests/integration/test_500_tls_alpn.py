"""tls-alpn-01 (RFC 8737): the CA's acme-tls/1 handshake on the HTTPS port is
answered with a challenge certificate from shared memory.

Needs only core's Protocols directive, no mod_http2: `Protocols http/1.1
acme-tls/1` (the harness loads no mod_http2). pebble's tlsPort is the
session's HTTPS port, where every httpd of the session listens.
"""
import hashlib
import re
import socket
import ssl
import subprocess
import time
from types import SimpleNamespace

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from harness.httpd import VHost

ALPN_ONLY = """
    Protocols http/1.1 acme-tls/1
    ACMEChallenges tls-alpn-01
"""
ACME_IDENTIFIER = x509.ObjectIdentifier("1.3.6.1.5.5.7.1.31")  # RFC 8737 §6.1


def handshake(port, servername, alpn=("acme-tls/1",)):
    """(ALPN protocol selected, leaf certificate) of one TLS handshake, or
    (None, None) if the server would not complete it with these offers."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_alpn_protocols(list(alpn))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        try:
            with ctx.wrap_socket(sock, server_hostname=servername) as tls:
                der = tls.getpeercert(binary_form=True)
                return tls.selected_alpn_protocol(), x509.load_der_x509_certificate(der)
        except ssl.SSLError:
            return None, None


def openssl_alpn(port, servername):
    """The ALPN protocol openssl s_client negotiates offering only acme-tls/1."""
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}",
                        "-servername", servername, "-alpn", "acme-tls/1"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=15)
    m = re.search(r"^ALPN protocol: (\S+)", r.stdout.decode(errors="replace"), re.M)
    return m.group(1) if m else None


def acme_identifier(cert):
    """The critical acmeIdentifier extension's value, None if absent."""
    for ext in cert.extensions:
        if ext.oid == ACME_IDENTIFIER:
            assert ext.critical, "acmeIdentifier must be critical (RFC 8737 §3)"
            return ext.value.value
    return None


def answered(httpd, name):
    return re.search(rf"ACME10161: tls-alpn-01: answered the acme-tls/1 handshake for "
                     rf"{re.escape(name)}\b", httpd.error_log_text())


def test_500_01_issued_through_tls_alpn(pebble, httpd_factory):
    names = ["a.test", "www.a.test"]
    h = httpd_factory(pebble, vhosts=[VHost.managed(*names, extra=ALPN_ONLY)]).start()
    served = h.wait_for_cert("a.test")
    assert served.verified and sorted(served.leaf.sans) == sorted(names)
    assert h.served_chain("www.a.test").leaf.serial == served.leaf.serial
    # Proof that tls-alpn-01 did it: httpd answered the CA's acme-tls/1
    # handshakes, and pebble never fetched an http-01 answer for these names.
    for name in names:
        assert answered(h, name), h.log_tail()
        assert f"Attempting to validate w/ HTTP: http://{name}:" not in pebble.log_text()
    assert "ACME10160" not in h.error_log_text()  # the vhost allows acme-tls/1
    # Withdrawn once issued: a client offering acme-tls/1 now gets the vhost's
    # real certificate, and no acme-tls/1.
    protocol, leaf = handshake(h.https_port, "a.test")
    assert protocol != "acme-tls/1"
    assert leaf is None or acme_identifier(leaf) is None


def test_500_02_challenge_certificate_in_the_handshake(session, httpd_factory):
    """With the CA holding the order, look at what a CA's handshake gets."""
    double = session.new_double("hold", challenge_types=("tls-alpn-01",))
    try:
        h = httpd_factory(double, vhosts=[VHost.managed("a.test", extra=ALPN_ONLY)]).start()
        token = wait_tls_alpn_responded(double, "a.test", alive=h.assert_alive)
        protocol, leaf = handshake(h.https_port, "a.test")
        assert protocol == "acme-tls/1"
        digest = hashlib.sha256(double.key_authorization(token).encode()).digest()
        assert acme_identifier(leaf) == b"\x04\x20" + digest  # DER OCTET STRING (32)
        san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == ["a.test"]
        assert answered(h, "a.test")
        # Any case and a trailing dot in the SNI find it too (sent as is by openssl).
        assert openssl_alpn(h.https_port, "A.Test.") == "acme-tls/1"
        # Clients that do not ask for acme-tls/1 see the vhost as usual.
        protocol, leaf = handshake(h.https_port, "a.test", alpn=("h2", "http/1.1"))
        assert protocol == "http/1.1" and acme_identifier(leaf) is None
        # acme-tls/1 for a name without a published challenge is not taken.
        protocol, leaf = handshake(h.https_port, "other.test")
        assert protocol != "acme-tls/1"
        assert leaf is None or acme_identifier(leaf) is None
        assert h.is_running()
    finally:
        double.stop()


def wait_tls_alpn_responded(double, host, timeout=30, alive=None):
    """The token of host's tls-alpn-01 challenge once the client responded to it."""
    deadline = time.monotonic() + timeout
    while True:
        for authz in list(double.authzs.values()):
            if authz["identifier"]["value"] != host:
                continue
            for ch in authz["challenges"]:
                if ch["type"] == "tls-alpn-01" and ch["token"] in double.responded:
                    return ch["token"]
        if alive:
            alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"no tls-alpn-01 response for {host} after {timeout}s")
        time.sleep(0.1)


def test_500_03_without_the_protocol(session, httpd_factory):
    """ACMEChallenges tls-alpn-01 in a vhost that does not allow acme-tls/1:
    a warning at start, and no attempt (neither tls-alpn-01, which cannot
    work, nor http-01, which the admin did not ask for)."""
    double = session.new_double("hold", challenge_types=("http-01", "tls-alpn-01"))
    try:
        h = httpd_factory(double, vhosts=[
            VHost.managed("a.test", extra="ACMEChallenges tls-alpn-01"),
            VHost.managed("b.test", extra=ALPN_ONLY),
            VHost.managed("c.test")]).start()
        h.wait_for_log(r"ACME10160: virtual host a\.test \([^)]*\) lists tls-alpn-01 in "
                       r"ACMEChallenges but does not allow the acme-tls/1 protocol.*"
                       r"add 'Protocols h2 http/1\.1 acme-tls/1'")
        h.wait_for_log(r"no challenge for a\.test that this server can answer.*"
                       r"usable here: none")
        wait_tls_alpn_responded(double, "b.test", alive=h.assert_alive)   # b: tls-alpn-01
        assert double.wait_responded("c.test", alive=h.assert_alive)      # c: http-01
        text = h.error_log_text()
        assert "virtual host b.test" not in text and "virtual host c.test" not in text
        # Nothing answered for a.test: neither challenge type was tried.
        assert not [c for a in double.authzs.values() if a["identifier"]["value"] == "a.test"
                    for c in a["challenges"] if c["token"] in double.responded]
    finally:
        double.stop()


def test_500_04_ip_identifier(pebble, httpd_factory):
    """RFC 8738 §6: pebble connects to the address and sends the reverse-DNS
    name (1.0.0.127.in-addr.arpa) as SNI; the certificate names the address."""
    h = httpd_factory(pebble, vhosts=[VHost.managed("127.0.0.1", extra=ALPN_ONLY)]).start()
    leaf = wait_issued(h, pebble)
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(a) for a in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert answered(h, "1.0.0.127.in-addr.arpa"), h.log_tail()
    assert "Attempting to validate w/ HTTP: http://127.0.0.1:" not in pebble.log_text()


def wait_issued(h, ca, timeout=90):
    """The leaf served without SNI once the CA issued it."""
    deadline = time.monotonic() + timeout
    while True:
        _, leaf = handshake(h.https_port, None, alpn=("http/1.1",))
        if leaf is not None and ca.issued_by_me(leaf.public_bytes(Encoding.PEM).decode()):
            return leaf
        h.assert_alive()
        assert time.monotonic() < deadline, h.log_tail()
        time.sleep(0.25)


CHECKS = [
    # (ACMEChallenges value, value the error names)
    ("http-02", "http-02"),
    ("tls-alpn-01 tls-alpn-01", "tls-alpn-01"),
]


def test_500_05_directive_checked_by_apachectl(session, httpd_factory):
    ca = SimpleNamespace(directory_url="https://127.0.0.1:9/dir",
                         ca_file=session.listener.root_file,
                         trust_anchor_file=session.listener.root_file)
    for value, named in CHECKS:
        rc, out = httpd_factory(ca, vhosts=[VHost.managed(
            "a.test", extra=f"ACMEChallenges {value}")]).check()
        assert rc != 0, out
        assert "ACMEChallenges" in out and f"'{named}'" in out, out
    rc, out = httpd_factory(ca, vhosts=[VHost.managed(
        "a.test", extra="ACMEChallenges tls-alpn-01 HTTP-01 dns-01\n"
                        "ACMEDns01Command /bin/true")]).check()
    assert rc == 0 and "Syntax OK" in out, out
