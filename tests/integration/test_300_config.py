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


def dns_name(length):
    """A valid DNS name of exactly `length` characters (labels of 63 or fewer)."""
    labels, left = [], length
    while left > 0:
        label = min(63, left if not labels else left - 1)
        labels.append("a" * label)
        left -= label + (1 if len(labels) > 1 else 0)
    return ".".join(labels)


# The longest certificate name whose store files fit NAME_MAX (255): its
# longest file is status/<name>_rsa4096.json.tmp.<pid>.<counter>.
LONGEST_NAME = dns_name(219)
TOO_LONG_NAME = dns_name(251)

BAD = [
    # id, httpd config overrides, directive, the value the output must name
    ("keytype-rsa1024", dict(acme={"ACMEKeyType": "rsa1024"}), "ACMEKeyType", "rsa1024"),
    ("renewwindow-150pct", dict(acme={"ACMERenewWindow": "150%"}), "ACMERenewWindow", "150"),
    ("renewwindow-word", dict(acme={"ACMERenewWindow": "soon"}), "ACMERenewWindow", "soon"),
    ("activation-word", dict(acme={"ACMEActivation": "sometimes"}), "ACMEActivation",
     "sometimes"),
    ("checkinterval-zero", dict(acme={"ACMECheckInterval": "0"}), "ACMECheckInterval", "0"),
    ("retrydelay-negative", dict(acme={"ACMERetryDelay": "-5"}), "ACMERetryDelay", "-5"),
    ("maxparallel-zero", dict(acme={"ACMEMaxParallel": "0"}), "ACMEMaxParallel", "0"),
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
    ("ca-failover-not-a-url", dict(acme={"ACMECertificateAuthority":
                                         "https://127.0.0.1:9/dir not-a-url"}),
     "ACMECertificateAuthority", "not-a-url"),
    ("ca-listed-twice", dict(acme={"ACMECertificateAuthority": "letsencrypt letsencrypt"}),
     "ACMECertificateAuthority", "letsencrypt"),
    ("profile-flag-word", dict(acme={"ACMEProfile": "tlsserver sometimes"}), "ACMEProfile",
     "sometimes"),
    ("profile-bad-name", dict(acme={"ACMEProfile": "tls/server"}), "ACMEProfile", "tls/server"),
    ("domain-wildcard-without-dns01", dict(vhosts=[VHost("a.test", ["*.a.test"], ["*.a.test"])]),
     "ACMEDomain", "*.a.test"),
    ("dns01command-not-executable",
     dict(vhosts=[VHost.managed("a.test", extra="ACMEDns01Command /nonexistent/dns.sh")]),
     "ACMEDns01Command", "/nonexistent/dns.sh"),
    ("keytype-twice", dict(acme={"ACMEKeyType": "p256 rsa2048 ec"}), "ACMEKeyType", "ec"),
    ("keytype-two-ecdsa", dict(acme={"ACMEKeyType": "p256 p384"}), "ACMEKeyType", "p384"),
    ("keytype-bad-second", dict(acme={"ACMEKeyType": "p256 rsa1024"}), "ACMEKeyType", "rsa1024"),
    ("keyreuse-word", dict(acme={"ACMEKeyReuse": "sometimes"}), "ACMEKeyReuse", None),
    # One address, two spellings: the same name (RFC 5952 form in the message).
    ("domain-ipv6-twice", dict(vhosts=[VHost("a.test", domains=["2001:db8::1"]),
                                       VHost("b.test", domains=["2001:DB8:0::1"])]),
     "ACMEDomain", "2001:db8::1"),
    ("preferredchain-empty", dict(acme={"ACMEPreferredChain": '""'}), "ACMEPreferredChain",
     None),
    # The key is a secret: the output names its key id instead (test_300_05).
    ("eab-key-not-base64", dict(acme={"ACMEExternalAccountBinding": "kid-1 zWND!M6eQGHWpSRT"}),
     "ACMEExternalAccountBinding", "kid-1"),
    ("eab-key-too-short", dict(acme={"ACMEExternalAccountBinding": "kid-1 c2hvcnQ"}),
     "ACMEExternalAccountBinding", "kid-1"),
    ("domain-name-past-name-max", dict(vhosts=[VHost("a.test", domains=[TOO_LONG_NAME])]),
     "ACMEDomain", TOO_LONG_NAME),
    ("ca-listed-twice-trailing-slash", dict(acme={"ACMECertificateAuthority":
                                                  "https://127.0.0.1:9/dir https://127.0.0.1:9/dir/"}),
     "ACMECertificateAuthority", "https://127.0.0.1:9/dir/"),
    ("eab-file-missing", dict(acme={"ACMEExternalAccountBinding": "/nonexistent-eab.json"}),
     "ACMEExternalAccountBinding", "/nonexistent-eab.json"),
    ("preflightresolver-name", dict(acme={"ACMEPreflightResolver": "dns.example:53"}),
     "ACMEPreflightResolver", "dns.example:53"),
    ("preflightresolver-ipv6-without-brackets", dict(acme={"ACMEPreflightResolver": "::1:53"}),
     "ACMEPreflightResolver", "::1:53"),
    ("preflightresolver-port-too-big", dict(acme={"ACMEPreflightResolver": "127.0.0.1:65536"}),
     "ACMEPreflightResolver", "127.0.0.1:65536"),
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
    ("preflight-off", dict(acme={"ACMEPreflight": "off"})),
    ("preflight-resolver-ipv4", dict(acme={"ACMEPreflight": "on",
                                           "ACMEPreflightResolver": "127.0.0.1:5353"})),
    ("preflight-resolver-ipv6", dict(acme={"ACMEPreflight": "on",
                                           "ACMEPreflightResolver": "[::1]:5353"})),
    ("renewwindow-50pct", dict(acme={"ACMERenewWindow": "50%"})),
    ("maxparallel-16", dict(acme={"ACMEMaxParallel": "16"})),
    ("two-vhosts", dict(vhosts=[VHost.managed("a.test", "www.a.test"),
                                VHost.managed("b.test")])),
    ("ca-failover-and-profile", dict(acme={
        "ACMECertificateAuthority": "https://127.0.0.1:9/dir letsencrypt",
        "ACMEProfile": "tlsserver mandatory"})),
    ("keytypes-ecdsa-rsa", dict(acme={"ACMEKeyType": "p256 rsa2048", "ACMEKeyReuse": "on",
                                      "ACMEPreferredChain": '"ISRG Root X1"'})),
    ("domain-ip-addresses", dict(vhosts=[VHost.managed("127.0.0.1", "::1")])),
    # Only the first name names the store files; the others may be longer.
    ("domain-longest-name", dict(vhosts=[VHost("a.test", domains=[LONGEST_NAME,
                                                                   TOO_LONG_NAME])])),
    ("eab-base64url", dict(acme={"ACMEExternalAccountBinding":
                                 "kid-1 zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"})),
    ("eab-base64-padded", dict(acme={"ACMEExternalAccountBinding":
                                     "kid-1 wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g4eLj5OXm5w=="})),
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


def test_300_03_long_name_refusal_names_the_fix(check):
    """A name a CA would certify but whose store files pass NAME_MAX fails -t
    (not every write at run time, "File name too long"), with the limit."""
    rc, out = check(vhosts=[VHost("a.test", domains=[TOO_LONG_NAME, "a.test"])])
    assert rc != 0, out
    assert "ACMEDomain" in out and TOO_LONG_NAME in out, out
    assert "at most 219 characters" in out and "255" in out, out


def test_300_10_preflight_resolver_message_names_the_fix(check):
    rc, out = check(acme={"ACMEPreflightResolver": "dns.example:53"})
    assert rc != 0, out
    assert "ACMEPreflightResolver: 'dns.example:53' is not the address of a DNS server" in out, out
    assert "e.g. 127.0.0.1:53 or [::1]:5353" in out, out
