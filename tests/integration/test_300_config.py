"""Configuration checks: `apache2 -t` refuses bad ACME directives, and its
output names the directive and the offending value, so an admin can fix it.
"""
import json
import os
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


# Each value parser and rule has unit tests with the exact text (tests/unit/
# config/); these go end to end through httpd, one per kind of failure: a
# value refused by a parser (per vhost, and server-wide), a directive without
# argument, a file that is not there, a rule across virtual hosts (two), and
# httpd's own on/off parsing, which no unit test reaches.
BAD = [
    # id, httpd config overrides, directive, the value the output must name
    ("keytype-rsa1024", dict(acme={"ACMEKeyType": "rsa1024"}), "ACMEKeyType", "rsa1024"),
    ("activation-word", dict(acme={"ACMEActivation": "sometimes"}), "ACMEActivation",
     "sometimes"),
    ("domain-no-argument", dict(vhosts=[VHost("a.test", domains=[])]), "ACMEDomain", None),
    ("cafile-missing", dict(acme={"ACMECACertificateFile": "/nonexistent.pem"}),
     "ACMECACertificateFile", "/nonexistent.pem"),
    ("domain-in-two-vhosts", dict(vhosts=[VHost.managed("a.test"),
                                          VHost("b.test", ["a.test"], ["b.test", "a.test"])]),
     "ACMEDomain", "a.test"),
    ("domain-wildcard-without-dns01", dict(vhosts=[VHost("a.test", ["*.a.test"], ["*.a.test"])]),
     "ACMEDomain", "*.a.test"),
    ("keyreuse-word", dict(acme={"ACMEKeyReuse": "sometimes"}), "ACMEKeyReuse", None),
    ("preflight-word", dict(acme={"ACMEPreflight": "sometimes"}), "ACMEPreflight", None),
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
    ("two-vhosts", dict(vhosts=[VHost.managed("a.test", "www.a.test"),
                                VHost.managed("b.test")])),
    # Every directive with a value (the defaults set the others): each handler
    # keeps what its parser returns.
    ("every-directive", dict(
        acme={"ACMECertificateAuthority": "https://127.0.0.1:9/dir letsencrypt",
              "ACMEProfile": "tlsserver mandatory",
              "ACMEKeyType": "p256 rsa2048", "ACMEKeyReuse": "on",
              "ACMEPreferredChain": '"ISRG Root X1"', "ACMERenewWindow": "50%",
              "ACMEMaxParallel": "16", "ACMEActivation": "manual", "ACMEStapling": "off",
              "ACMEPreflight": "on", "ACMEPreflightResolver": "[::1]:5353",
              "ACMEChallenges": "tls-alpn-01 http-01", "ACMENotifyCommand": "/bin/true --quiet",
              "ACMEExternalAccountBinding":
              "kid-1 zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"},
        vhosts=[VHost("a.test", ["a.test"], ["a.test", "*.a.test", "127.0.0.1", "::1"],
                      extra="ACMEDns01Command /bin/true --zone a.test")])),
]


@pytest.mark.parametrize("kw", [c[1] for c in GOOD], ids=[c[0] for c in GOOD])
def test_300_02_valid_config_passes(check, kw):
    rc, out = check(**kw)
    assert rc == 0 and "Syntax OK" in out, out


# Mistyped HMAC keys (a bad character, too short, padding that does not fit):
# `apache2 -t` refuses them naming the directive and the key id, and never
# repeats the key, nor any long piece of it.
SECRET_KEYS = ["zWND!M6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3M",
               "c2VjcmV0LWtleQ",
               "U2VjcmV0S2V5TWF0ZXJpYWxGb3JUZXN0cw=",
               "s3cr3tKEYs3cr3tKEY+s3cr3t_KEYs3cr3tKEY"]


def assert_no_secret(out, key):
    assert key not in out, f"the HMAC key is in the output:\n{out}"
    for i in range(len(key) - 6):  # nor any 7 characters of it
        assert key[i:i + 7] not in out, f"part of the HMAC key {key[i:i + 7]!r} shown:\n{out}"


@pytest.mark.parametrize("key", SECRET_KEYS, ids=range(len(SECRET_KEYS)))
def test_300_05_eab_key_never_shown(check, key):
    rc, out = check(acme={"ACMEExternalAccountBinding": f"kid-1 {key}"})
    assert rc != 0, f"apache2 -t accepted it:\n{out}"
    assert "ACMEExternalAccountBinding" in out and mentions(out, "kid-1"), out
    assert_no_secret(out, key)


@pytest.mark.parametrize("key", SECRET_KEYS, ids=range(len(SECRET_KEYS)))
def test_300_06_eab_file_key_never_shown(session, httpd_factory, key):
    ca = SimpleNamespace(directory_url="https://127.0.0.1:9/dir",
                         ca_file=session.listener.root_file,
                         trust_anchor_file=session.listener.root_file)
    h = httpd_factory(ca, acme={"ACMEExternalAccountBinding": "eab.json"})
    path = os.path.join(h.server_root, "eab.json")
    with open(path, "w") as f:
        json.dump({"kid": "kid-1", "hmac_key": key}, f)
    os.chmod(path, 0o600)
    rc, out = h.check()
    assert rc != 0, f"apache2 -t accepted it:\n{out}"
    assert "ACMEExternalAccountBinding" in out and "hmac_key" in out, out
    assert_no_secret(out, key)


def test_300_07_eab_file_readable_by_others_refused(session, httpd_factory):
    """A valid key in a file group or others may read: refused, naming the
    file and the fix, without the key."""
    key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"
    ca = SimpleNamespace(directory_url="https://127.0.0.1:9/dir",
                         ca_file=session.listener.root_file,
                         trust_anchor_file=session.listener.root_file)
    h = httpd_factory(ca, acme={"ACMEExternalAccountBinding": "eab.json"})
    path = os.path.join(h.server_root, "eab.json")
    with open(path, "w") as f:
        json.dump({"kid": "kid-1", "hmac_key": key}, f)
    os.chmod(path, 0o644)
    rc, out = h.check()
    assert rc != 0, f"apache2 -t accepted a world-readable key file:\n{out}"
    assert f"chmod 600 {path}" in out, out
    assert_no_secret(out, key)
    os.chmod(path, 0o600)
    rc, out = h.check()
    assert rc == 0 and "Syntax OK" in out, out


@pytest.mark.parametrize("directive", ["ACMENotifyCommand", "ACMEDns01Command"])
def test_300_08_hook_arguments_never_shown(check, directive):
    """A hook whose program is missing: named by its program, never by its
    arguments (they often hold an API token)."""
    value = "/nonexistent-hook --api-token tok-5e3c2b1a"
    kw = (dict(acme={directive: value}) if directive == "ACMENotifyCommand" else
          dict(vhosts=[VHost("a.test", ["a.test"], ["a.test"], extra=f"{directive} {value}")]))
    rc, out = check(**kw)
    assert rc != 0, f"apache2 -t accepted it:\n{out}"
    assert directive in out and mentions(out, "/nonexistent-hook"), out
    assert "tok-5e3c2b1a" not in out, out


def test_300_10_preflight_resolver_message_names_the_fix(check):
    rc, out = check(acme={"ACMEPreflightResolver": "dns.example:53"})
    assert rc != 0, out
    assert "ACMEPreflightResolver: 'dns.example:53' is not the address of a DNS server" in out, out
    assert "e.g. 127.0.0.1:53 or [::1]:5353" in out, out
