"""An OCSP responder for tests, on 127.0.0.1 only.

pebble 2.4.0 names an OCSP responder in the certificates it issues
(ocspResponderURL) but runs none. This one answers with `openssl ocsp`,
signing as pebble's intermediate (cert and key from pebble's management
API), so responses verify like a real CA's. Every certificate is "good"
unless the test revoked its serial. `openssl ocsp -port` would listen on
every interface, hence this small HTTP front.

validity_seconds: nextUpdate - thisUpdate of each response. `openssl ocsp`
counts whole minutes (-nmin); a validity that is not a whole number of
minutes (a test that waits for the module's refresh at half-life) is signed
with python3-cryptography's OCSP builder instead, for the same CertID, by the
same signer, with the same status.
"""
import datetime
import http.server
import os
import subprocess
import tempfile
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import ocsp

from . import ports

_REASON_FLAGS = {0: x509.ReasonFlags.unspecified, 1: x509.ReasonFlags.key_compromise,
                 4: x509.ReasonFlags.superseded, 5: x509.ReasonFlags.cessation_of_operation}


class OcspResponder:
    def __init__(self, workdir, validity_seconds=60):
        self.workdir = workdir
        self.port = ports.free_ports(1)[0]
        self.validity_seconds = validity_seconds
        self.revoked = {}         # serial (int) -> CRLReason
        self.requests = 0
        self.signer_cert = self.signer_key = None
        self._server = None
        self._silent = False               # hold(): requests wait for release()
        self.held = threading.Event()      # a request arrived while silent
        self._released = threading.Event()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/"

    def use_signer(self, cert_pem, key_pem):
        self.signer_cert = os.path.join(self.workdir, "ocsp-signer.pem")
        self.signer_key = os.path.join(self.workdir, "ocsp-signer.key")
        with open(self.signer_cert, "w") as f:
            f.write(cert_pem)
        with open(self.signer_key, "w") as f:
            f.write(key_pem)

    def hold(self):
        """A responder that accepts requests and answers nothing until
        release() (or 120 s): the watchdog's fetch stays in flight."""
        self._silent = True
        self._released.clear()

    def release(self):
        self._silent = False
        self._released.set()

    def revoke(self, serial, reason=1):
        self.revoked[int(serial)] = reason

    def _index(self, serial):
        # openssl's index.txt: status, expiry, revocation, serial, file, subject.
        reasons = {0: "unspecified", 1: "keyCompromise", 4: "superseded", 5: "cessationOfOperation"}
        if int(serial, 16) in self.revoked:
            rev = "260101000000Z," + reasons.get(self.revoked[int(serial, 16)], "unspecified")
            return f"R\t491231235959Z\t{rev}\t{serial}\tunknown\t/CN=revoked\n"
        return f"V\t491231235959Z\t\t{serial}\tunknown\t/CN=good\n"

    def answer(self, request_der):
        self.requests += 1
        if self.validity_seconds % 60:
            return self._answer_by_builder(request_der)
        with tempfile.TemporaryDirectory(dir=self.workdir) as tmp:
            req = os.path.join(tmp, "req.der")
            with open(req, "wb") as f:
                f.write(request_der)
            text = subprocess.run(["openssl", "ocsp", "-reqin", req, "-req_text"],
                                  capture_output=True, text=True).stdout
            serial = text.split("Serial Number:")[1].split()[0].strip().upper()
            index = os.path.join(tmp, "index.txt")
            with open(index, "w") as f:
                f.write(self._index(serial))
            resp = os.path.join(tmp, "resp.der")
            subprocess.run(["openssl", "ocsp", "-index", index, "-CA", self.signer_cert,
                            "-rsigner", self.signer_cert, "-rkey", self.signer_key,
                            "-reqin", req, "-respout", resp,
                            "-nmin", str(self.validity_seconds // 60)],
                           check=True, capture_output=True)
            with open(resp, "rb") as f:
                return f.read()

    def _answer_by_builder(self, request_der):
        req = ocsp.load_der_ocsp_request(request_der)
        with open(self.signer_cert, "rb") as f:
            signer = x509.load_pem_x509_certificate(f.read())
        with open(self.signer_key, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        # add_response() takes the serial from a certificate: a throwaway one
        # carrying the asked serial (the CertID's hashes come from the issuer).
        now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        stand_in_key = ec.generate_private_key(ec.SECP256R1())
        stand_in = (x509.CertificateBuilder().subject_name(signer.subject)
                    .issuer_name(signer.subject).public_key(stand_in_key.public_key())
                    .serial_number(req.serial_number).not_valid_before(now)
                    .not_valid_after(now + datetime.timedelta(days=1))
                    .sign(stand_in_key, hashes.SHA256()))
        reason = self.revoked.get(req.serial_number)
        status = ocsp.OCSPCertStatus.GOOD if reason is None else ocsp.OCSPCertStatus.REVOKED
        revoked_at = datetime.datetime(2026, 1, 1) if reason is not None else None
        builder = (ocsp.OCSPResponseBuilder()
                   .add_response(stand_in, signer, req.hash_algorithm, status, now,
                                 now + datetime.timedelta(seconds=self.validity_seconds),
                                 revoked_at, _REASON_FLAGS.get(reason) if reason is not None
                                 else None)
                   .responder_id(ocsp.OCSPResponderEncoding.HASH, signer))
        return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def start(self):
        responder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if responder._silent:
                    responder.held.set()
                    responder._released.wait(120)
                try:
                    der = responder.answer(body)
                    self.send_response(200)
                    self.send_header("Content-Type", "application/ocsp-response")
                except Exception as e:  # noqa: BLE001 - a test responder reports, not crashes
                    der = str(e).encode()
                    self.send_response(500)
                self.send_header("Content-Length", str(len(der)))
                self.end_headers()
                self.wfile.write(der)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.release()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
