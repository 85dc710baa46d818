"""mod_acme's etcd client (mod_acme/cluster/, issue 10) against a real etcd.

A single-member etcd (Debian's etcd-server, 3.4) on loopback ports of its own;
tests/tools/etcd_probe drives the client: put/range/delete, a create-only
transaction, leases, the lease-held lock handed over when its holder dies,
sealed private keys, failover past a dead endpoint, and https with a client
certificate (ACMESharedStoreTLS), the watch, and the shared Store over etcd
(EtcdStore: write/read/list/remove, sealed keys as stored, the size limit, a write under a
lock refused by etcd once the lock's lease is gone, the tick's mirror kept current by the
watch), and the challenge fan-out across two registered nodes with their acks.
"""
import base64
import json
import os
import signal
import subprocess
import time

import pytest

from harness import ports, procs
from harness.etcd import Etcd


def _probe_path():
    build = os.environ.get("ACME_BUILD_DIR", "")
    path = os.path.join(build, "tests", "etcd_probe")
    if not os.access(path, os.X_OK):
        pytest.fail(f"{path} is missing: set ACME_BUILD_DIR and build the etcd_probe target")
    return path


class Probe:
    def __init__(self, endpoints, tls=None, timeout_s=None):
        self.endpoints = ",".join(endpoints)
        self.tls = ["--tls", *tls] if tls else []
        self.timeout = ["--timeout", str(timeout_s)] if timeout_s else []

    def argv(self, *args):
        return [_probe_path(), *self.timeout, *self.tls, self.endpoints,
                *[str(a) for a in args]]

    def run_lines(self, *args, rc=0, timeout=60):
        """Every JSON line printed, or stderr when nothing was."""
        p = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=timeout)
        assert p.returncode == rc, (args, p.returncode, p.stdout, p.stderr)
        return [json.loads(line) for line in p.stdout.splitlines()] or p.stderr

    def run(self, *args, rc=0, timeout=60):
        """The last JSON line printed, or stderr when nothing was."""
        out = self.run_lines(*args, rc=rc, timeout=timeout)
        return out[-1] if isinstance(out, list) else out


@pytest.fixture(scope="module")
def etcd(session):
    e = Etcd(session.mkdir("etcd"))
    try:
        yield e.start()
    finally:
        e.stop()


@pytest.fixture
def probe(etcd):
    return Probe([etcd.endpoint])


def test_800_01_put_range_delete(probe):
    first = probe.run("put", "/t1/a", "alpha")
    probe.run("put", "/t1/b", "beta")
    probe.run("put", "/t10", "outside the prefix")
    got = probe.run("get", "/t1/a")
    assert base64.b64decode(got["value_b64"]) == b"alpha"
    assert got["create_revision"] == first["revision"] and got["version"] == 1
    listed = probe.run("list", "/t1/")
    assert listed == {"count": 2, "keys": ["/t1/a", "/t1/b"]}
    assert probe.run("delete", "/t1/", "prefix") == {"deleted": 2}
    assert probe.run("get", "/t1/a", rc=3)["present"] is False
    assert probe.run("get", "/t10")["present"] is True


def test_800_02_create_only_once(probe):
    assert probe.run("create", "/t2/account", "web1") == {"succeeded": True}
    assert probe.run("create", "/t2/account", "web2", rc=3) == {
        "existing": "web1", "succeeded": False}
    assert base64.b64decode(probe.run("get", "/t2/account")["value_b64"]) == b"web1"


def test_800_03_lease_grant_keepalive_revoke(probe):
    lease = probe.run("grant", 30)
    assert lease["ttl"] == 30
    probe.run("put", "/t3/node", "web1", lease["id"])
    assert str(probe.run("get", "/t3/node")["lease"]) == lease["id"]
    assert probe.run("keepalive", lease["id"]) == {"ttl": 30}
    assert probe.run("revoke", lease["id"]) == {"revoked": True}
    assert probe.run("get", "/t3/node", rc=3)["present"] is False  # revoking deleted it
    assert probe.run("keepalive", lease["id"]) == {"ttl": 0}  # gone
    err = probe.run("revoke", lease["id"], rc=1)
    assert "requested lease not found" in err and probe.endpoints in err, err
    err = probe.run("put", "/t3/node", "web1", lease["id"], rc=1)
    assert "requested lease not found" in err, err


def test_800_04_lock_passes_when_its_holder_dies(probe, session):
    ttl = 3
    log = os.path.join(session.mkdir("lock"), "web1.out")
    # web1 takes the lock and keeps it alive until it is killed.
    web1 = procs.start(probe.argv("lock", "/t4/lock", "web1", ttl, 10, -1), log)
    try:
        deadline = time.monotonic() + 15
        while '"acquired":true' not in open(log).read():
            assert web1.poll() is None and time.monotonic() < deadline, open(log).read()
            time.sleep(0.05)
        # Keep-alives hold it past its TTL: web2 tries for twice the TTL in vain.
        busy = probe.run("lock", "/t4/lock", "web2", ttl, 2 * ttl, 0, rc=3)
        assert busy == {"acquired": False, "holder": "web1"}
        web1.send_signal(signal.SIGKILL)  # the node dies mid-order
        killed_at = time.monotonic()
        web1.wait(10)
    finally:
        procs.stop(web1)
    got = probe.run("lock", "/t4/lock", "web2", ttl, 3 * ttl, 1)
    taken_after = time.monotonic() - killed_at
    assert got["released"] is True, got
    # Handed over once the dead holder's lease ran out: within TTL plus a few seconds.
    assert taken_after < ttl + 4, taken_after
    assert probe.run("get", "/t4/lock", rc=3)["present"] is False  # released: gone


def test_800_05_failover_past_a_dead_endpoint(etcd):
    dead = f"http://127.0.0.1:{ports.free_ports(1)[0]}"
    probe = Probe([dead, etcd.endpoint])
    put = probe.run("put", "/t5/k", "v")
    assert put["endpoint"] == etcd.endpoint
    assert probe.run("get", "/t5/k")["endpoint"] == etcd.endpoint
    other = f"http://127.0.0.1:{ports.free_ports(1)[0]}"
    err = Probe([dead, other]).run("get", "/t5/k", rc=1)
    assert dead in err and other in err and "Couldn't connect" in err, err


def test_800_06_private_keys_sealed_in_etcd(probe, session):
    key_file = os.path.join(session.mkdir("key"), "acme-cluster.key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n"
    probe.run("seal", key_file, "/t6/certs/a.test/privkey", pem)
    raw = base64.b64decode(probe.run("get", "/t6/certs/a.test/privkey")["value_b64"])
    assert raw[0] == 1 and len(raw) == 1 + 12 + len(pem) + 16
    assert b"PRIVATE KEY" not in raw and b"MIGHAgEA" not in raw
    assert probe.run("open", key_file, "/t6/certs/a.test/privkey") == {"plaintext": pem}
    os.chmod(key_file, 0o640)
    err = probe.run("open", key_file, "/t6/certs/a.test/privkey", rc=1)
    assert key_file in err and "chmod 600" in err, err


def test_800_07_https_with_a_client_certificate(session):
    e = Etcd(session.mkdir("etcd-tls"), tls=True)
    try:
        e.start()
        c = e.certs
        probe = Probe([e.endpoint], tls=[c.client_cert, c.client_key, c.ca_file])
        probe.run("put", "/t7/k", "over TLS")
        assert base64.b64decode(probe.run("get", "/t7/k")["value_b64"]) == b"over TLS"
        # Without a client certificate the member refuses the handshake.
        err = Probe([e.endpoint], tls=["", "", c.ca_file]).run("get", "/t7/k", rc=1)
        assert e.endpoint in err, err
        # Without the CA, the member's certificate is not trusted.
        err = Probe([e.endpoint]).run("get", "/t7/k", rc=1)
        assert e.endpoint in err and "certificate" in err.lower(), err
    finally:
        e.stop()


def _lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def _wait_for(path, predicate, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while not any(predicate(m) for m in _lines(path)):
        assert proc.poll() is None and time.monotonic() < deadline, open(path).read()
        time.sleep(0.05)


def test_800_08_watch_sees_puts_and_deletes_and_resumes(etcd, session):
    dead = f"http://127.0.0.1:{ports.free_ports(1)[0]}"
    watcher_probe = Probe([dead, etcd.endpoint])
    probe = Probe([etcd.endpoint])
    out = os.path.join(session.mkdir("watch"), "watch.out")
    # The first member is dead: the watch starts again on the next one.
    watcher = procs.start(watcher_probe.argv("watch", "/t8/", 0, 3, 30), out)
    try:
        _wait_for(out, lambda m: m.get("created"), watcher)
        first = probe.run("put", "/t8/a", "1")["revision"]
        probe.run("put", "/t80", "outside the prefix")
        probe.run("put", "/t8/b", "2")
        probe.run("delete", "/t8/a")
        assert watcher.wait(30) == 0, open(out).read()
    finally:
        procs.stop(watcher)
    messages = _lines(out)
    assert any(dead in m.get("restart", "") for m in messages), messages
    created = [m for m in messages if m.get("created")]
    assert created[0]["endpoint"] == etcd.endpoint
    events = [(m["type"], m["key"], m["value"]) for m in messages if "type" in m]
    assert events == [("PUT", "/t8/a", "1"), ("PUT", "/t8/b", "2"), ("DELETE", "/t8/a", "")]
    last = [m for m in messages if "type" in m][-1]["mod_revision"]
    assert messages[-1] == {"next_revision": last + 1}
    # From a past revision the same history comes back at once (a restart misses nothing).
    replay = probe.run_lines("watch", "/t8/", first, 3, 30)
    assert [(m["type"], m["key"]) for m in replay if "type" in m] == [
        ("PUT", "/t8/a"), ("PUT", "/t8/b"), ("DELETE", "/t8/a")]
    assert replay[-1] == {"next_revision": last + 1}


def test_800_09_store_over_etcd(etcd, probe, session):
    """EtcdStore (cluster/etcd_store.h) on a real etcd: write, read, list,
    remove; a private key is sealed as stored; a file at the store's size
    limit fits in one etcd request, one byte more is refused before sending."""
    key_file = os.path.join(session.mkdir("storekey"), "acme-cluster.key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")

    def store(*args, rc=0):
        return probe.run("store", key_file, "/t9", *args, rc=rc)

    pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n"
    assert store("write", "jobs/a.test/job.json", '{"step":"order"}') == {"ok": True}
    assert store("write", "jobs/a.test/privkey.pem", pem, "600") == {"ok": True}
    assert store("write", "jobs/b.test/job.json", "{}") == {"ok": True}
    assert store("read", "jobs/a.test/job.json")["data"] == '{"step":"order"}'
    assert store("read", "jobs/a.test/privkey.pem")["data"] == pem
    assert store("list", "jobs") == {"names": ["a.test", "b.test"]}
    assert store("list", "jobs/a.test") == {"names": ["job.json", "privkey.pem"]}
    assert store("exists", "jobs/a.test") == {"exists": True}

    raw = base64.b64decode(probe.run("get", "/t9/store/jobs/a.test/privkey.pem")["value_b64"])
    assert raw[:2] == b"f\x01" and len(raw) == 2 + 12 + len(pem) + 16
    assert b"PRIVATE KEY" not in raw and b"MIGHAgEA" not in raw
    plain = base64.b64decode(probe.run("get", "/t9/store/jobs/a.test/job.json")["value_b64"])
    assert plain == b'f{"step":"order"}'

    assert store("link", "1", "sets/a.test/current") == {"ok": True}
    assert store("read_link", "sets/a.test/current")["target"] == "1"

    # A test of sizes, not of latency: 1 MiB through etcd's WAL on a loaded machine
    # may take longer than the module's 5 s per request (it failed so once).
    patient = Probe([etcd.endpoint], timeout_s=60)

    def big_store(*args, rc=0):
        return patient.run("store", key_file, "/t9", *args, rc=rc)

    big = os.path.join(session.mkdir("storebig"), "big")
    with open(big, "wb") as f:
        f.write(b"x" * (1 << 20))  # kMaxStoreFileSize: below etcd's 1.5 MiB request limit
    assert big_store("write", "ocsp/a.test.der", "@" + big) == {"ok": True}
    assert big_store("read", "ocsp/a.test.der")["bytes"] == 1 << 20
    with open(big, "ab") as f:
        f.write(b"x")
    err = store("write", "ocsp/a.test.der", "@" + big, rc=1)
    assert "/t9/store/ocsp/a.test.der" in err and str((1 << 20) + 1) in err, err

    assert store("remove", "jobs/a.test") == {"ok": True}
    assert store("list", "jobs") == {"names": ["b.test"]}
    err = store("read", "jobs/a.test/privkey.pem", rc=3)
    assert "/t9/store/jobs/a.test/privkey.pem" in err, err
    assert probe.run("get", "/t9/store/jobs/a.test/privkey.pem", rc=3)["present"] is False


def test_800_10_store_write_under_a_lost_lock_is_refused(probe, session):
    """A write under a certificate's lock carries LEASE(lock) == my lease: once
    the lease is gone (revoked here, as etcd does when keep-alives stop), the
    real etcd refuses it and the value stays what was written under the lock."""
    key_file = os.path.join(session.mkdir("lockkey"), "acme-cluster.key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    out = probe.run("store", key_file, "/t10", "locked", "/t10/locks/a.test",
                    "jobs/a.test/job.json", '{"by":"holder"}')
    assert out["first_ok"] is True, out
    assert out["second_ok"] is False and out["second_code"] == "not found", out
    assert "/t10/store/jobs/a.test/job.json" in out["second"], out
    assert "/t10/locks/a.test" in out["second"], out
    got = probe.run("store", key_file, "/t10", "read", "jobs/a.test/job.json")
    assert got["data"] == '{"by":"holder"}'
    assert probe.run("get", "/t10/locks/a.test", rc=3)["present"] is False


def test_800_11_mirror_follows_the_store_through_the_watch(probe, session):
    """The tick's mirror (cluster/etcd_mirror.h) on the real etcd: loaded by a
    range, then kept current by the watch: it reads the EtcdStore's new job,
    opens its sealed key, and no longer lists a removed job."""
    key_file = os.path.join(session.mkdir("mirrorkey"), "acme-cluster.key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    assert probe.run("store", key_file, "/t11", "write", "jobs/old.test/job.json", "{}") == {
        "ok": True}
    pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n-----END PRIVATE KEY-----\n"
    out = probe.run("mirror", key_file, "/t11", '{"step":"order"}', pem)
    assert out["keys_at_load"] == 1, out
    assert out["revision"] >= out["target"], out
    assert out["job"] == '{"step":"order"}' and out["key"] == pem
    assert out["jobs"] == ["m.test"] and out["old_exists"] is False, out


def test_800_12_challenge_fanout_to_two_nodes(probe, session):
    """Issue 10 item 4 on the real etcd (cluster/challenge_publisher.h,
    challenge_subscriber.h, node_registry.h): two registered nodes, each
    subscribed by a range and a watch of its own; the ordering node publishes
    an http-01 and a tls-alpn-01 answer, both nodes serve them and ack, ready()
    says go with both acked (not by the 10 s bound); the tls-alpn-01 key is
    sealed in etcd; a withdraw empties both nodes and leaves no ack."""
    key_file = os.path.join(session.mkdir("fanoutkey"), "acme-cluster.key")
    with open(os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    out = probe.run("fanout", key_file, "/t12")
    assert out["live"] == 2, out
    assert out["alpn_key_in_clear"] is False, out
    for kind in ("http01", "tls_alpn01"):
        assert out[kind] == {"acked": ["web1", "web2"], "missing": [], "go": True,
                             "all_acked": True}, out
    assert out["web1_served"] == ["tokA", "tokB"] and out["web2_served"] == ["tokA", "tokB"], out
    assert out["web2_serves_alpn"] is True, out
    assert out["acks"] == 4, out
    assert out["web1_after"] == [] and out["web2_after"] == [], out
    assert out["acks_after"] == 0 and out["challenges_after"] == 0, out
    assert out["live_after_stop"] == 0, out
