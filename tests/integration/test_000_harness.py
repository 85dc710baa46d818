"""The harness itself: the ACME test double answers a minimal RFC 8555 client
the way tests rely on (hold mode, stable tokens, thumbprint per RFC 7638).
No httpd here; a broken double would make test_100/test_210 meaningless.
"""
import json
import ssl
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from acme_double import b64url, jwk_thumbprint


class MiniClient:
    """Just enough of an ACME client (ES256) to drive the double."""

    def __init__(self, directory_url, cafile):
        self.ctx = ssl.create_default_context(cafile=cafile)
        self.key = ec.generate_private_key(ec.SECP256R1())
        nums = self.key.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": b64url(nums.x.to_bytes(32, "big")),
                    "y": b64url(nums.y.to_bytes(32, "big"))}
        self.kid = None
        self.dir = json.loads(self.request("GET", directory_url)[2])
        self.nonce = None

    def request(self, method, url, body=None, headers=None):
        req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=self.ctx, timeout=5) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def post(self, url, payload, nonce=None):
        if nonce is None:
            nonce = self.nonce or self.request("HEAD", self.dir["newNonce"])[1]["Replay-Nonce"]
        protected = {"alg": "ES256", "nonce": nonce, "url": url}
        protected.update({"kid": self.kid} if self.kid else {"jwk": self.jwk})
        p64 = b64url(json.dumps(protected).encode())
        pl64 = "" if payload is None else b64url(json.dumps(payload).encode())
        r, s = decode_dss_signature(self.key.sign(f"{p64}.{pl64}".encode(),
                                                  ec.ECDSA(hashes.SHA256())))
        jws = {"protected": p64, "payload": pl64,
               "signature": b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}
        status, headers, body = self.request(
            "POST", url, json.dumps(jws).encode(), {"Content-Type": "application/jose+json"})
        self.nonce = headers.get("Replay-Nonce")
        return status, headers, json.loads(body) if body else None


def test_000_01_thumbprint_rfc7638_vector():
    # RFC 7638 §3.1 example key and its thumbprint.
    jwk = {"kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
           "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6"
                "tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5"
                "v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbIS"
                "D08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
                "kEgU8awapJzKnqDKgw"}
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_000_02_double_hold_flow(acme_double):
    c = MiniClient(acme_double.directory_url, acme_double.ca_file)
    status, headers, acct = c.post(c.dir["newAccount"], {"termsOfServiceAgreed": True})
    assert status == 201 and headers["Location"]
    c.kid = headers["Location"]
    assert acme_double.thumbprint == jwk_thumbprint(c.jwk)

    status, headers, order = c.post(c.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "a.test"}, {"type": "dns", "value": "www.a.test"}]})
    assert status == 201 and headers["Location"] and order["status"] == "pending"
    for url in order["authorizations"]:
        _, _, authz = c.post(url, None)
        (ch,) = [x for x in authz["challenges"] if x["type"] == "http-01"]
        assert acme_double.tokens[authz["identifier"]["value"]] == ch["token"]
        status, _, ch2 = c.post(ch["url"], {})
        assert status == 200 and ch2["status"] == "processing"
        assert ch["token"] in acme_double.responded
        _, _, authz = c.post(url, None)
        assert authz["status"] == "pending"          # hold: forever
    assert acme_double.key_authorization(acme_double.tokens["a.test"]) == \
        f'{acme_double.tokens["a.test"]}.{jwk_thumbprint(c.jwk)}'

    # A second order for the same name reuses the authorization and token.
    _, _, order2 = c.post(c.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "a.test"}]})
    assert order2["authorizations"][0] == order["authorizations"][0]
    assert c.post(order2["finalize"], {"csr": "x"})[2]["type"].endswith(":orderNotReady")

    # A used nonce is refused as a CA would.
    used = c.nonce
    c.post(c.dir["newOrder"], {"identifiers": [{"type": "dns", "value": "b.test"}]})
    status, _, problem = c.post(c.dir["newOrder"], {"identifiers": [
        {"type": "dns", "value": "b.test"}]}, nonce=used)
    assert status == 400 and problem["type"] == "urn:ietf:params:acme:error:badNonce"
    assert len(acme_double.accounts) == 1
