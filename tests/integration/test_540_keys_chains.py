"""Key types, alternate chains and IP identifiers, against a real pebble.

- `ACMEKeyType p256 rsa2048`: two certificates for one vhost, both handed
  to mod_ssl; an ECDSA-only client gets the ECDSA one, an RSA-only client
  the RSA one, both verify against pebble's root. Files: live/a.test/
  (first type, the usual layout) and live/a.test_rsa2048/.
- `ACMEPreferredChain`: pebble with PEBBLE_ALTERNATE_ROOTS=1 offers a second
  chain (the same intermediate key, cross-signed by a second root); naming
  that root makes it the chain httpd serves.
- `ACMEDomain 127.0.0.1` (RFC 8738): a certificate with the iPAddress SAN
  127.0.0.1, served to a client that connects to 127.0.0.1 without SNI.
"""
import ipaddress
import json
import os
import subprocess
import time

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from harness import certs
from harness.httpd import VHost

ECDSA_TLS12 = ["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"]
RSA_TLS12 = ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"]
ECDSA_TLS13 = ["-tls1_3", "-sigalgs", "ECDSA+SHA256"]
RSA_TLS13 = ["-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"]


def s_client(port, cafile, args, servername="a.test"):
    """(verified, [PEM...]) as `openssl s_client` with these args sees it."""
    argv = ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-showcerts",
            "-CAfile", cafile, "-verify_return_error", *args]
    argv += ["-servername", servername] if servername else ["-noservername"]
    r = subprocess.run(argv, input=b"", capture_output=True, timeout=20)
    out = r.stdout.decode(errors="replace")
    return r.returncode == 0 and "Verify return code: 0 (ok)" in out, certs.split_pem(out)


def wait_served(httpd, ca, cafile, args, servername="a.test", timeout=90):
    """The chain served to a client with args once it verifies and pebble issued it."""
    deadline = time.monotonic() + timeout
    while True:
        ok, chain = s_client(httpd.https_port, cafile, args, servername)
        if ok and chain and ca.issued_by_me(chain[0]):
            return chain
        httpd.assert_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"no verified certificate from pebble for {args} after "
                                 f"{timeout}s:\n{httpd.log_tail()}")
        time.sleep(0.25)


def status_record(httpd, name, timeout=15):
    """status/<name>.json once it names the live serial."""
    path = httpd.store_path("status", f"{name}.json")
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as f:
                record = json.load(f)
            if record.get("serial") and record.get("state") == "valid":
                return record
        except (OSError, ValueError):
            record = None
        if time.monotonic() > deadline:
            raise AssertionError(f"{path}: no valid record after {timeout}s: {record}")
        time.sleep(0.25)


def leaf_key(pem):
    return certs.load(pem).public_key()


def write_anchor_file(directory, *pems):
    path = os.path.join(directory, "anchors.pem")
    with open(path, "w") as f:
        f.write("".join(pems))
    os.chmod(path, 0o644)
    return path


def test_540_01_two_key_types_each_client_gets_what_it_supports(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed("a.test", "www.a.test",
                                                    extra="ACMEKeyType p256 rsa2048")]).start()
    root = pebble.trust_anchor_file
    ec_chain = wait_served(h, pebble, root, ECDSA_TLS12)
    rsa_chain = wait_served(h, pebble, root, RSA_TLS12)
    assert isinstance(leaf_key(ec_chain[0]), ec.EllipticCurvePublicKey)
    assert isinstance(leaf_key(rsa_chain[0]), rsa.RSAPublicKey)
    assert leaf_key(rsa_chain[0]).key_size == 2048
    for chain in (ec_chain, rsa_chain):
        assert len(chain) == 2 and pebble.issued_by_me(chain[0])
        assert sorted(certs.CertInfo(chain[0]).sans) == ["a.test", "www.a.test"]
    assert certs.CertInfo(ec_chain[0]).serial != certs.CertInfo(rsa_chain[0]).serial
    # TLS 1.3 clients choose by signature algorithm.
    assert isinstance(leaf_key(wait_served(h, pebble, root, ECDSA_TLS13)[0]),
                      ec.EllipticCurvePublicKey)
    assert isinstance(leaf_key(wait_served(h, pebble, root, RSA_TLS13)[0]), rsa.RSAPublicKey)

    # Files: the first type keeps the plain layout, the second its own set.
    for name, chain in (("a.test", ec_chain), ("a.test_rsa2048", rsa_chain)):
        live = h.store_path("live", name)
        assert os.path.islink(live), live
        with open(os.path.join(live, "cert.pem")) as f:
            assert certs.CertInfo(f.read()).serial == certs.CertInfo(chain[0]).serial
    for name, key_type, chain in (("a.test", "p256", ec_chain),
                                  ("a.test_rsa2048", "rsa2048", rsa_chain)):
        record = status_record(h, name)
        assert record["key_type"] == key_type and record["names"] == ["a.test", "www.a.test"]
        assert int(record["serial"], 16) == certs.CertInfo(chain[0]).serial, record


def test_540_02_preferred_chain_picks_the_alternate_root(session, pebble_factory, httpd_factory):
    ca = pebble_factory(env={"PEBBLE_ALTERNATE_ROOTS": "1"})
    mgmt = f"https://127.0.0.1:{ca.management_port}"
    root1 = ca.get(f"{mgmt}/roots/1").decode()
    inter1 = ca.get(f"{mgmt}/intermediates/1").decode()
    alt_cn = certs.CertInfo(root1).common_name
    default_cn = certs.CertInfo(ca.root_pem).common_name
    assert alt_cn != default_cn and certs.signed_by(certs.load(inter1), certs.load(root1))
    workdir = session.mkdir("anchors")
    both = write_anchor_file(workdir, ca.root_pem, root1)
    only_alt = write_anchor_file(session.mkdir("anchors"), root1)
    h = httpd_factory(ca, acme={"ACMETrustAnchorFile": both},
                      vhosts=[VHost.managed("a.test", extra=f'ACMEPreferredChain "{alt_cn}"')])
    h.start()
    chain = wait_served(h, ca, both, [])
    top = certs.load(chain[-1])
    assert top.issuer.rfc4514_string() == f"CN={alt_cn}", certs.CertInfo(chain[-1])
    assert certs.CertInfo(chain[-1]).der() == certs.CertInfo(inter1).der()
    ok, _ = s_client(h.https_port, only_alt, [])   # verifies against the alternate root alone
    assert ok
    h.wait_for_log(rf"ACME10130: ACMEPreferredChain '{alt_cn}': using the alternate chain ")


def test_540_03_preferred_chain_not_offered_keeps_the_default(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed(
        "a.test", extra='ACMEPreferredChain "No Such Root"')]).start()
    served = h.wait_for_cert("a.test")
    assert certs.CertInfo(served.chain[-1]).der() == certs.CertInfo(pebble.intermediate_pem).der()
    h.wait_for_log(r"ACME10130: ACMEPreferredChain 'No Such Root': no chain the CA offers ends "
                   r"at it \(topmost issuers: 'Pebble Root CA \w+'\); using the default chain")


def test_540_04_ip_identifier(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed("127.0.0.1")]).start()
    chain = wait_served(h, pebble, pebble.trust_anchor_file, ["-verify_ip", "127.0.0.1"],
                        servername=None)
    san = certs.load(chain[0]).extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("127.0.0.1")]
    assert san.value.get_values_for_type(x509.DNSName) == []
    assert os.path.islink(h.store_path("live", "127.0.0.1"))
    assert status_record(h, "127.0.0.1")["names"] == ["127.0.0.1"]
