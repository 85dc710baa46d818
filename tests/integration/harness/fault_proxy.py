"""A fault-injecting HTTPS proxy between mod_acme and pebble (a test double).

FaultProxy listens on 127.0.0.1 with the session's listener certificate and
forwards each request to pebble unchanged, Host header included: pebble
builds every URL it hands out (directory, Location, Link) and checks every
JWS "url" against the Host it was sent, so the module talks to the proxy
throughout without any rewriting. set_fault(mode) changes what the proxy does
from the next connection or request on:

  None                 forward faithfully
  "refuse"             nothing listens on the port (connection refused)
  "reset"              accept, then reset the TCP connection before TLS
  "reset_mid_body"     send the headers and half the body, then reset
  "drip"               send the answer at one byte a second
  "5xx"                503 with an HTML body, for every request
  "truncated_json"     the answer's body cut in half (Content-Length fixed)
  "invalid_json"       a body that is not JSON, as application/json
  "wrong_content_type" the body as text/html
  "huge"               a 10 MiB body
  "http_directory"     the directory's URLs rewritten to http://

`plaintext` counts connections that spoke plain HTTP to the TLS port (what a
client following an http:// URL sends). Stopped by stop(); every thread is a
daemon and every socket is closed.
"""
import http.client
import re
import socket
import ssl
import struct
import threading
import time

HOST = "127.0.0.1"
MODES = (None, "refuse", "reset", "reset_mid_body", "drip", "5xx", "truncated_json",
         "invalid_json", "wrong_content_type", "huge", "http_directory")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


def _reset(sock):
    """Close with SO_LINGER 0: the peer gets a TCP RST."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


class FaultProxy:
    def __init__(self, upstream, listener):
        """upstream: harness.pebble.Pebble; listener: certs.ListenerCerts."""
        self.upstream = upstream
        self.listener = listener
        self.mode = None
        self.plaintext = 0
        self.requests = 0
        self._lock = threading.Lock()
        self._server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_ctx.load_cert_chain(listener.cert_file, listener.key_file)
        self._client_ctx = ssl.create_default_context(cafile=listener.root_file)
        self._sock = None
        self._stopping = False
        self.port = None

    # What httpd's configuration needs (as harness.pebble.Pebble offers).
    @property
    def directory_url(self):
        return f"https://{HOST}:{self.port}/dir"

    @property
    def ca_file(self):
        return self.upstream.ca_file

    @property
    def trust_anchor_file(self):
        return self.upstream.trust_anchor_file

    @property
    def intermediate_pem(self):
        return self.upstream.intermediate_pem

    def issued_by_me(self, leaf_pem):
        return self.upstream.issued_by_me(leaf_pem)

    # ---- control -------------------------------------------------------
    def start(self):
        self._listen()
        return self

    def set_fault(self, mode):
        assert mode in MODES, mode
        with self._lock:
            old, self.mode = self.mode, mode
        if mode == "refuse" and old != "refuse":
            self._close_listener()
        elif mode != "refuse" and old == "refuse":
            self._listen()

    def stop(self):
        self._stopping = True
        self._close_listener()

    # ---- listening -----------------------------------------------------
    def _listen(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((HOST, self.port or 0))
        s.listen(64)
        self.port = s.getsockname()[1]
        self._sock = s
        threading.Thread(target=self._accept_loop, args=(s,), daemon=True).start()

    def _close_listener(self):
        s, self._sock = self._sock, None
        if s is not None:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def _accept_loop(self, s):
        while not self._stopping:
            try:
                conn, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    # ---- one connection ------------------------------------------------
    def _serve(self, raw):
        if self.mode == "reset":
            _reset(raw)
            return
        raw.settimeout(30)
        try:
            first = raw.recv(1, socket.MSG_PEEK)
            if first and first != b"\x16":  # not a TLS handshake record
                with self._lock:
                    self.plaintext += 1
                raw.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n")
                raw.close()
                return
            conn = self._server_ctx.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        try:
            reader = conn.makefile("rb")
            while not self._stopping:
                request = self._read_request(reader)
                if request is None:
                    break
                if not self._answer(conn, *request):
                    break
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _read_request(reader):
        line = reader.readline(65536)
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers = []
        while True:
            h = reader.readline(65536)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        length = next((int(v) for n, v in headers if n.lower() == "content-length"), 0)
        body = reader.read(length) if length else b""
        return method, target, headers, body

    def _forward(self, method, target, headers, body):
        up = http.client.HTTPSConnection(HOST, self.upstream.port, context=self._client_ctx,
                                         timeout=30)
        try:
            up.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                if name.lower() not in ("connection", "accept-encoding"):
                    up.putheader(name, value)
            up.endheaders(body or None)
            r = up.getresponse()
            out = [(n, v) for n, v in r.getheaders() if n.lower() not in HOP_BY_HOP]
            return r.status, r.reason, out, r.read()
        finally:
            up.close()

    def _answer(self, conn, method, target, headers, body):
        """Answers one request as the current mode says; False closes the connection."""
        with self._lock:
            self.requests += 1
        mode = self.mode
        if mode == "5xx":
            return self._send(conn, 503, "Service Unavailable", [("Content-Type", "text/html")],
                              b"<html><body>down for maintenance</body></html>")
        status, reason, out, data = self._forward(method, target, headers, body)
        if mode == "truncated_json" and data:
            data = data[:len(data) // 2]
        elif mode == "invalid_json" and method != "HEAD":
            out = [(n, v) for n, v in out if n.lower() != "content-type"]
            out.append(("Content-Type", "application/json"))
            data = b'{"status": "valid", "identifiers": [ oops'
        elif mode == "wrong_content_type" and data:
            out = [(n, v) for n, v in out if n.lower() != "content-type"]
            out.append(("Content-Type", "text/html"))
        elif mode == "huge":
            data = b"{" + b" " * (10 << 20) + b"}"
        elif mode == "http_directory" and target.split("?")[0].endswith("/dir"):
            data = re.sub(rb"https://", b"http://", data)
        if mode == "reset_mid_body":
            head = self._head(status, reason, out, len(data) or 64)
            conn.sendall(head + data[:len(data) // 2])
            _reset(conn)
            return False
        if mode == "drip":
            payload = self._head(status, reason, out, len(data)) + data
            for i in range(len(payload)):
                if self.mode != "drip" or self._stopping:
                    conn.sendall(payload[i:])
                    break
                conn.sendall(payload[i:i + 1])
                time.sleep(1)
            return True
        return self._send(conn, status, reason, out, data)

    @staticmethod
    def _head(status, reason, headers, length):
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{n}: {v}" for n, v in headers]
        lines += [f"Content-Length: {length}", "Connection: keep-alive", "", ""]
        return "\r\n".join(lines).encode("latin-1")

    def _send(self, conn, status, reason, headers, data):
        conn.sendall(self._head(status, reason, headers, len(data)) + data)
        return True
