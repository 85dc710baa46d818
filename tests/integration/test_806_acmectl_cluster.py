"""acmectl --cluster FILE (issue 10) against a real etcd: on a cluster node,
`acmectl renew NAME` leaves its request in etcd for the whole cluster and
`acmectl status` reads the cluster's status records from etcd. FILE is an
Apache config snippet with the node's ACMEShared* lines, read with the
module's own directive parsers.

`acmectl sync` (issue 10 item 6) stages every certificate set the cluster
published (sets/NAME/current, the key sealed with the cluster key) in the
node's store; the sets are published here by tests/tools/etcd_probe through
the module's own EtcdStore, from a throwaway CA. test_810 shows a real
cluster-issued set served by a node started after the sync.
"""
import base64
import grp
import json
import os
import subprocess
import urllib.request

import pytest

from harness import acmectl, canary as canaries, ports
from harness.certs import make_ca, make_leaf, pem, write_cert, write_key
from harness.etcd import Etcd


@pytest.fixture(scope="module")
def etcd(session):
    e = Etcd(session.mkdir("etcd"))
    try:
        yield e.start()
    finally:
        e.stop()


def gateway(etcd, path, body):
    req = urllib.request.Request(etcd.endpoint + path, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def b64(data):
    return base64.b64encode(data).decode()


def kv_put(etcd, key, value):
    gateway(etcd, "/v3/kv/put", {"key": b64(key.encode()), "value": b64(value)})


def kv_get(etcd, key):
    kvs = gateway(etcd, "/v3/kv/range", {"key": b64(key.encode())}).get("kvs", [])
    return base64.b64decode(kvs[0].get("value", "")) if kvs else None


class Node:
    """A node's store directory and its cluster file (key file mode 600)."""

    def __init__(self, session, etcd, prefix, key_mode=0o600, anchors=None, endpoint=None):
        self.dir = session.mkdir("node")
        self.store = os.path.join(self.dir, "acme")
        os.makedirs(self.store)
        self.key_file = os.path.join(self.dir, "acme-cluster.key")
        with open(self.key_file, "w") as f:
            f.write(b64(os.urandom(32)) + "\n")
        os.chmod(self.key_file, key_mode)
        self.prefix = prefix
        self.cluster_file = os.path.join(self.dir, "acme-cluster.conf")
        anchor_line = f"    ACMETrustAnchorFile {anchors}\n" if anchors else ""
        with open(self.cluster_file, "w") as f:
            f.write("# included by httpd.conf on every node\n"
                    "<IfModule acme_module>\n"
                    f"    ACMESharedStore etcd {endpoint or etcd.endpoint}\n"
                    f'    ACMESharedStorePrefix "{prefix}"\n'
                    f"    ACMESharedStoreKeyFile {self.key_file}\n"
                    "    ACMENodeName web1\n"
                    f"{anchor_line}"
                    "</IfModule>\n")

    def run(self, *args, cluster=True):
        extra = ["--cluster", self.cluster_file] if cluster else []
        return acmectl.run("--store", self.store, *extra, *args)


def status_record(name, state):
    return json.dumps({"name": name, "names": [name], "key_type": "p256", "state": state})


def test_806_01_renew_writes_the_request_into_etcd(session, etcd):
    node = Node(session, etcd, "/t806/renew")
    kv_put(etcd, "/t806/renew/store/status/a.test.json", b"f" + status_record("a.test",
                                                                                "valid").encode())
    r = node.run("renew", "a.test")
    assert r.returncode == 0, r
    stored = kv_get(etcd, "/t806/renew/store/requests/a.test.json")
    assert stored is not None and stored[:1] == b"f", stored
    assert json.loads(stored[1:])["action"] == "renew", stored
    assert not os.path.exists(os.path.join(node.store, "requests")), os.listdir(node.store)
    # This node alone manages nothing: without --cluster, a.test is unknown here.
    alone = node.run("renew", "a.test", cluster=False)
    assert alone.returncode == 1 and "not managed" in alone.stderr, alone


def test_806_02_status_reads_the_clusters_records(session, etcd):
    node = Node(session, etcd, "/t806/status")
    kv_put(etcd, "/t806/status/store/status/b.test.json",
           b"f" + status_record("b.test", "error").encode())
    r = node.run("status", "--json")
    records = json.loads(r.stdout)["certificates"]
    assert [x["name"] for x in records] == ["b.test"], r
    assert records[0]["state"] == "error" and r.returncode == 1, r
    alone = node.run("status", "--json", cluster=False)
    assert alone.returncode == 0 and json.loads(alone.stdout)["certificates"] == [], alone


def test_806_03_bad_cluster_file_refused_with_the_fix(session, etcd):
    node = Node(session, etcd, "/t806/bad", key_mode=0o640)
    r = node.run("status")
    assert r.returncode == 2, r
    assert f"ACMESharedStoreKeyFile {node.key_file}" in r.stderr, r
    assert f"chmod 600 {node.key_file}" in r.stderr, r
    with open(node.cluster_file, "w") as f:
        f.write("ACMENodeName web1\n")
    r = node.run("renew", "a.test")
    assert r.returncode == 2 and "no ACMESharedStore line" in r.stderr, r
    with open(node.cluster_file, "w") as f:
        f.write(f"ACMESharedStore etcd {etcd.endpoint}\nACMESharedStorePrefix no-slash\n")
    r = node.run("status")
    assert r.returncode == 2, r
    assert f"{node.cluster_file}:2: ACMESharedStorePrefix 'no-slash'" in r.stderr, r


# ---- acmectl sync ----------------------------------------------------------
def probe_path():
    path = os.path.join(os.environ.get("ACME_BUILD_DIR", ""), "tests", "etcd_probe")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: set ACME_BUILD_DIR and build the etcd_probe target")
    return path


class Pki:
    """A throwaway root and intermediate; the root is the nodes' ACMETrustAnchorFile."""

    def __init__(self, directory):
        self.root = make_ca("t806 Root", path_length=1)
        self.intermediate = make_ca("t806 Intermediate", issuer=self.root)
        self.dir = directory
        self.anchor_file = os.path.join(directory, "roots.pem")
        write_cert(self.anchor_file, self.root[0])

    def publish(self, etcd, node, name, wrong_key=False):
        """What the ordering node's publish_shared_set writes, through EtcdStore
        (the key sealed with node's cluster key): the set, then `current`.
        Returns the chain (PEM text)."""
        cert, key = make_leaf([name], self.intermediate)
        if wrong_key:
            key = make_leaf([name], self.intermediate)[1]
        chain = (pem(cert) + pem(self.intermediate[0])).decode()
        serial = format(cert.serial_number, "X")
        seq = f"{cert.not_valid_before:%Y%m%dT%H%M%SZ}-{'0' * (len(serial) % 2)}{serial}"
        chain_file = os.path.join(self.dir, f"{seq}.pem")
        key_file = os.path.join(self.dir, f"{seq}.key")
        with open(chain_file, "w") as f:
            f.write(chain)
        write_key(key_file, key)
        folder = f"sets/{name.replace('*.', '_.', 1)}"
        self.store_op(etcd, node, "write", f"{folder}/{seq}/fullchain.pem", "@" + chain_file)
        self.store_op(etcd, node, "write", f"{folder}/{seq}/privkey.pem", "@" + key_file, "600")
        self.store_op(etcd, node, "link", seq, f"{folder}/current")
        return chain

    @staticmethod
    def store_op(etcd, node, *args):
        argv = [probe_path(), etcd.endpoint, "store", node.key_file, node.prefix, *args]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, (argv, p.stdout, p.stderr)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def test_806_04_sync_stages_every_current_set_and_names_each_failure(session, etcd):
    pki = Pki(session.mkdir("pki"))
    node = Node(session, etcd, "/t806/sync", anchors=pki.anchor_file)
    a = pki.publish(etcd, node, "a.test")
    w = pki.publish(etcd, node, "*.w.test")
    pki.publish(etcd, node, "b.test", wrong_key=True)
    r = node.run("sync")
    assert r.returncode == 1, r
    assert "a.test: staged (serial " in r.stdout and "*.w.test: staged (serial " in r.stdout, r
    assert "acmectl sync: b.test: not staged: " in r.stderr and "Fix: " in r.stderr, r
    assert "3 certificate(s) in the cluster store: 2 staged, 0 already current, " \
        "0 skipped, 1 failed" in r.stdout, r
    staging = os.path.join(node.store, "staging")
    assert read(os.path.join(staging, "a.test", "fullchain.pem")) == a
    assert read(os.path.join(staging, "_.w.test", "fullchain.pem")) == w
    key = os.path.join(staging, "a.test", "privkey.pem")
    assert "PRIVATE KEY" in read(key) and os.stat(key).st_mode & 0o777 == 0o600
    assert not os.path.exists(os.path.join(staging, "b.test")), os.listdir(staging)
    before = os.stat(os.path.join(staging, "a.test", "fullchain.pem")).st_mtime_ns
    again = node.run("sync")
    assert "a.test: already current (serial " in again.stdout, again
    assert "2 already current" in again.stdout and again.returncode == 1, again
    assert os.stat(os.path.join(staging, "a.test", "fullchain.pem")).st_mtime_ns == before


def test_806_05_sync_with_etcd_unreachable_writes_nothing(session, etcd):
    closed = ports.free_port()   # nothing listens there
    node = Node(session, etcd, "/t806/down", endpoint=f"http://127.0.0.1:{closed}")
    r = node.run("sync")
    assert r.returncode == 2, r
    assert f"http://127.0.0.1:{closed}" in r.stderr and "nothing was written" in r.stderr, r
    assert os.listdir(node.store) == [], os.listdir(node.store)
    alone = acmectl.run("--store", node.store, "sync")
    assert alone.returncode == 2 and "sync needs --cluster FILE" in alone.stderr, alone


def test_806_06_sync_as_root_follows_no_link_the_child_user_planted(session, etcd):
    """acmectl sync runs as root (ExecStartPre) and writes into staging/, which
    httpd gave to the child user: what that user planted there (a link for a
    whole set, links and a hard link for its files) must not make root write
    anywhere else."""
    assert os.geteuid() == 0, "test_806_06 needs root: acmectl sync runs as root"
    www = grp.getgrnam("www-data").gr_gid   # the Debian child user's group; its uid:
    uid = int(subprocess.run(["id", "-u", "www-data"], capture_output=True, text=True,
                             check=True).stdout)
    pki = Pki(session.mkdir("pki"))
    node = Node(session, etcd, "/t806/attack", anchors=pki.anchor_file)
    for name in ("a.test", "b.test", "c.test"):
        pki.publish(etcd, node, name)
    canary = session.mkdir("canary")
    for name, gid, mode in (("fullchain.pem", 0, 0o644), ("privkey.pem", 0, 0o600),
                            ("linkable", www, 0o660)):
        path = os.path.join(canary, name)
        with open(path, "w") as f:
            f.write(f"canary {name}\n")
        os.chown(path, 0, gid)
        os.chmod(path, mode)
    # The store as httpd leaves it: root's, staging/ the child user's (0700).
    staging = os.path.join(node.store, "staging")
    os.mkdir(staging, 0o700)
    os.chown(staging, uid, www)
    # What the child user plants: staging/a.test -> the canary directory; in its
    # own staging/b.test/, links to the canary files and a hard link to one.
    os.symlink(canary, os.path.join(staging, "a.test"))
    b = os.path.join(staging, "b.test")
    os.mkdir(b)
    os.symlink(os.path.join(canary, "fullchain.pem"), os.path.join(b, "fullchain.pem"))
    os.link(os.path.join(canary, "linkable"), os.path.join(b, "privkey.pem"))
    for path in (os.path.join(staging, "a.test"), b, os.path.join(b, "fullchain.pem")):
        os.lchown(path, uid, www)
    before = canaries.snapshot(canary)

    r = node.run("sync")
    assert canaries.snapshot(canary) == before, "root wrote outside the store"
    assert r.returncode == 1, r
    assert "acmectl sync: a.test: not staged: " in r.stderr and "symbolic link" in r.stderr, r
    assert os.path.islink(os.path.join(staging, "a.test"))   # left as it was, not followed
    assert "b.test: staged" in r.stdout and "c.test: staged" in r.stdout, r
    for name in ("fullchain.pem", "privkey.pem"):
        st = os.lstat(os.path.join(b, name))
        assert st.st_uid == 0 and st.st_nlink == 1 and not os.path.islink(os.path.join(b, name))
    # A set root made is handed to the owner of staging/, so the watchdog can replace it.
    c = os.stat(os.path.join(staging, "c.test"))
    assert (c.st_uid, c.st_gid) == (uid, www), c


def test_806_07_sync_as_root_refuses_a_store_others_can_write(session, etcd):
    """The store root is where root writes live/ and archive/: httpd's parent
    refuses to start on one that group or others can write, and sync, as root,
    writes nothing there either."""
    assert os.geteuid() == 0, "test_806_07 needs root: the check is root's"
    pki = Pki(session.mkdir("pki"))
    node = Node(session, etcd, "/t806/open", anchors=pki.anchor_file)
    pki.publish(etcd, node, "a.test")
    os.chmod(node.store, 0o775)
    r = node.run("sync")
    assert r.returncode == 2, r
    assert node.store in r.stderr and "nothing was written" in r.stderr, r
    assert os.listdir(node.store) == [], os.listdir(node.store)
    os.chmod(node.store, 0o755)
    r = node.run("sync")
    assert r.returncode == 0 and "a.test: staged" in r.stdout, r
