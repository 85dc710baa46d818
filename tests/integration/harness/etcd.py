"""A real single-member etcd (Debian's etcd-server) on loopback ports of its own.

Etcd(workdir).start() runs /usr/bin/etcd with its data dir under workdir and
client and peer ports picked by harness/ports.py; stop() ends it by PID
(harness/procs.py). With tls=True the client port is https:// and wants a
client certificate signed by the throwaway CA this module makes
(EtcdCerts: ca_file, server and client certificate and key).
"""
import datetime
import ipaddress
import json
import os
import ssl
import time
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import certs, ports, procs

ETCD = "/usr/bin/etcd"


class EtcdCerts:
    """A CA, a server certificate for 127.0.0.1 and a client certificate.

    Both leaves carry serverAuth and clientAuth: etcd 3.4's gateway dials its
    own gRPC port with the server certificate as a client certificate.
    """

    def __init__(self, directory):
        ca = certs.make_ca("mod_acme etcd test CA (throwaway)")
        self.ca_file = os.path.join(directory, "etcd-ca.pem")
        certs.write_cert(self.ca_file, ca[0])
        self.server_cert, self.server_key = self._leaf(directory, "server", ca)
        self.client_cert, self.client_key = self._leaf(directory, "client", ca)

    @staticmethod
    def _leaf(directory, name, ca):
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.timezone.utc)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(ca[0].subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(hours=1))
                .not_valid_after(now + datetime.timedelta(days=1))
                .add_extension(x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                    critical=False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                      ExtendedKeyUsageOID.CLIENT_AUTH]),
                               critical=False)
                .sign(ca[1], hashes.SHA256()))
        cert_file = os.path.join(directory, f"etcd-{name}.pem")
        key_file = os.path.join(directory, f"etcd-{name}.key")
        certs.write_cert(cert_file, cert)
        certs.write_key(key_file, key)
        return cert_file, key_file


class Etcd:
    def __init__(self, workdir, tls=False):
        if not os.access(ETCD, os.X_OK):
            raise RuntimeError(f"{ETCD} is missing: install etcd-server (scripts/deps.sh test)")
        self.workdir = workdir
        self.client_port, self.peer_port = ports.free_ports(2)
        self.certs = EtcdCerts(workdir) if tls else None
        scheme = "https" if tls else "http"
        self.endpoint = f"{scheme}://127.0.0.1:{self.client_port}"
        self.log_path = os.path.join(workdir, "etcd.log")
        self.proc = None

    def argv(self):
        peer = f"http://127.0.0.1:{self.peer_port}"
        argv = [ETCD, "--name", "test", "--data-dir", os.path.join(self.workdir, "data"),
                "--listen-client-urls", self.endpoint, "--advertise-client-urls", self.endpoint,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--initial-cluster", f"test={peer}", "--initial-cluster-state", "new"]
        if self.certs:
            argv += ["--cert-file", self.certs.server_cert, "--key-file", self.certs.server_key,
                     "--client-cert-auth", "--trusted-ca-file", self.certs.ca_file]
        return argv

    def start(self, timeout=30):
        self.proc = procs.start(self.argv(), self.log_path)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"etcd exited ({self.proc.returncode}):\n{self.log_tail()}")
            if self._healthy():
                return self
            time.sleep(0.1)
        raise RuntimeError(f"etcd not healthy after {timeout} s:\n{self.log_tail()}")

    def _healthy(self):
        context = None
        if self.certs:
            context = ssl.create_default_context(cafile=self.certs.ca_file)
            context.load_cert_chain(self.certs.client_cert, self.certs.client_key)
        try:
            with urllib.request.urlopen(self.endpoint + "/health", timeout=1,
                                        context=context) as r:
                return json.load(r).get("health") == "true"
        except OSError:
            return False

    def stop(self):
        procs.stop(self.proc)
        self.proc = None

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""
