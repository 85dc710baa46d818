"""PebbleGate: a test double in front of a real pebble's ACME listener that
keeps pebble 2.4.0 out of its store deadlock (bench/RESULTS.md, "Pebble's
store deadlock").

Pebble 2.4.0 deadlocks when an authorization fetch (POST /authZ/: it holds
that authorization's lock and waits for the store's read lock) overlaps a
newOrder (POST /order-plz: its scan for a valid authorization holds the
store's read lock and waits for each authorization's), once a writer queues
between them. Every ACME client that fetches authorizations while other
orders are created can meet it; a real CA has no such lock. The gate passes
every request through unchanged, but never lets the two kinds overlap:
newOrders run together, authorization fetches run together, and a waiting
kind gets in before later requests of the other (first come, first served).

PebbleGate(pebble).start() listens on its own 127.0.0.1 port with the same
TLS certificate as pebble's listener (the same ACMECACertificateFile works)
and forwards to pebble over one kept-alive connection per client connection.
pebble builds its URLs from the Host header, which is passed through, so the
client keeps talking to the gate. directory_url is the gate's; every other
attribute is the pebble's (its log, management API, trust anchors). stop()
closes the listener; the pebble is stopped by its owner.

Only for runs whose point is not pebble's locking: the bench at 1,000 names.
"""
import collections
import http.client
import http.server
import ssl
import sys
import threading

from . import ports

NEW_ORDER, AUTHZ, OTHER = "newOrder", "authz", "other"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade",
              "te", "trailer", "content-length"}


def kind_of(method, path):
    if method == "POST" and path.startswith("/order-plz"):
        return NEW_ORDER
    if method == "POST" and path.startswith("/authZ/"):
        return AUTHZ
    return OTHER


class KindGate:
    """Requests of one kind may overlap each other, never the other kind's;
    first come, first served between the kinds."""

    def __init__(self):
        self._cond = threading.Condition()
        self._active_kind, self._active = None, 0
        self._queue = collections.deque()   # waiting tickets, in arrival order
        self.waits = 0                      # requests that waited for the other kind

    def enter(self, kind):
        with self._cond:
            ticket = object()
            self._queue.append((ticket, kind))
            waited = False
            while not self._may_enter(ticket, kind):
                waited = True
                self._cond.wait()
            self._queue.popleft()
            self._active_kind, self._active = kind, self._active + 1
            self.waits += waited
            self._cond.notify_all()   # the next of the same kind may follow at once

    def _may_enter(self, ticket, kind):
        if self._queue[0][0] is not ticket:
            return False
        return self._active == 0 or self._active_kind == kind

    def leave(self):
        with self._cond:
            self._active -= 1
            if self._active == 0:
                self._active_kind = None
            self._cond.notify_all()


class PebbleGate:
    def __init__(self, pebble):
        self.pebble = pebble
        self.port = ports.free_port()
        self.gate = KindGate()
        self.server = None
        self.thread = None

    def __getattr__(self, name):   # everything but the listener is the pebble's
        return getattr(self.pebble, name)

    @property
    def directory_url(self):
        return f"https://127.0.0.1:{self.port}/dir"

    def start(self):
        gate, upstream_port = self.gate, self.pebble.port
        upstream_tls = ssl.create_default_context(cafile=self.pebble.listener.root_file)

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):   # quiet: pebble logs every request
                pass

            def setup(self):
                super().setup()
                self.upstream = None

            def finish(self):
                if self.upstream is not None:
                    self.upstream.close()
                super().finish()

            def _forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in HOP_BY_HOP}
                kind = kind_of(self.command, self.path)
                if kind != OTHER:
                    gate.enter(kind)
                try:
                    status, reason, answer_headers, data = self._upstream(body, headers)
                finally:
                    if kind != OTHER:
                        gate.leave()
                self.send_response(status, reason)
                for k, v in answer_headers:
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _upstream(self, body, headers):
                for attempt in (1, 2):   # once more on a kept-alive connection pebble closed
                    if self.upstream is None:
                        self.upstream = http.client.HTTPSConnection(
                            "127.0.0.1", upstream_port, context=upstream_tls, timeout=120)
                    try:
                        self.upstream.request(self.command, self.path, body=body, headers=headers)
                        r = self.upstream.getresponse()
                        return r.status, r.reason, r.getheaders(), r.read()
                    except (ConnectionError, http.client.RemoteDisconnected,
                            http.client.CannotSendRequest):
                        self.upstream.close()
                        self.upstream = None
                        if attempt == 2:
                            raise

            do_GET = do_POST = do_HEAD = _forward

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                # A client gone before its answer (a watchdog that ended at a
                # restart, a request it timed out): nothing to report.
                if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError, OSError)):
                    super().handle_error(request, client_address)

        server = Server(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(self.pebble.listener.cert_file, self.pebble.listener.key_file)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, name="pebble-gate",
                                       daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
