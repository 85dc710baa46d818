"""Configuration checks: `apache2 -t` refuses bad ACME directives, and its
output names the directive and the offending value, so an admin can fix it.
"""
import re
from types import SimpleNamespace

import pytest

from harness.httpd import VHost


@pytest.fixture
def check(session, httpd_factory):
    """check(**httpd_kw) -> (rc, output) of `apache2 -t` for that config.

    The CA is never contacted by -t: its URL points at a closed port.
    """
    ca = SimpleNamespace(directory_url="https://127.0.0.1:9/dir",
                         ca_file=session.listener.root_file,
                         trust_anchor_file=session.listener.root_file)

    def run(**kw):
        return httpd_factory(ca, **kw).check()
    return run


def mentions(output, text):
    """text appears in output as a whole token (not inside a longer word)."""
    return re.search(rf"(?<![\w.]){re.escape(text)}(?!\w)", output) is not None


BAD = [
    # id, httpd config overrides, directive, the value the output must name
    ("keytype-rsa1024", dict(acme={"ACMEKeyType": "rsa1024"}), "ACMEKeyType", "rsa1024"),
    ("renewwindow-150pct", dict(acme={"ACMERenewWindow": "150%"}), "ACMERenewWindow", "150"),
    ("renewwindow-word", dict(acme={"ACMERenewWindow": "soon"}), "ACMERenewWindow", "soon"),
    ("activation-word", dict(acme={"ACMEActivation": "sometimes"}), "ACMEActivation",
     "sometimes"),
    ("checkinterval-zero", dict(acme={"ACMECheckInterval": "0"}), "ACMECheckInterval", "0"),
    ("retrydelay-negative", dict(acme={"ACMERetryDelay": "-5"}), "ACMERetryDelay", "-5"),
    ("domain-invalid-name", dict(vhosts=[VHost("a.test", domains=["bad_name!.test"])]),
     "ACMEDomain", "bad_name!.test"),
    ("domain-no-argument", dict(vhosts=[VHost("a.test", domains=[])]), "ACMEDomain", None),
    ("domain-in-two-vhosts", dict(vhosts=[VHost.managed("a.test"),
                                          VHost("b.test", ["a.test"], ["b.test", "a.test"])]),
     "ACMEDomain", "a.test"),
    ("ca-not-a-url", dict(acme={"ACMECertificateAuthority": "not-a-url"}),
     "ACMECertificateAuthority", "not-a-url"),
    ("ca-plain-http", dict(acme={"ACMECertificateAuthority": "http://insecure.test/dir"}),
     "ACMECertificateAuthority", "http://insecure.test/dir"),
    ("tos-maybe", dict(acme={"ACMETermsOfService": "maybe"}), "ACMETermsOfService", "maybe"),
    ("email-invalid", dict(acme={"ACMEContactEmail": "not-an-email"}), "ACMEContactEmail",
     "not-an-email"),
    ("portmap-not-a-port", dict(acme={"ACMEPortMap": "80:abc"}), "ACMEPortMap", "abc"),
    ("cafile-missing", dict(acme={"ACMECACertificateFile": "/nonexistent.pem"}),
     "ACMECACertificateFile", "/nonexistent.pem"),
    ("trustanchor-missing", dict(acme={"ACMETrustAnchorFile": "/nonexistent.pem"}),
     "ACMETrustAnchorFile", "/nonexistent.pem"),
]


@pytest.mark.parametrize("kw,directive,value", [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_300_01_invalid_directive_refused(check, kw, directive, value):
    rc, out = check(**kw)
    assert rc != 0, f"apache2 -t accepted it:\n{out}"
    assert "Invalid command" not in out, f"the module does not know {directive}:\n{out}"
    assert directive.lower() in out.lower(), f"output does not name {directive}:\n{out}"
    if value is not None:
        assert mentions(out, value), f"output does not name the value {value!r}:\n{out}"


GOOD = [
    ("defaults", dict()),
    ("renewwindow-50pct", dict(acme={"ACMERenewWindow": "50%"})),
    ("two-vhosts", dict(vhosts=[VHost.managed("a.test", "www.a.test"),
                                VHost.managed("b.test")])),
]


@pytest.mark.parametrize("kw", [c[1] for c in GOOD], ids=[c[0] for c in GOOD])
def test_300_02_valid_config_passes(check, kw):
    rc, out = check(**kw)
    assert rc == 0 and "Syntax OK" in out, out
