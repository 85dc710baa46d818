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

One authorization (and token) per identifier, reused by every order, so a
client that retries keeps publishing the same token.

To grow it (Retry-After, ARI, orders whose chain omits intermediates), add a
mode and a row in ROUTES; handlers return Reply objects, so a mode can change
status, headers or body in one place.
"""
import base64
import datetime
import hashlib
import json
import secrets
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODES = ("hold",)
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


class Problem(Exception):
    def __init__(self, status, kind, detail):
        super().__init__(detail)
        self.status, self.kind, self.detail = status, kind, detail


@dataclass
class Reply:
    status: int
    body: object = None                      # dict/list -> JSON, bytes as is, None -> empty
    headers: dict = field(default_factory=dict)
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
    }

    def __init__(self, cert_file, key_file, ca_file, mode="hold",
                 challenge_types=("http-01",), host="127.0.0.1", port=0):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}, have {MODES}")
        self.mode = mode
        self.challenge_types = tuple(challenge_types)
        self.ca_file = ca_file                 # trust for our HTTPS listener
        self.trust_anchor_file = ca_file       # we issue nothing: any existing PEM
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

    def start(self):
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
                                         "status": p.status},
                              content_type="application/problem+json")
            reply.headers.setdefault("Replay-Nonce", self._nonce())
            reply.headers.setdefault("Link", f'<{self.directory_url}>;rel="index"')
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
            "meta": {"termsOfService": f"{self.base_url}/terms"},
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
        idents = (jws.payload or {}).get("identifiers") or []
        if not idents or any(i.get("type") != "dns" or not i.get("value") for i in idents):
            raise Problem(400, "malformed", f"bad identifiers {idents!r}")
        order_id = self._new_id()
        self.orders[order_id] = {"identifiers": idents,
                                 "authzs": [self._authz_for(i["value"]) for i in idents]}
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

    def _order_body(self, order_id):
        order = self.orders[order_id]
        return {"status": "pending", "expires": _rfc3339(datetime.timedelta(days=1)),
                "identifiers": order["identifiers"],
                "authorizations": [self.url("authz", a) for a in order["authzs"]],
                "finalize": self.url("finalize", order_id)}

    def _lookup(self, table, ident, what):
        obj = table.get(int(ident)) if ident and ident.isdigit() else None
        if obj is None:
            raise Problem(404, "malformed", f"no {what} {ident}")
        return obj

    def _order(self, ident, jws):
        self._lookup(self.orders, ident, "order")
        return Reply(200, self._order_body(int(ident)))

    def _challenge_body(self, ch):
        return {"type": ch["type"], "url": self.url("chall", ch["id"]),
                "token": ch["token"], "status": ch["status"]}

    def _authorization(self, ident, jws):
        authz = self._lookup(self.authzs, ident, "authorization")
        return Reply(200, {"identifier": authz["identifier"], "status": "pending",
                           "expires": _rfc3339(datetime.timedelta(days=1)),
                           "challenges": [self._challenge_body(c)
                                          for c in authz["challenges"]]})

    def _challenge(self, ident, jws):
        for authz_id, authz in self.authzs.items():
            for ch in authz["challenges"]:
                if str(ch["id"]) == ident:
                    if jws.payload is not None:      # a response, not POST-as-GET
                        ch["status"] = "processing"  # hold: never decided
                        self.responded.add(ch["token"])
                    return Reply(200, self._challenge_body(ch),
                                 {"Link": f'<{self.url("authz", authz_id)}>;rel="up"'})
        raise Problem(404, "malformed", f"no challenge {ident}")

    def _finalize(self, ident, jws):
        self._lookup(self.orders, ident, "order")
        raise Problem(403, "orderNotReady", "authorizations are pending (hold mode)")


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
            self.send_header(k, v)
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
