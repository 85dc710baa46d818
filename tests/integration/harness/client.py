"""What a client sees. Every connection goes to 127.0.0.1 (or the loopback
address given as host/address: the cluster tests' nodes on 127.0.0.2-4):
names travel only in SNI and Host headers, never through DNS.

served_chain()  openssl s_client -showcerts: the chain httpd sends for a name
http_get()      a plain HTTP request with a Host header
raw_http()      bytes in, bytes out (to see exactly what was sent)
https_get()     an HTTPS request with SNI and Host = name
served_leaf()   the leaf served for a name, in-process, unverified
wait_for_cert() poll until the name is served a certificate from the CA
"""
import http.client
import os
import re
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass

from .certs import CertInfo, split_pem

HOST = "127.0.0.1"

# The sanitized module (scripts/asan.sh, MOD_ACME_ASAN=1) runs 2 to 3 times
# slower (docs/reliability.md), its children start slower still: a request's
# wait for an answer is a hang detector, not a timing assertion, so it scales.
TIMEOUT_SCALE = 3 if os.environ.get("MOD_ACME_ASAN") == "1" else 1


@dataclass
class ServedChain:
    returncode: int
    chain: list          # PEM strings, as sent by the server, leaf first
    verify_code: int     # "Verify return code: N", None if not printed
    verify_text: str
    output: str

    @property
    def leaf(self):
        return CertInfo(self.chain[0]) if self.chain else None

    @property
    def verified(self):
        return self.returncode == 0 and self.verify_code == 0


def served_chain(port, servername, cafile=None, verify=True, timeout=15, host=HOST):
    """The chain served on host:port for SNI servername.

    verify=True adds -verify_return_error, so an unverifiable chain fails the
    handshake (returncode != 0, usually no chain). verify=False still reports
    the verify result of the (completed) handshake.
    """
    argv = ["openssl", "s_client", "-connect", f"{host}:{port}", "-servername", servername,
            "-showcerts"]
    if cafile:
        argv += ["-CAfile", cafile]
    if verify:
        argv.append("-verify_return_error")
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return ServedChain(-1, [], None, "timeout", out)
    out = r.stdout.decode(errors="replace")
    m = re.search(r"Verify return code: (\d+) \(([^)]*)\)", out)
    return ServedChain(r.returncode, split_pem(out), int(m.group(1)) if m else None,
                       m.group(2) if m else "", out)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode(errors="replace")

    def header(self, name, default=None):
        return self.headers.get(name, default)


def _request(conn, method, path, host, body=None, headers=None):
    hdrs = {"Host": host, "Connection": "close", **(headers or {})}
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        data = r.read()
        return Response(r.status, r.headers, data)
    except TimeoutError as e:
        # Say which request hung: a bare "timed out" names nothing.
        raise TimeoutError(f"{method} {path} (Host {host}) on {conn.host}:{conn.port}: "
                           f"no complete answer within {conn.timeout}s") from e
    finally:
        conn.close()


def raw_http(port, request, timeout=10):
    """Send request bytes to 127.0.0.1:port, return all bytes until the server closes."""
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def http_get(port, path, host, method="GET", body=None, headers=None, timeout=10,
             address=HOST):
    """A plain HTTP request to address:port with Host: host."""
    conn = http.client.HTTPConnection(address, port, timeout=timeout * TIMEOUT_SCALE)
    return _request(conn, method, path, host, body, headers)


class _SniHTTPSConnection(http.client.HTTPSConnection):
    """Connects to address (127.0.0.1) but sends servername in SNI."""

    def __init__(self, port, servername, context, timeout, address=HOST):
        super().__init__(address, port, timeout=timeout, context=context)
        self._servername = servername
        self._ctx = context

    def connect(self):
        sock = socket.create_connection((self.host, self.port), self.timeout)
        self.sock = self._ctx.wrap_socket(sock, server_hostname=self._servername)


def https_get(port, path, servername, cafile=None, method="GET", headers=None, timeout=10,
              address=HOST):
    """An HTTPS request with SNI and Host = servername. cafile=None: no verification."""
    if cafile:
        ctx = ssl.create_default_context(cafile=cafile)
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    conn = _SniHTTPSConnection(port, servername, ctx, timeout * TIMEOUT_SCALE, address)
    return _request(conn, method, path, servername, headers=headers)


def served_leaf(port, servername, timeout=2, host=HOST):
    """The leaf served on host:port for SNI servername (PEM), verifying
    nothing; None without a handshake. In-process: cheap enough to poll often."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout) as sock:
            with ctx.wrap_socket(sock, server_hostname=servername) as tls:
                der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError):
        return None
    return ssl.DER_cert_to_PEM_cert(der) if der else None


# wait_for_cert: a handshake in-process every POLL s; openssl s_client (the
# verdict) when the leaf changed, every RECHECK s while the leaf looks like
# the one awaited, and at least every FULL_CHECK s anyway.
POLL, RECHECK, FULL_CHECK = 0.05, 0.25, 1.0


def _awaited(leaf_pem, ca, not_serial):
    """Whether leaf_pem looks like what wait_for_cert waits for (unverified)."""
    return (leaf_pem is not None and ca.issued_by_me(leaf_pem)
            and (not_serial is None or CertInfo(leaf_pem).serial != not_serial))


def wait_for_cert(port, name, ca, timeout=60, not_serial=None, alive=None, host=HOST):
    """Poll until name is served a chain that verifies against ca's root and
    whose leaf ca's intermediate signed (not the self-signed fallback).

    ca: harness.pebble.Pebble. not_serial: also wait until the serial differs.
    alive: callable that raises if the server died. Returns the ServedChain.
    Only served_chain()'s verdict counts; the quick in-process look at the
    leaf only decides when to ask for it.
    """
    deadline = time.monotonic() + timeout
    last = None
    seen, checked_at = None, None
    while True:
        leaf = served_leaf(port, name, host=host)
        since = time.monotonic() - checked_at if checked_at is not None else FULL_CHECK
        due = since >= FULL_CHECK or (since >= RECHECK and _awaited(leaf, ca, not_serial))
        if leaf != seen or due:
            seen, checked_at = leaf, time.monotonic()
            last = served_chain(port, name, cafile=ca.trust_anchor_file, verify=True, host=host)
            if (last.verified and ca.issued_by_me(last.chain[0])
                    and (not_serial is None or last.leaf.serial != not_serial)):
                return last
        if alive:
            alive()
        if time.monotonic() > deadline:
            leaf = served_chain(port, name, verify=False, host=host).leaf
            raise AssertionError(
                f"no certificate from the CA served for {name} after {timeout}s"
                f" (last: rc={last.returncode}, verify={last.verify_code} {last.verify_text},"
                f" leaf={leaf})")
        time.sleep(POLL)
