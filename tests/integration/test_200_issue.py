"""Issuance against pebble: what clients are served, and the files an admin
finds in the store (the SSLCertificateFile contract in DESIGN.md).
"""
import os
import re
import stat

from cryptography.hazmat.primitives import serialization

from harness import certs
from harness.httpd import VHost


def assert_served_from(ca, served, names):
    """served verifies against ca's root, carries the intermediate, names all names."""
    assert served.verified, served.output
    assert len(served.chain) == 2, f"expected leaf + intermediate, got {len(served.chain)}"
    assert certs.CertInfo(served.chain[1]).der() == certs.CertInfo(ca.intermediate_pem).der()
    assert sorted(served.leaf.sans) == sorted(names)


def test_200_01_single_vhost(pebble, httpd_factory):
    h = httpd_factory(pebble).start()
    served = h.wait_for_cert("a.test")
    assert_served_from(pebble, served, ["a.test", "www.a.test"])
    www = h.served_chain("www.a.test")
    assert www.verified and www.leaf.serial == served.leaf.serial
    r = h.https_get("/", "a.test", cafile=pebble.trust_anchor_file)
    assert r.status == 200 and "mod_acme test" in r.text


def test_200_02_two_vhosts_two_certificates(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed("a.test"),
                                      VHost.managed("b.test")]).start()
    a = h.wait_for_cert("a.test")
    b = h.wait_for_cert("b.test")
    assert_served_from(pebble, a, ["a.test"])
    assert_served_from(pebble, b, ["b.test"])
    assert a.leaf.serial != b.leaf.serial


def test_200_03_one_domain_several_names(pebble, httpd_factory):
    names = ["a.test", "www.a.test", "api.a.test"]
    h = httpd_factory(pebble, vhosts=[VHost.managed(*names)]).start()
    served = h.wait_for_cert("a.test")
    assert_served_from(pebble, served, names)
    for name in names[1:]:
        other = h.served_chain(name)
        assert other.verified and other.leaf.serial == served.leaf.serial, name


def _directive_path(conf_text, directive, server_root):
    m = re.search(rf"^\s*{directive}\s+\"?([^\"\s]+)\"?\s*$", conf_text, re.M | re.I)
    assert m, f"no {directive} in ssl.conf:\n{conf_text}"
    return os.path.join(server_root, m.group(1))


def test_200_04_store_files(pebble, httpd_factory):
    h = httpd_factory(pebble).start()
    served = h.wait_for_cert("a.test")
    live = h.store_path("live", "a.test")
    assert os.path.islink(live), f"{live} is not a symlink"
    files = {n: os.path.join(live, n)
             for n in ("fullchain.pem", "cert.pem", "chain.pem", "privkey.pem", "ssl.conf")}
    for path in files.values():
        assert os.path.isfile(path), path
    text = {n: open(p).read() for n, p in files.items()}

    assert stat.S_IMODE(os.stat(files["privkey.pem"]).st_mode) == 0o600
    fullchain = certs.split_pem(text["fullchain.pem"])
    assert fullchain == certs.split_pem(text["cert.pem"]) + certs.split_pem(text["chain.pem"])
    assert len(certs.split_pem(text["cert.pem"])) == 1
    assert certs.CertInfo(fullchain[0]).serial == served.leaf.serial
    assert [certs.CertInfo(p).der() for p in fullchain[1:]] == \
        [certs.CertInfo(pebble.intermediate_pem).der()]
    key = serialization.load_pem_private_key(text["privkey.pem"].encode(), None)
    pub = serialization.PublicFormat.SubjectPublicKeyInfo
    assert key.public_key().public_bytes(serialization.Encoding.DER, pub) == \
        served.leaf.cert.public_key().public_bytes(serialization.Encoding.DER, pub)

    # httpd here is >= 2.4.8: SSLCertificateFile takes the full chain.
    cert_file = _directive_path(text["ssl.conf"], "SSLCertificateFile", h.server_root)
    key_file = _directive_path(text["ssl.conf"], "SSLCertificateKeyFile", h.server_root)
    assert os.path.basename(cert_file) == "fullchain.pem" and os.path.isfile(cert_file)
    assert os.path.basename(key_file) == "privkey.pem" and os.path.isfile(key_file)

    assert len(h.account_files()) == 1, h.account_files()


def test_200_05_ssl_conf_is_includable(pebble, httpd_factory):
    # An admin who prefers explicit files Includes ssl.conf in a vhost of its own.
    h = httpd_factory(pebble).start()
    h.wait_for_cert("a.test")
    ssl_conf = h.store_path("live", "a.test", "ssl.conf")
    plain = httpd_factory(pebble, vhosts=[VHost("a.test", extra=f"Include {ssl_conf}")])
    rc, out = plain.check()
    assert rc == 0 and "Syntax OK" in out, out
