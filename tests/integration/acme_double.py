"""A scripted ACME CA: a test double, not a CA.

It speaks just enough RFC 8555 over HTTPS on 127.0.0.1 for a client to get a
nonce, create an account, create an order, fetch its authorizations and
respond to an http-01 challenge, and it records what the client did. It never
validates a challenge and never issues a certificate. It decodes JWS
(protected header and payload, base64url) and checks the nonce and "url"
header, but does not verify signatures: real protocol conformance is tested
against pebble; this double exists for what pebble cannot script.

Mode "hold": authorizations stay pending forever. The client has published
the key authorization for each token by the time it responds to the
challenge, so a test can fetch it from httpd and compare with
key_authorization(token) = token "." base64url(SHA-256(JWK thumbprint input)).

Mode "issue": orders complete. When the client responds to a challenge the
double validates it as a CA would, at once: GET
http://127.0.0.1:<http_port>/.well-known/acme-challenge/<token> with
Host: <identifier>, compared with the key authorization of the requesting
account (so a valid authorization also proves the client's http-01 answer;
every attempt is in `validations`). finalize signs the CSR's public key
with the names of its subjectAltName, from a throwaway root -> intermediate
(TestIssuer, python cryptography); the root is written to
<workdir>/double-root.pem, which is then `trust_anchor_file`. The knob
`chain` decides what the certificate URL returns (it may be changed between
orders):
  "full"  leaf + intermediate
  "up"    leaf only, with Link: <.../issuer/1>;rel="up"; that URL answers
          POST-as-GET with the intermediate (counted in `up_fetches`)
  "aia"   leaf only, no up link; the leaf carries an AIA caIssuers URL on a
          plain-HTTP server of the double on 127.0.0.1 that answers with the
          intermediate in DER (counted in `aia_fetches`)
  "leaf"  leaf only, nothing to fetch the issuer from
`issued` lists the leaf certificates (cryptography objects) in order.

Mode "reject": newOrder answers with a problem document (default 429
rateLimited, `problem=(status, type, detail)` to change it); nothing else
changes, so a client's account works and its orders always fail.

Renewal knobs (with mode "issue"; RFC 9773, draft-ietf-acme-profiles,
RFC 8555 §6.6), each off by default:
  renewal_info         callable(index, leaf) -> (start, end) datetimes or None;
                       the directory then offers "renewalInfo", and GET
                       renewalInfo/<certID> of issued[index] answers that
                       suggestedWindow (None, or an unknown certID: 404).
                       Every request is in `renewal_info_requests`
                       (time.time(), certID, index or None).
  renewal_retry_after  Retry-After of those answers (default "21600")
  profiles             {name: description} as the directory's meta.profiles
  order_retry_after    (n, value): the first n newOrders get 429 rateLimited
                       with Retry-After: value
`new_orders` records every newOrder, refused ones too: {"time": time.time(),
"status", "replaces", "profile"}; cert_id(leaf) is RFC 9773 §4.1's certID.

One authorization (and token) per identifier, reused by every order, so a
client that retries keeps publishing the same token.

To grow it (Retry-After, ARI, ...), add a mode and a row in ROUTES;
handlers return Reply objects, so a mode can change status, headers or body
in one place.
"""
import base64
import datetime
import hashlib
import http.client
import json
import os
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import certs

MODES = ("hold", "issue", "reject")
CHAINS = ("full", "up", "aia", "leaf")
URN = "urn:ietf:params:acme:error:"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwk_thumbprint(jwk):
    """RFC 7638: SHA-256 over the required members, sorted, no whitespace."""
    required = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"),
                "OKP": ("crv", "kty", "x")}[jwk["kty"]]
    canonical = json.dumps({k: jwk[k] for k in required}, sort_keys=True,
                           separators=(",", ":"))
    return b64url(hashlib.sha256(canonical.encode()).digest())


def _rfc3339(delta):
    t = datetime.datetime.now(datetime.timezone.utc) + delta
    return t.replace(microsecond=0).isoformat().replace("+00:00", "Z")


class TestIssuer:
    """A throwaway root -> intermediate that signs leaf certificates.

    Subject names carry a random tag, so a log line naming one is unambiguous.
    """

    def __init__(self, tag=None, validity=datetime.timedelta(days=30)):
        tag = tag or secrets.token_hex(4)
        self.validity = validity
        now = datetime.datetime.now(datetime.timezone.utc)
        start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=365)
        self.root_cn = f"acme-double root {tag}"
        self.intermediate_cn = f"acme-double intermediate {tag}"
        self.root, self.root_key = certs.make_ca(self.root_cn, path_length=1, start=start,
                                                 end=end)
        self.intermediate, self.intermediate_key = certs.make_ca(
            self.intermediate_cn, issuer=(self.root, self.root_key), start=start, end=end)

    @staticmethod
    def pem(cert):
        return certs.pem(cert)

    @staticmethod
    def der(cert):
        return cert.public_bytes(serialization.Encoding.DER)

    def sign_csr(self, csr, names, ca_issuers_url=None):
        """A leaf for the CSR's public key, naming names (dNSNames)."""
        now = datetime.datetime.now(datetime.timezone.utc)
        leaf, _ = certs.make_leaf(names, (self.intermediate, self.intermediate_key),
                                  public_key=csr.public_key(),
                                  start=now - datetime.timedelta(minutes=5),
                                  end=now + self.validity, ca_issuers_url=ca_issuers_url)
        return leaf


class Problem(Exception):
    def __init__(self, status, kind, detail, headers=None):
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail
        self.headers = dict(headers or {})


@dataclass
class Reply:
    status: int
    body: object = None                      # dict/list -> JSON, bytes as is, None -> empty
    headers: dict = field(default_factory=dict)  # a list value: that header repeated
    content_type: str = "application/json"


@dataclass
class Jws:
    protected: dict
    payload: object    # parsed JSON, or None for POST-as-GET (empty payload)
    account: dict      # the account for "kid", None for "jwk" requests


class AcmeDouble:
    # (method, first path segment) -> handler name. POSTs are JWS-decoded first.
    ROUTES = {
        ("GET", "dir"): "directory",
        ("HEAD", "nonce"): "new_nonce",
        ("GET", "nonce"): "new_nonce_get",
        ("POST", "new-account"): "new_account",
        ("POST", "new-order"): "new_order",
        ("POST", "acct"): "account",
        ("POST", "order"): "order",
        ("POST", "authz"): "authorization",
        ("POST", "chall"): "challenge",
        ("POST", "finalize"): "finalize",
        ("POST", "cert"): "certificate",
        ("POST", "issuer"): "issuer",
        ("GET", "renewalInfo"): "renewal_info",
    }
    REJECT_PROBLEM = (429, "rateLimited",
                      "too many certificates already issued for this name (test double)")

    def __init__(self, cert_file, key_file, ca_file, mode="hold",
                 challenge_types=("http-01",), host="127.0.0.1", port=0,
                 workdir=None, http_port=None, chain="full", problem=None,
                 validity=datetime.timedelta(days=30), renewal_info=None,
                 renewal_retry_after="21600", profiles=None, order_retry_after=None):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}, have {MODES}")
        if chain not in CHAINS:
            raise ValueError(f"unknown chain {chain!r}, have {CHAINS}")
        if mode == "issue" and (workdir is None or http_port is None):
            raise ValueError("mode 'issue' needs workdir (for the root) and http_port "
                             "(where it validates http-01)")
        self.mode = mode
        self.challenge_types = tuple(challenge_types)
        self.ca_file = ca_file                 # trust for our HTTPS listener
        self.trust_anchor_file = ca_file       # hold/reject issue nothing: any existing PEM
        self.http_port = http_port
        self.chain = chain
        self.problem = tuple(problem) if problem else self.REJECT_PROBLEM
        self.issuer = None
        self.issued = []          # leaf certificates, in order
        self.validations = []     # (host, token, HTTP status or error text, ok)
        self.up_fetches = 0
        self.renewal_info = renewal_info
        self.renewal_retry_after = renewal_retry_after
        self.profiles = dict(profiles or {})
        self.order_retry_after = list(order_retry_after) if order_retry_after else [0, None]
        self.new_orders = []
        self.renewal_info_requests = []
        self._aia = None
        self._lock = threading.Lock()
        self._nonces = set()
        self._ids = iter(range(1, 1 << 30))
        self.accounts = {}        # id -> {"jwk", "thumbprint", "payload"}
        self.orders = {}          # id -> order dict (without URLs resolved)
        self.authzs = {}          # id -> {"identifier", "challenges": [...]}
        self._authz_by_ident = {}
        self.tokens = {}          # host -> http-01 token
        self.responded = set()    # tokens whose challenge the client answered
        self.log = []             # (method, path, status) of every request
        self._server = _Server((host, port), _Handler, self)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert_file, key_file)
        # Handshake in the handler thread, not in accept(): one stuck client
        # must not block the listener.
        self._server.socket = ctx.wrap_socket(self._server.socket, server_side=True,
                                              do_handshake_on_connect=False)
        self._thread = None
        if mode == "issue":
            self.issuer = TestIssuer(validity=validity)
            self.trust_anchor_file = os.path.join(workdir, "double-root.pem")
            with open(self.trust_anchor_file, "wb") as f:
                f.write(TestIssuer.pem(self.issuer.root))
            os.chmod(self.trust_anchor_file, 0o644)   # httpd's children read it
            self._aia = _AiaServer(host, TestIssuer.der(self.issuer.intermediate))

    # ---- lifecycle and what tests read ---------------------------------
    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def base_url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def directory_url(self):
        return f"{self.base_url}/dir"

    @property
    def intermediate_cn(self):
        return self.issuer.intermediate_cn if self.issuer else None

    @property
    def intermediate_pem(self):
        return TestIssuer.pem(self.issuer.intermediate).decode() if self.issuer else None

    @property
    def aia_url(self):
        return self._aia.url if self._aia else None

    @property
    def aia_fetches(self):
        return self._aia.hits if self._aia else 0

    def issued_by_me(self, leaf_pem):
        """True if leaf (PEM) is one of the certificates this double issued."""
        if isinstance(leaf_pem, str):
            leaf_pem = leaf_pem.encode()
        der = x509.load_pem_x509_certificate(leaf_pem).public_bytes(serialization.Encoding.DER)
        with self._lock:
            return any(TestIssuer.der(c) == der for c in self.issued)

    def start(self):
        if self._aia is not None:
            self._aia.start()
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        name="acme-double", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()
        if self._aia is not None:
            self._aia.stop()

    @property
    def thumbprint(self):
        """Thumbprint of the (most recent) account key, None before newAccount."""
        with self._lock:
            if not self.accounts:
                return None
            return self.accounts[max(self.accounts)]["thumbprint"]

    def key_authorization(self, token):
        return f"{token}.{self.thumbprint}"

    def wait_responded(self, host, timeout=30, alive=None):
        """Wait until the client answered host's http-01 challenge; its token.

        alive: callable that raises if the client (httpd) died meanwhile.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                token = self.tokens.get(host)
                if token in self.responded:
                    return token
                seen = list(self.log)
            if alive:
                alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"no http-01 response for {host} after {timeout}s;"
                                     f" requests the double saw: {seen[-20:]}")
            time.sleep(0.1)

    # ---- request plumbing ----------------------------------------------
    def url(self, kind, ident=None):
        return f"{self.base_url}/{kind}" + (f"/{ident}" if ident is not None else "")

    def _new_id(self):
        return next(self._ids)

    def _nonce(self):
        n = secrets.token_urlsafe(16)
        self._nonces.add(n)
        return n

    def handle(self, method, path, headers, body):
        """Route one request; returns a Reply (with a fresh Replay-Nonce)."""
        parts = path.split("?")[0].strip("/").split("/")
        kind, ident = parts[0], (parts[1] if len(parts) > 1 else None)
        name = self.ROUTES.get((method, kind))
        with self._lock:
            try:
                if name is None:
                    known = any(k == kind for _, k in self.ROUTES)
                    raise Problem(405 if known else 404, "malformed",
                                  f"no route for {method} {path}")
                if method == "POST":
                    jws = self._decode(headers, body, self.url(kind, ident), kind)
                    reply = getattr(self, "_" + name)(ident, jws)
                else:
                    reply = getattr(self, "_" + name)(ident, None)
            except Problem as p:
                reply = Reply(p.status, {"type": URN + p.kind, "detail": p.detail,
                                         "status": p.status}, p.headers,
                              content_type="application/problem+json")
            reply.headers.setdefault("Replay-Nonce", self._nonce())
            links = reply.headers.get("Link") or []
            links = [links] if isinstance(links, str) else list(links)
            reply.headers["Link"] = links + [f'<{self.directory_url}>;rel="index"']
            self.log.append((method, path, reply.status))
            return reply

    def _decode(self, headers, body, url, kind):
        if (headers.get("Content-Type") or "").split(";")[0].strip() != "application/jose+json":
            raise Problem(415, "malformed", "Content-Type must be application/jose+json")
        try:
            jws = json.loads(body)
            protected = json.loads(b64url_decode(jws["protected"]))
            raw = b64url_decode(jws["payload"])
            payload = json.loads(raw) if raw else None
            b64url_decode(jws["signature"])
        except (ValueError, KeyError, TypeError) as e:
            raise Problem(400, "malformed", f"cannot decode JWS: {e}")
        nonce = protected.get("nonce")
        if nonce not in self._nonces:
            raise Problem(400, "badNonce", f"unknown or used nonce {nonce!r}")
        self._nonces.discard(nonce)
        if protected.get("url") != url:
            raise Problem(401, "unauthorized", f"url {protected.get('url')!r} != {url!r}")
        if ("jwk" in protected) == ("kid" in protected):
            raise Problem(400, "malformed", "exactly one of jwk and kid")
        if kind == "new-account":
            if "jwk" not in protected:
                raise Problem(400, "malformed", "newAccount needs jwk")
            return Jws(protected, payload, None)
        if "kid" not in protected:
            raise Problem(400, "malformed", f"{kind} needs kid")
        acct_id = protected["kid"].rsplit("/", 1)[-1]
        account = self.accounts.get(int(acct_id)) if acct_id.isdigit() else None
        if account is None or protected["kid"] != self.url("acct", acct_id):
            raise Problem(400, "accountDoesNotExist", f"no account {protected['kid']}")
        return Jws(protected, payload, account)

    # ---- resources (RFC 8555 §7) -----------------------------------------
    def _directory(self, _, __):
        return Reply(200, {
            "newNonce": self.url("nonce"), "newAccount": self.url("new-account"),
            "newOrder": self.url("new-order"), "revokeCert": self.url("revoke"),
            "keyChange": self.url("key-change"),
            "meta": {"termsOfService": f"{self.base_url}/terms",
                     **({"profiles": self.profiles} if self.profiles else {})},
            **({"renewalInfo": self.url("renewalInfo")} if self.renewal_info else {}),
        })

    def _new_nonce(self, _, __):
        # §7.2: HEAD -> 200, GET -> 204; handle() adds the Replay-Nonce.
        return Reply(200, None, {"Cache-Control": "no-store"})

    def _new_nonce_get(self, _, __):
        return Reply(204, None, {"Cache-Control": "no-store"})

    def _new_account(self, _, jws):
        jwk = jws.protected["jwk"]
        thumb = jwk_thumbprint(jwk)
        for acct_id, acct in self.accounts.items():
            if acct["thumbprint"] == thumb:
                return Reply(200, self._account_body(acct),
                             {"Location": self.url("acct", acct_id)})
        payload = jws.payload or {}
        if payload.get("onlyReturnExisting"):
            raise Problem(400, "accountDoesNotExist", "no account for this key")
        if not payload.get("termsOfServiceAgreed"):
            raise Problem(403, "userActionRequired", "terms of service not agreed")
        acct_id = self._new_id()
        self.accounts[acct_id] = {"jwk": jwk, "thumbprint": thumb, "payload": payload}
        return Reply(201, self._account_body(self.accounts[acct_id]),
                     {"Location": self.url("acct", acct_id)})

    def _account_body(self, acct):
        return {"status": "valid", "contact": acct["payload"].get("contact", []),
                "orders": self.url("orders")}

    def _account(self, ident, jws):
        return Reply(200, self._account_body(jws.account))

    def _new_order(self, _, jws):
        payload = jws.payload or {}
        seen = {"time": time.time(), "status": 201, "replaces": payload.get("replaces"),
                "profile": payload.get("profile")}
        self.new_orders.append(seen)
        if self.order_retry_after[0] > 0:
            self.order_retry_after[0] -= 1
            seen["status"] = 429
            raise Problem(429, "rateLimited", "too many new orders (test double)",
                          {"Retry-After": self.order_retry_after[1]})
        if self.mode == "reject":
            seen["status"] = self.problem[0]
            raise Problem(*self.problem)
        idents = (jws.payload or {}).get("identifiers") or []
        if not idents or any(i.get("type") != "dns" or not i.get("value") for i in idents):
            raise Problem(400, "malformed", f"bad identifiers {idents!r}")
        order_id = self._new_id()
        self.orders[order_id] = {"identifiers": idents,
                                 "authzs": [self._authz_for(i["value"]) for i in idents],
                                 "cert": None}
        return Reply(201, self._order_body(order_id), {"Location": self.url("order", order_id)})

    def _authz_for(self, value):
        if value in self._authz_by_ident:
            return self._authz_by_ident[value]
        authz_id = self._new_id()
        challenges = []
        for ctype in self.challenge_types:
            token = b64url(secrets.token_bytes(32))
            challenges.append({"id": self._new_id(), "type": ctype, "token": token,
                               "status": "pending"})
            if ctype == "http-01":
                self.tokens[value] = token
        self.authzs[authz_id] = {"identifier": {"type": "dns", "value": value},
                                 "challenges": challenges}
        self._authz_by_ident[value] = authz_id
        return authz_id

    def _authz_status(self, authz_id):
        statuses = {c["status"] for c in self.authzs[authz_id]["challenges"]}
        if "valid" in statuses:
            return "valid"
        return "invalid" if "invalid" in statuses else "pending"

    def _order_status(self, order):
        statuses = [self._authz_status(a) for a in order["authzs"]]
        if "invalid" in statuses:
            return "invalid"
        if any(s != "valid" for s in statuses):
            return "pending"
        return "valid" if order["cert"] is not None else "ready"

    def _order_body(self, order_id):
        order = self.orders[order_id]
        body = {"status": self._order_status(order),
                "expires": _rfc3339(datetime.timedelta(days=1)),
                "identifiers": order["identifiers"],
                "authorizations": [self.url("authz", a) for a in order["authzs"]],
                "finalize": self.url("finalize", order_id)}
        if order["cert"] is not None:
            body["certificate"] = self.url("cert", order["cert"])
        if body["status"] == "invalid":
            body["error"] = {"type": URN + "unauthorized",
                             "detail": "an authorization of this order failed"}
        return body

    def _lookup(self, table, ident, what):
        obj = table.get(int(ident)) if ident and ident.isdigit() else None
        if obj is None:
            raise Problem(404, "malformed", f"no {what} {ident}")
        return obj

    def _order(self, ident, jws):
        self._lookup(self.orders, ident, "order")
        return Reply(200, self._order_body(int(ident)))

    def _challenge_body(self, ch):
        body = {"type": ch["type"], "url": self.url("chall", ch["id"]),
                "token": ch["token"], "status": ch["status"]}
        if ch.get("error"):
            body["error"] = ch["error"]
        return body

    def _authorization(self, ident, jws):
        authz = self._lookup(self.authzs, ident, "authorization")
        return Reply(200, {"identifier": authz["identifier"],
                           "status": self._authz_status(int(ident)),
                           "expires": _rfc3339(datetime.timedelta(days=1)),
                           "challenges": [self._challenge_body(c)
                                          for c in authz["challenges"]]})

    def _challenge(self, ident, jws):
        for authz_id, authz in self.authzs.items():
            for ch in authz["challenges"]:
                if str(ch["id"]) == ident:
                    if jws.payload is not None and ch["status"] in ("pending", "processing"):
                        # a response, not POST-as-GET
                        self.responded.add(ch["token"])
                        if self.mode == "issue" and ch["type"] == "http-01":
                            self._validate(authz["identifier"]["value"], ch, jws.account)
                        else:
                            ch["status"] = "processing"  # hold: never decided
                    return Reply(200, self._challenge_body(ch),
                                 {"Link": f'<{self.url("authz", authz_id)}>;rel="up"'})
        raise Problem(404, "malformed", f"no challenge {ident}")

    def _validate(self, host, ch, account):
        """http-01 as a CA's VA does it (RFC 8555 §8.3), at once, on httpd's HTTP port."""
        expected = f'{ch["token"]}.{account["thumbprint"]}'.encode()
        path = f'/.well-known/acme-challenge/{ch["token"]}'
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=5)
            try:
                conn.request("GET", path, headers={"Host": host, "Connection": "close"})
                r = conn.getresponse()
                status, body = r.status, r.read()
            finally:
                conn.close()
        except OSError as e:
            self.validations.append((host, ch["token"], str(e), False))
            ch["status"], ch["error"] = "invalid", {
                "type": URN + "connection", "detail": f"fetching http://{host}{path}: {e}"}
            return
        ok = status == 200 and body.rstrip() == expected
        self.validations.append((host, ch["token"], status, ok))
        if ok:
            ch["status"] = "valid"
        else:
            ch["status"], ch["error"] = "invalid", {
                "type": URN + "unauthorized",
                "detail": f"http://{host}{path} answered {status} {body[:100]!r},"
                          f" expected {expected.decode()!r}"}

    def _finalize(self, ident, jws):
        order = self._lookup(self.orders, ident, "order")
        if self.mode != "issue":
            raise Problem(403, "orderNotReady", "authorizations are pending (hold mode)")
        status = self._order_status(order)
        if status != "ready":
            raise Problem(403, "orderNotReady", f"order is {status}")
        try:
            csr = x509.load_der_x509_csr(b64url_decode((jws.payload or {})["csr"]))
            sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            names = sans.value.get_values_for_type(x509.DNSName)
        except (KeyError, TypeError, ValueError, x509.ExtensionNotFound) as e:
            raise Problem(400, "badCSR", f"cannot read the CSR: {e}")
        if not csr.is_signature_valid:
            raise Problem(400, "badCSR", "CSR signature does not verify")
        wanted = sorted(i["value"] for i in order["identifiers"])
        if sorted(names) != wanted:
            raise Problem(400, "badCSR", f"CSR names {sorted(names)} != order {wanted}")
        leaf = self.issuer.sign_csr(csr, names, self.aia_url if self.chain == "aia" else None)
        self.issued.append(leaf)
        order["cert"] = len(self.issued)              # /cert/<n>, 1-based
        order["chain"] = self.chain                   # as the knob was at issuance
        return Reply(200, self._order_body(int(ident)), {"Location": self.url("order", ident)})

    def _certificate(self, ident, jws):
        order = next((o for o in self.orders.values()
                      if o.get("cert") is not None and str(o["cert"]) == ident), None)
        if order is None:
            raise Problem(404, "malformed", f"no certificate {ident}")
        pem = TestIssuer.pem(self.issued[order["cert"] - 1])
        headers = {}
        if order["chain"] == "full":
            pem += TestIssuer.pem(self.issuer.intermediate)
        elif order["chain"] == "up":
            headers["Link"] = [f'<{self.url("issuer", 1)}>;rel="up"']
        return Reply(200, pem, headers, content_type="application/pem-certificate-chain")

    def _issuer(self, ident, jws):
        if self.issuer is None or ident != "1":
            raise Problem(404, "malformed", f"no issuer {ident}")
        self.up_fetches += 1
        return Reply(200, TestIssuer.pem(self.issuer.intermediate),
                     content_type="application/pem-certificate-chain")


    # ---- renewal information (RFC 9773) ---------------------------------
    @staticmethod
    def cert_id(leaf):
        """§4.1: base64url(AKI keyIdentifier) "." base64url(serial DER content)."""
        aki = leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
        serial = leaf.serial_number
        content = serial.to_bytes(serial.bit_length() // 8 + 1, "big")  # sign bit stays 0
        return f"{b64url(aki.key_identifier)}.{b64url(content)}"

    def _renewal_info(self, ident, _):
        """§4.1: unauthenticated GET renewalInfo/<certID>."""
        index = next((i for i, leaf in enumerate(self.issued)
                      if self.cert_id(leaf) == ident), None)
        self.renewal_info_requests.append((time.time(), ident, index))
        window = self.renewal_info(index, self.issued[index]) if index is not None else None
        if window is None:
            raise Problem(404, "malformed", f"no renewal information for {ident}")
        start, end = (t.astimezone(datetime.timezone.utc).replace(microsecond=0)
                      .isoformat().replace("+00:00", "Z") for t in window)
        headers = {"Retry-After": self.renewal_retry_after} if self.renewal_retry_after else {}
        return Reply(200, {"suggestedWindow": {"start": start, "end": end},
                           "explanationURL": f"{self.base_url}/why"}, headers)


class _AiaServer:
    """Plain HTTP on 127.0.0.1: GET /intermediate.der -> the intermediate in DER."""

    PATH = "/intermediate.der"

    def __init__(self, host, der):
        self.der = der
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            timeout = 10

            def do_GET(self):
                if self.path != server.PATH:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                server.hits += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-cert")
                self.send_header("Content-Length", str(len(server.der)))
                self.end_headers()
                self.wfile.write(server.der)

            def log_message(self, fmt, *args):
                pass

        self._httpd = ThreadingHTTPServer((host, 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = None

    @property
    def url(self):
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{self.PATH}"

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        name="acme-double-aia", daemon=True)
        self._thread.start()

    def stop(self):
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._thread = None
        self._httpd.server_close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, double):
        self.double = double
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10

    def _serve(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        reply = self.server.double.handle(method, self.path, self.headers, body)
        if isinstance(reply.body, (dict, list)):
            data = json.dumps(reply.body).encode()
        else:
            data = reply.body or b""
        self.send_response(reply.status)
        for k, v in reply.headers.items():
            for value in ([v] if isinstance(v, str) else v):
                self.send_header(k, value)
        if data:
            self.send_header("Content-Type", reply.content_type)
        if reply.status != 204:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(data)

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        self._serve("POST")

    def log_message(self, fmt, *args):
        pass
