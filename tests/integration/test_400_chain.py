"""Chain completion: a set is verified like a client would before it goes
live, and a CA that sends the leaf alone does not make the module serve an
incomplete chain.

Four ACME test doubles in "issue" mode (they validate the module's http-01
answers on our HTTP port and sign the CSR from a throwaway root ->
intermediate) each send the certificate differently; one httpd manages one
name per double (ACMECertificateAuthority and ACMETrustAnchorFile per
vhost), so one round of activation serves them all:

  full.test  leaf + intermediate
  up.test    leaf only + Link: <issuer URL>;rel="up" (fetched with POST-as-GET)
  aia.test   leaf only, AIA caIssuers -> a plain-HTTP URL serving the DER
  leaf.test  leaf only, nothing to fetch: never served
"""
import re

import pytest
from cryptography import x509

from harness import certs, client
from harness.httpd import VHost

KNOBS = {"full.test": "full", "up.test": "up", "aia.test": "aia", "leaf.test": "leaf"}


@pytest.fixture(scope="module")
def chains(session):
    """(httpd, {name: double}) with full/up/aia/leaf.test managed, started."""
    doubles, h = {}, None
    try:
        for name, knob in KNOBS.items():
            doubles[name] = session.new_double("issue", workdir=session.mkdir("double"),
                                               http_port=session.http_port, chain=knob)
        vhosts = [VHost.managed(name, extra=f"""
                      ACMECertificateAuthority {d.directory_url}
                      ACMETrustAnchorFile {d.trust_anchor_file}
                  """) for name, d in doubles.items()]
        h = session.new_httpd(None, vhosts=vhosts,
                              acme={"ACMECACertificateFile": session.listener.root_file})
        h.start()
        yield h, doubles
    finally:
        if h is not None:
            session.release(h)
        for d in doubles.values():
            d.stop()


def assert_complete(h, double, name):
    """name is served leaf + the double's intermediate, and a strict client
    (openssl s_client -verify_return_error -CAfile root) accepts it."""
    served = client.wait_for_cert(h.https_port, name, double, timeout=60, alive=h.assert_alive)
    assert served.verified, served.output
    assert len(served.chain) == 2, f"{name}: expected leaf + intermediate:\n{served.output}"
    assert certs.CertInfo(served.chain[1]).der() == \
        certs.CertInfo(double.intermediate_pem).der(), served.chain[1]
    assert served.leaf.sans == [name]
    assert double.validations and all(v[3] for v in double.validations), double.validations
    r = h.https_get("/", name, cafile=double.trust_anchor_file)
    assert r.status == 200 and "mod_acme test" in r.text, (r.status, r.text)
    return served


def aia_urls(cert):
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [d.access_location.value for d in aia]


def test_400_01_full_chain_served(chains):
    h, doubles = chains
    assert_complete(h, doubles["full.test"], "full.test")


def test_400_02_up_link_fetched(chains):
    h, doubles = chains
    d = doubles["up.test"]
    served = assert_complete(h, d, "up.test")
    assert aia_urls(served.leaf.cert) == [], "the up link must be the only way to the issuer"
    assert d.up_fetches >= 1, f"the module never fetched the up link: {d.log[-20:]}"


def test_400_03_aia_ca_issuers_fetched(chains):
    h, doubles = chains
    d = doubles["aia.test"]
    served = assert_complete(h, d, "aia.test")
    assert aia_urls(served.leaf.cert) == [d.aia_url]
    assert d.aia_fetches >= 1, "the module never fetched the AIA caIssuers URL"


def test_400_04_leaf_only_never_served(chains):
    h, doubles = chains
    d = doubles["leaf.test"]
    # Two failed attempts (ACMERetryDelay 2s), each naming the missing issuer.
    for attempt in (1, 2):
        line = h.wait_for_log(rf"ACME10022[^\n]*leaf\.test[^\n]*\(attempt {attempt}\)[^\n]*",
                              timeout=30).group(0)
        assert d.intermediate_cn in line, f"ACME10022 does not name the missing issuer:\n{line}"
    assert d.issued, "the double issued nothing: the failure is not about the chain"
    # The other names were activated meanwhile (graceful restarts): still the fallback.
    h.wait_for_log(r"ACME10032", timeout=30)
    served = client.served_chain(h.https_port, "leaf.test", verify=False)
    assert served.returncode == 0 and served.chain, served.output
    assert served.leaf.self_issued, f"not the self-signed fallback: {served.leaf}"
    assert "leaf.test" in served.leaf.names()
    assert not d.issued_by_me(served.chain[0])
    strict = client.served_chain(h.https_port, "leaf.test", cafile=d.trust_anchor_file)
    assert not strict.verified, strict.output
    assert h.https_get("/", "leaf.test").status == 503
    log = h.error_log_text()
    assert not re.search(r"ACME1003[02][^\n]*leaf\.test", log), \
        "a leaf without its issuer was staged or activated"
    missing = re.findall(r"ACME10171[^\n]*", log)
    assert missing, "no ACME10171 line about the missing issuer"
    assert any(d.intermediate_cn in line for line in missing), missing
