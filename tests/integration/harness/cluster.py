"""An httpd cluster on one machine for the cluster tests (issue 10).

Cluster(session) holds what a test module shares: a three-member etcd
(harness/etcd.py EtcdCluster), HAProxy on 127.0.0.1 (harness/haproxy.py) in
front of three node addresses, 127.0.0.2, 127.0.0.3 and 127.0.0.4 (the same
two port numbers on each and on HAProxy's 127.0.0.1, free on all four), a pebble whose
httpPort/tlsPort are HAProxy's (it validates through the balancer; the
session's challtestsrv answers 127.0.0.1 for every name), and the cluster's
key file (32 random bytes, base64, mode 0600).

cluster.nodes(vhosts, prefix=...) makes the three Httpd nodes web1..web3
(not started), each with its own ServerRoot and store, the same
ACMESharedStore endpoints, prefix and key file, and ACMENodeName webN;
prefix=None leaves the shared store out (each node orders alone). Each node
logs every request as "<Host> <path> <status>" to logs/access_log, so a test
sees which node the CA's http-01 request reached.

Everything is stopped by PID (harness/procs.py) in stop(), whatever failed;
the ServerRoots and the cluster's dir are under the session's temp dir.
"""
import base64
import os
import re
import signal
import socket
import time

from . import client, ports, procs
from .certs import CertInfo
from .etcd import EtcdCluster
from .haproxy import HAProxy, Server
from .httpd import Httpd
from .pebble import Pebble

NODE_ADDRESSES = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
NODE_NAMES = ("web1", "web2", "web3")
ACCESS_LOG = ('LogFormat "%{Host}i %U %>s" cluster_test\n'
              "CustomLog logs/access_log cluster_test")
CHALLENGE_PATH = "/.well-known/acme-challenge/"
ISSUE_TIMEOUT = 90       # a first certificate on every node (loaded 2-core machine)


class Cluster:
    def __init__(self, session):
        self.session = session
        self.workdir = session.mkdir("cluster")
        self.http_port, self.https_port = ports.free_ports(2, hosts=(ports.HOST,) + NODE_ADDRESSES)
        self.etcd = EtcdCluster(self._subdir("etcd"))
        # HAProxy on 127.0.0.1 at the nodes' port numbers, as a balancer's port 80
        # leads to the nodes' port 80: the names resolve to 127.0.0.1, so the
        # nodes' preflight (ACMEPortMap's ports) reaches them through it too.
        self.haproxy = HAProxy(self._subdir("haproxy"), [
            Server(n, a, self.http_port, self.https_port)
            for n, a in zip(NODE_NAMES, NODE_ADDRESSES)], self.http_port, self.https_port)
        self.key_file = os.path.join(self.workdir, "cluster.key")
        self.pebbles = []
        self._prefixes = 0

    def _subdir(self, name):
        path = os.path.join(self.workdir, name)
        os.makedirs(path)
        return path

    def start(self):
        try:
            self._write_key()
            self.etcd.start()
            self.haproxy.start()
            self.session.active.append(self.haproxy)   # its log in failure reports
            self.pebble = self.new_pebble()
        except BaseException:
            self.stop()
            raise
        return self

    def _write_key(self):
        # What `openssl rand -base64 32` writes; root's, 0600: the parent reads it.
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(base64.b64encode(os.urandom(32)).decode() + "\n")

    def new_pebble(self, env=None):
        """A pebble validating through this cluster's HAProxy (stopped by stop())."""
        s = self.session
        p = Pebble(s.mkdir("pebble"), s.listener, s.challtestsrv().dns_port,
                   self.haproxy.http_port, self.haproxy.tls_port, env=env)
        s.active.append(p)
        self.pebbles.append(p)
        return p.start()

    def stop(self):
        try:
            for p in self.pebbles:
                self.session.release(p)
        finally:
            try:
                self.haproxy.stop()
                if self.haproxy in self.session.active:
                    self.session.active.remove(self.haproxy)
            finally:
                self.etcd.stop()

    def new_prefix(self, tag):
        """A prefix of its own for one test: its nodes share nothing with another test's."""
        self._prefixes += 1
        return f"/mod_acme/test/{tag}-{self._prefixes}"

    def shared_directives(self, prefix, node_name):
        return {
            "ACMESharedStore": "etcd " + " ".join(self.etcd.endpoints),
            "ACMESharedStorePrefix": prefix,
            "ACMESharedStoreKeyFile": self.key_file,
            "ACMENodeName": node_name,
        }

    def nodes(self, vhosts, prefix=None, ca=None, acme=None):
        """web1..web3 (Httpd, not started; session.release() stops and removes each)."""
        made = []
        for name, address in zip(NODE_NAMES, NODE_ADDRESSES):
            directives = dict(acme or {})
            if prefix is not None:
                directives.update(self.shared_directives(prefix, name))
            h = Httpd(self.session.mkdir("httpd"), self.http_port, self.https_port,
                      self.session.mod_acme_so, ca=ca or self.pebble, vhosts=vhosts,
                      global_extra=ACCESS_LOG, acme=directives, address=address)
            h.node_name = name
            self.session.active.append(h)
            made.append(h)
        return made

    def via_haproxy_leaf(self, name):
        """The leaf HAProxy's TLS port hands out for SNI name (PEM, unverified), or None."""
        return client.served_leaf(self.haproxy.tls_port, name)


# ---- what the nodes show ---------------------------------------------------
def _serial_of(leaf):
    return CertInfo(leaf).serial if leaf else None


def served_serial(node, name):
    """Serial of the leaf node serves for SNI name (unverified), None without a handshake."""
    return _serial_of(client.served_leaf(node.https_port, name, host=node.address))


def wait_serial(serve, serial, deadline, label):
    """Poll serve() (a served leaf's serial, None without a handshake) until it
    gives serial or the deadline passes; the last serial seen. A node in a
    graceful restart may hold a handshake past served_leaf's 2 s (CI saw it
    once at 100 vhosts): one look is not a verdict. A first look that
    differed is printed with label, so a run shows how often that happens."""
    t0, first = time.monotonic(), serve()
    seen = first
    while seen != serial and time.monotonic() < deadline:
        time.sleep(0.05)
        seen = serve()
    if first != serial:
        print(f"{label}: first served {first}, then {seen} after "
              f"{time.monotonic() - t0:.1f} s (awaited {serial})", flush=True)
    return seen


def wait_cert_everywhere(nodes, name, timeout):
    """Wait until every node serves name a chain that verifies against the CA's
    root and that the CA's intermediate signed; {node name: serial}."""
    deadline = time.monotonic() + timeout
    serials = {}
    for node in nodes:
        left = max(1.0, deadline - time.monotonic())
        serials[node.node_name] = node.wait_for_cert(name, timeout=left).leaf.serial
    return serials


def orderers(nodes, name, after=None):
    """Nodes that logged ACME10020 (an order started) for name."""
    pattern = re.compile(rf"ACME10020: ordering certificate for {re.escape(name)} ")
    after = after or {}
    return [n for n in nodes
            if pattern.search(n.error_log_text(), after.get(n.node_name, 0))]


def wait_orderer(nodes, name, timeout):
    """The first node seen to start an order for name (polled every 20 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        found = orderers(nodes, name)
        if found:
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no node started an order for {name} within {timeout}s:\n"
                                 + "\n".join(f"--- {n.node_name}\n{n.log_tail(20)}"
                                             for n in nodes))
        time.sleep(0.02)


def start_together(nodes):
    """Start the nodes at once (spawned one after the other, then waited for):
    none orders long before the others run."""
    for node in nodes:
        node.spawn()
    for node in nodes:
        node.wait_started()


def assert_one_order(cluster, nodes, names, counts, timeout=ISSUE_TIMEOUT):
    """Every node serves each certificate (named by names[0] of each tuple),
    with one serial across the nodes; pebble saw one order per certificate and
    one new account, and one node logged each order. {cert name: orderer}."""
    ordered_by = {}
    for cert_names in names:
        serials = wait_cert_everywhere(nodes, cert_names[0], timeout)
        assert len(set(serials.values())) == 1, f"{cert_names[0]}: serials differ {serials}"
        serial = next(iter(serials.values()))
        deadline = time.monotonic() + timeout
        for alias in cert_names[1:]:
            for n in nodes:
                seen = wait_serial(lambda: served_serial(n, alias), serial, deadline,
                                   f"{alias}@{n.node_name}")
                assert seen == serial, f"{n.node_name} serves {alias} {seen}, not {serial}"
        seen = wait_serial(lambda: _serial_of(cluster.via_haproxy_leaf(cert_names[0])), serial,
                           deadline, f"{cert_names[0]}@HAProxy")
        assert seen == serial, f"HAProxy serves {cert_names[0]} {seen}, not {serial}"
        who = orderers(nodes, cert_names[0])
        assert len(who) == 1, f"{cert_names[0]} ordered by {[n.node_name for n in who]}"
        ordered_by[cert_names[0]] = who[0]
    assert counts.orders() == len(names), f"pebble saw {counts.orders()} orders for {names}"
    assert counts.accounts() == 1, f"pebble saw {counts.accounts()} new accounts"
    assert log_count(nodes, r"ACME10010: ") == 1, "one account for the cluster"
    return ordered_by


def log_count(nodes, regex):
    """How often regex matches in the error logs of nodes, summed."""
    pattern = re.compile(regex)
    return sum(len(pattern.findall(n.error_log_text())) for n in nodes)


def access_log(node):
    try:
        with open(os.path.join(node.log_dir, "access_log"), errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def http01_answerers(nodes, name):
    """Nodes whose access log shows the CA's http-01 request for name answered (200)."""
    pattern = re.compile(rf"^{re.escape(name)}(:\d+)? {re.escape(CHALLENGE_PATH)}\S+ 200$",
                         re.M)
    return [n for n in nodes if pattern.search(access_log(n))]


def tls_alpn_answerers(nodes, name):
    """Nodes that answered the CA's acme-tls/1 handshake for name (ACME10161)."""
    pattern = re.compile(rf"ACME10161: tls-alpn-01: answered the acme-tls/1 handshake for "
                         rf"{re.escape(name)}\b")
    return [n for n in nodes if pattern.search(n.error_log_text())]


def kill9(node):
    """kill -9 of node's httpd: SIGKILL to its process group (the harness starts
    httpd in a session of its own, so the group is the parent and every child,
    one forked a moment ago included: a snapshot of the children could miss it,
    and it would go on accepting on the node's ports). Waits until all are gone."""
    pgid = node.pid
    if os.getpgid(pgid) != pgid:
        raise AssertionError(f"{node.node_name}'s httpd (pid {pgid}) leads no process group")
    os.killpg(pgid, signal.SIGKILL)
    node.proc.wait(10)
    deadline = time.monotonic() + 10
    while procs.group_members(pgid):   # zombies are not members: their sockets are closed
        if time.monotonic() > deadline:
            raise AssertionError(f"processes of {node.node_name} still alive 10 s after kill -9: "
                                 f"{sorted(procs.group_members(pgid))}")
        time.sleep(0.02)
    # A socket can outlive its process by a moment: test_810_06 once saw
    # HAProxy connect to the killed node right after this returned, and the
    # CA's validation end in EOF instead of being redispatched.
    deadline = time.monotonic() + 10
    while port_accepts(node.address, node.http_port):
        if time.monotonic() > deadline:
            raise AssertionError(f"{node.node_name}'s port {node.http_port} still accepts "
                                 "10 s after kill -9")
        time.sleep(0.02)
    node.proc = None  # nothing left to stop


def port_accepts(address, port):
    """True while something accepts TCP connections on address:port."""
    try:
        with socket.create_connection((address, port), timeout=1):
            return True
    except OSError:
        return False


class PebbleCounts:
    """What pebble 2.4 logs per new order ("Added order") and per new account
    ("There are now N accounts in memory"), counted from this mark on."""

    def __init__(self, pebble):
        self.pebble = pebble
        self.mark = len(pebble.log_text())

    def _since(self):
        return self.pebble.log_text()[self.mark:]

    def orders(self):
        return self._since().count("Added order ")

    def accounts(self):
        return len(re.findall(r"There are now \d+ accounts in memory", self._since()))

    def validations(self, name):
        """http-01 attempts pebble made for name (its log names the URL); pebble 2.4
        tries from three perspectives: three attempts, three connections, per challenge."""
        return len(re.findall(rf"Attempting to validate w/ HTTP: http://{re.escape(name)}:",
                              self._since()))

    def validated_names(self):
        """Every name pebble attempted an http-01 validation for."""
        return set(re.findall(r"Attempting to validate w/ HTTP: http://([^:/]+):", self._since()))

