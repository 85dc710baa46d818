"""The cluster tests' harness itself (harness/cluster.py), without mod_acme's
cluster directives: a three-member etcd whose members stop and start on
their own, and HAProxy on 127.0.0.1 in front of three httpd nodes on
127.0.0.2-4 that round-robins their connections and through which pebble
validates, on the HTTP port (http-01) and the TLS port (tls-alpn-01); a
frozen HAProxy holds a validation; kill9() ends a node's every process.
"""
import time
import uuid
from types import SimpleNamespace

from harness import ports, procs
from harness.certs import CertInfo
from harness.cluster import (
    PebbleCounts, http01_answerers, kill9, log_count, orderers, served_serial,
    tls_alpn_answerers)
from harness.httpd import VHost

TLS_ALPN = "Protocols http/1.1 acme-tls/1\nACMEChallenges tls-alpn-01"


def test_809_01_etcd_members_stop_and_start_on_their_own(cluster):
    members = cluster.etcd.members
    assert len(members) == 3 and all(m.healthy() for m in members)
    key, value = f"/harness/{uuid.uuid4()}", "written through m1"
    members[0].put(key, value)
    assert [m.get(key) for m in members] == [value] * 3   # one cluster, not three

    cluster.etcd.stop_member(1)
    assert not ports.is_listening(members[1].client_port)
    members[0].put(key, "written while m2 was down")      # two of three: a quorum
    assert members[2].get(key) == "written while m2 was down"

    cluster.etcd.start_member(1)                          # rejoins with its data dir
    assert all(m.healthy() for m in members)
    assert members[1].get(key) == "written while m2 was down"


def test_809_02_haproxy_round_robin_and_validation_through_it(cluster, cluster_nodes):
    """web1 orders alone while web2 and web3 are down: pebble's http-01 and
    tls-alpn-01 requests reach it through HAProxy. Then web2 and web3 come up
    with a CA that never answers (they serve their own fallbacks): the three
    serve three serials, and HAProxy hands them out in turn."""
    pebble, proxy = cluster.pebble, cluster.haproxy
    dead_ca = SimpleNamespace(directory_url=f"https://127.0.0.1:{ports.free_port()}/dir",
                              ca_file=pebble.ca_file, trust_anchor_file=pebble.trust_anchor_file,
                              dns_port=pebble.dns_port)
    vhosts = [VHost.managed("h.c809.test"), VHost.managed("t.c809.test", extra=TLS_ALPN)]
    web1, _, _ = cluster_nodes(vhosts)
    # No preflight either: its probes would go through HAProxy and take turns.
    _, web2, web3 = cluster_nodes(vhosts, ca=dead_ca, acme={"ACMEPreflight": "off"})
    proxy.wait_states({"web1": "DOWN", "web2": "DOWN", "web3": "DOWN"})
    counts = PebbleCounts(pebble)
    web1.start()
    proxy.wait_states({"web1": "UP", "web2": "DOWN", "web3": "DOWN"})
    web1.wait_for_cert("h.c809.test", timeout=60)
    web1.wait_for_cert("t.c809.test", timeout=60)
    assert f"Attempting to validate w/ HTTP: http://h.c809.test:{proxy.http_port}/" \
        in pebble.log_text()
    assert http01_answerers([web1], "h.c809.test") == [web1]
    assert tls_alpn_answerers([web1], "t.c809.test") == [web1]
    # What test_810 counts, on one node ordering alone: two orders, one account.
    assert counts.orders() == 2 and counts.accounts() == 1
    assert counts.validations("h.c809.test") >= 1 and counts.validations("t.c809.test") == 0
    assert orderers([web1, web2, web3], "h.c809.test") == [web1]
    assert log_count([web1], r"ACME10010: ") == 1

    web2.start()
    web3.start()
    proxy.wait_states({"web1": "UP", "web2": "UP", "web3": "UP"})
    direct = {n.node_name: served_serial(n, "h.c809.test") for n in (web1, web2, web3)}
    assert None not in direct.values() and len(set(direct.values())) == 3, direct
    through = [served_serial_via(cluster, "h.c809.test") for _ in range(6)]
    # Round robin: any three consecutive connections reach the three nodes.
    assert set(through[:3]) == set(direct.values()) == set(through[3:]), (direct, through)
    assert through[:3] == through[3:], through


def served_serial_via(cluster, name):
    leaf = cluster.via_haproxy_leaf(name)
    assert leaf is not None, f"no TLS handshake for {name} through HAProxy"
    return CertInfo(leaf).serial


def test_809_03_frozen_haproxy_holds_the_validation_and_kill9_leaves_nothing(cluster,
                                                                            cluster_nodes):
    """What test_810_06 relies on: with HAProxy frozen (its checks off, every
    server counted up) pebble's validation waits in its listen queue; thawed,
    the connections meeting the two nodes that do not run are redispatched to
    web1, which gets its certificate. kill9() then ends web1's parent and
    every child."""
    pebble, proxy = cluster.pebble, cluster.haproxy
    name = "k.c809.test"
    web1, _, _ = cluster_nodes([VHost.managed(name)], acme={"ACMEPreflight": "off"})
    counts = PebbleCounts(pebble)
    proxy.force_up()
    proxy.freeze()
    try:
        web1.start()
        wait_for(lambda: counts.validations(name) >= 1, 60, "pebble's validation attempt")
        assert not pebble.issued_by_me(web1.served_chain(name, verify=False).leaf.pem)
    finally:
        proxy.thaw()
        proxy.restore_checks()
    web1.wait_for_cert(name, timeout=60)
    assert http01_answerers([web1], name) == [web1]
    parent = web1.proc
    children = procs.descendants(parent.pid)   # {pid: start time}
    assert children, "httpd runs no child"
    kill9(web1)
    assert parent.poll() is not None
    # Gone or a zombie (the init of this machine reaps the orphans in its own time).
    assert not [p for p, t in children.items() if procs.alive_as(p, t)], "kill9 left a process"
    proxy.wait_states({"web1": "DOWN"})


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"no {what} within {timeout}s"
        time.sleep(0.05)
