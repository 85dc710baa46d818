"""A real etcd (Debian's etcd-server) on loopback ports of its own: one member
(Etcd) or a three-member cluster (EtcdCluster).

Etcd(workdir).start() runs /usr/bin/etcd with its data dir under workdir and
client and peer ports picked by harness/ports.py; stop() ends it by PID
(harness/procs.py). With tls=True the client port is https:// and wants a
client certificate signed by the throwaway CA this module makes
(EtcdCerts: ca_file, server and client certificate and key).

EtcdCluster(workdir, size=3).start() runs `size` members (plain http) joined
by --initial-cluster on loopback peer ports; endpoints lists their client
URLs. Each member stops and starts on its own by PID (stop_member(i),
start_member(i): a restarted member keeps its data dir, so it rejoins), and
stop() ends them all. put()/get() talk to one member through etcd's JSON
gateway (v3 API), the way mod_acme does.
"""
import base64
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


class EtcdMember:
    """One member of an EtcdCluster; argv is fixed when the cluster is made."""

    def __init__(self, workdir, name, client_port, peer_port):
        self.workdir, self.name = workdir, name
        self.client_port, self.peer_port = client_port, peer_port
        self.endpoint = f"http://127.0.0.1:{client_port}"
        self.peer_url = f"http://127.0.0.1:{peer_port}"
        self.log_path = os.path.join(workdir, f"etcd-{name}.log")
        self.argv = None
        self.proc = None

    def start(self):
        if self.is_running():
            raise RuntimeError(f"etcd member {self.name} is already running")
        self.proc = procs.start(self.argv, self.log_path)
        return self

    def stop(self):
        procs.stop(self.proc)
        self.proc = None

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        """True if this member answers /health with a leader in the cluster."""
        try:
            with urllib.request.urlopen(self.endpoint + "/health", timeout=1) as r:
                return json.load(r).get("health") == "true"
        except (OSError, ValueError):
            return False

    def call(self, path, body, timeout=5):
        """POST body (JSON) to the v3 gateway at path; the JSON answer."""
        data = json.dumps(body).encode()
        req = urllib.request.Request(self.endpoint + path, data=data,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.load(r)

    def put(self, key, value):
        return self.call("/v3/kv/put", {"key": _b64(key), "value": _b64(value)})

    def get(self, key):
        """The value of key (str), or None when absent."""
        kvs = self.call("/v3/kv/range", {"key": _b64(key)}).get("kvs", [])
        return base64.b64decode(kvs[0]["value"]).decode() if kvs else None

    def count(self, prefix):
        """How many keys start with prefix."""
        answer = self.call("/v3/kv/range", {"key": _b64(prefix), "range_end": _b64(
            _prefix_end(prefix)), "count_only": True})
        return int(answer.get("count", 0))

    def log_tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def _b64(text):
    return base64.b64encode(text.encode()).decode()


def _prefix_end(prefix):
    """etcd's range_end for "every key starting with prefix" (last byte + 1)."""
    raw = prefix.encode()
    return (raw[:-1] + bytes([raw[-1] + 1])).decode()


class EtcdCluster:
    def __init__(self, workdir, size=3):
        if not os.access(ETCD, os.X_OK):
            raise RuntimeError(f"{ETCD} is missing: install etcd-server (scripts/deps.sh test)")
        self.workdir = workdir
        picked = ports.free_ports(2 * size)
        self.members = [EtcdMember(workdir, f"m{i + 1}", picked[2 * i], picked[2 * i + 1])
                        for i in range(size)]
        initial = ",".join(f"{m.name}={m.peer_url}" for m in self.members)
        token = f"mod-acme-test-{os.getpid()}-{picked[0]}"
        for m in self.members:
            m.argv = [ETCD, "--name", m.name, "--data-dir", os.path.join(workdir, m.name),
                      "--listen-client-urls", m.endpoint, "--advertise-client-urls", m.endpoint,
                      "--listen-peer-urls", m.peer_url, "--initial-advertise-peer-urls",
                      m.peer_url, "--initial-cluster", initial, "--initial-cluster-token", token,
                      "--initial-cluster-state", "new"]

    @property
    def endpoints(self):
        return [m.endpoint for m in self.members]

    def start(self, timeout=30):
        """Start every member that is not running; wait until all are healthy."""
        try:
            for m in self.members:
                if not m.is_running():
                    m.start()
            self.wait_healthy(self.members, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop_member(self, i):
        self.members[i].stop()

    def start_member(self, i, timeout=30):
        self.members[i].start()
        self.wait_healthy([self.members[i]], timeout)

    def wait_healthy(self, members, timeout=30):
        deadline = time.monotonic() + timeout
        while not all(m.healthy() for m in members):
            for m in members:
                if not m.is_running():
                    code = m.proc.returncode if m.proc else None
                    raise RuntimeError(f"etcd member {m.name} exited ({code}):\n{m.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"etcd members not healthy after {timeout} s:\n" +
                                   "\n".join(f"--- {m.name}\n{m.log_tail()}" for m in members))
            time.sleep(0.1)

    def stop(self):
        for m in self.members:
            m.stop()

    def any_member(self):
        """A running, healthy member (for the tests' own reads)."""
        for m in self.members:
            if m.is_running() and m.healthy():
                return m
        raise RuntimeError("no etcd member of the cluster is running and healthy")
