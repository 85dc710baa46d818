"""acmectl --cluster FILE (issue 10) against a real etcd: on a cluster node,
`acmectl renew NAME` leaves its request in etcd for the whole cluster and
`acmectl status` reads the cluster's status records from etcd. FILE is an
Apache config snippet with the node's ACMEShared* lines, read with the
module's own directive parsers.
"""
import base64
import json
import os
import urllib.request

import pytest

from harness import acmectl
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

    def __init__(self, session, etcd, prefix, key_mode=0o600):
        self.dir = session.mkdir("node")
        self.store = os.path.join(self.dir, "acme")
        os.makedirs(self.store)
        self.key_file = os.path.join(self.dir, "acme-cluster.key")
        with open(self.key_file, "w") as f:
            f.write(b64(os.urandom(32)) + "\n")
        os.chmod(self.key_file, key_mode)
        self.prefix = prefix
        self.cluster_file = os.path.join(self.dir, "acme-cluster.conf")
        with open(self.cluster_file, "w") as f:
            f.write("# included by httpd.conf on every node\n"
                    "<IfModule acme_module>\n"
                    f"    ACMESharedStore etcd {etcd.endpoint}\n"
                    f'    ACMESharedStorePrefix "{prefix}"\n'
                    f"    ACMESharedStoreKeyFile {self.key_file}\n"
                    "    ACMENodeName web1\n"
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
