"""mod_acme across an httpd cluster on etcd (issue 10), end to end.

Three httpd nodes (web1..web3 on 127.0.0.2-4) share one etcd cluster of
three members through ACMESharedStore, behind HAProxy on 127.0.0.1 (round
robin, TCP mode), and pebble validates through HAProxy: the CA's request
reaches whichever node the balancer picks (harness/cluster.py). The etcd
cluster, HAProxy and pebble are the module's; every test has nodes and an
etcd prefix of its own, and names of its own, so pebble's log since the
test's mark counts that test's orders and accounts.

Asserted: every node serves the same serial, verified against pebble's root
and intermediate; pebble saw exactly one order per certificate and one new
account; the CA's http-01 and tls-alpn-01 requests were answered by a node
that did not order (pebble 2.4 validates a challenge from three perspectives,
three connections, which round robin spreads over the three nodes); and the
failures of issue 10 item 6.
"""
import os
import re
import signal
import time

import pytest

from harness import acmectl, ports, procs
from harness.cluster import (
    CHALLENGE_PATH, ISSUE_TIMEOUT, PebbleCounts, access_log, assert_one_order, http01_answerers,
    kill9, log_count, start_together, tls_alpn_answerers, wait_cert_everywhere, wait_orderer)
from harness.haproxy import READINESS_PATH
from harness.httpd import VHost

TLS_ALPN = "Protocols http/1.1 acme-tls/1\nACMEChallenges tls-alpn-01"
LEASE_TTL = 10           # issue 10 item 3: the order lock's lease
# A line that says the shared store cannot be reached, naming etcd and what to
# check (an endpoint or the directive), as a user-facing error must; any order.
ETCD_DOWN = (r"(?m)^(?=.*ACME\d{5}:)(?=.*\betcd\b)"
             r"(?=.*(unreachable|not reachable|no etcd endpoint answered|cannot reach|"
             r"could not reach|couldn't connect|connection refused|\bdown\b))"
             r"(?=.*(ACMESharedStore|127\.0\.0\.1:\d+)).*$")


# An access log line of a request for a challenge token: not the readiness answer.
CHALLENGE_PATH_RE = re.compile(
    rf"(?m)^\S+ {re.escape(CHALLENGE_PATH)}(?!{re.escape(READINESS_PATH.rsplit('/', 1)[1])} )\S+ ")


def one_name(tag):
    return (f"{tag}.c810.test",)


def test_810_01_http01_one_order_every_node_serves_it(cluster, cluster_nodes):
    names = one_name("a")
    nodes = cluster_nodes([VHost.managed(*names)], prefix=cluster.new_prefix("a"))
    counts = PebbleCounts(cluster.pebble)
    start_together(nodes)
    orderer = assert_one_order(cluster, nodes, [names], counts)[names[0]]
    for name in names:
        assert f"Attempting to validate w/ HTTP: http://{name}:{cluster.haproxy.http_port}/" \
            in cluster.pebble.log_text()
    answered = {n.node_name for name in names for n in http01_answerers(nodes, name)}
    assert answered - {orderer.node_name}, \
        f"the CA's http-01 requests reached only the orderer {orderer.node_name}: {answered}"


def test_810_02_tls_alpn01_one_order_every_node_serves_it(cluster, cluster_nodes):
    names = one_name("b")
    nodes = cluster_nodes([VHost.managed(*names, extra=TLS_ALPN)],
                          prefix=cluster.new_prefix("b"))
    counts = PebbleCounts(cluster.pebble)
    start_together(nodes)
    orderer = assert_one_order(cluster, nodes, [names], counts)[names[0]]
    assert counts.validations(names[0]) == 0   # no http-01: tls-alpn-01 it was
    answered = {n.node_name for name in names for n in tls_alpn_answerers(nodes, name)}
    assert answered - {orderer.node_name}, \
        f"the CA's acme-tls/1 handshakes reached only the orderer {orderer.node_name}: {answered}"


def test_810_03_ten_names_each_ordered_once(cluster, cluster_nodes):
    names = [(f"n{i}.c810.test",) for i in range(10)]
    nodes = cluster_nodes([VHost.managed(*n) for n in names], prefix=cluster.new_prefix("c"))
    counts = PebbleCounts(cluster.pebble)
    start_together(nodes)
    ordered_by = assert_one_order(cluster, nodes, names, counts, timeout=3 * ISSUE_TIMEOUT)
    for name in ordered_by:
        assert log_count(nodes, rf"ACME10020: ordering certificate for {re.escape(name)} ") == 1


def test_810_04_one_etcd_member_down_changes_nothing(cluster, cluster_nodes):
    names = one_name("d")
    nodes = cluster_nodes([VHost.managed(*names)], prefix=cluster.new_prefix("d"))
    cluster.etcd.stop_member(0)   # the first endpoint every node tries
    try:
        counts = PebbleCounts(cluster.pebble)
        start_together(nodes)
        assert_one_order(cluster, nodes, [names], counts)
    finally:
        cluster.etcd.start_member(0)


def test_810_05_etcd_down_at_start_nodes_serve_then_order_when_it_returns(cluster,
                                                                         cluster_nodes):
    names = one_name("e")
    nodes = cluster_nodes([VHost.managed(*names)], prefix=cluster.new_prefix("e"))
    counts = PebbleCounts(cluster.pebble)
    cluster.etcd.stop()
    try:
        start_together(nodes)
        for node in nodes:
            node.wait_for_log(ETCD_DOWN, timeout=30)   # said so, clearly, on every node
        for node in nodes:
            node.assert_alive()
            leaf = node.served_chain(names[0], verify=False).leaf
            assert leaf is not None and not cluster.pebble.issued_by_me(leaf.pem), \
                f"{node.node_name} serves no fallback for {names[0]}"
        assert log_count(nodes, r"ACME10020: ") == 0, "an order started without etcd"
        assert counts.orders() == 0 and counts.accounts() == 0
    finally:
        cluster.etcd.start()
    assert_one_order(cluster, nodes, [names], counts)


def test_810_06_orderer_killed_mid_order_another_node_finishes(cluster, cluster_nodes):
    """HAProxy is frozen (SIGSTOP) while the nodes order, so the CA's
    validation waits in HAProxy's listen queue: the order is surely in flight
    when its node dies. Then HAProxy goes on (a connection to the dead node is
    redispatched), and another node must finish the same order once the dead
    node's lock lease ran out."""
    names = one_name("f")
    # No preflight: its probe would wait on the frozen HAProxy before the order.
    nodes = cluster_nodes([VHost.managed(*names)], prefix=cluster.new_prefix("f"),
                          acme={"ACMEPreflight": "off"})
    proxy, pebble = cluster.haproxy, cluster.pebble
    counts = PebbleCounts(pebble)
    proxy.force_up()   # its checks cannot run while it is frozen: all three count as up
    proxy.freeze()
    try:
        start_together(nodes)
        orderer = wait_orderer(nodes, names[0], timeout=ISSUE_TIMEOUT)
        wait_pebble_validating(pebble, counts, names, timeout=ISSUE_TIMEOUT)
        assert not re.search(rf"ACME10210: [^\n]*{re.escape(names[0])} published",
                             orderer.error_log_text()), "the order finished before the kill"
        kill9(orderer)
        killed_at = time.monotonic()
    finally:
        proxy.thaw()
        proxy.restore_checks()
    survivors = [n for n in nodes if n is not orderer]
    left = LEASE_TTL + 8 - (time.monotonic() - killed_at)
    serials = wait_cert_everywhere(survivors, names[0], timeout=left)
    took = time.monotonic() - killed_at
    assert len(set(serials.values())) == 1, serials
    finisher = [n for n in survivors
                if re.search(rf"ACME10210: [^\n]*{re.escape(names[0])} published",
                             n.error_log_text())]
    assert len(finisher) == 1, f"published by {[n.node_name for n in finisher]}"
    assert counts.orders() == 1, f"{counts.orders()} orders: the order was not resumed"
    print(f"{orderer.node_name} killed; {finisher[0].node_name} finished in {took:.1f} s")


def wait_pebble_validating(pebble, counts, names, timeout):
    """Until pebble logs a validation attempt for one of names (it then waits
    on the frozen HAProxy)."""
    deadline = time.monotonic() + timeout
    while not any(counts.validations(n) for n in names):
        if time.monotonic() > deadline:
            pytest.fail(f"pebble attempted no validation for {names} in {timeout}s")
        time.sleep(0.05)


def test_810_07_late_joiner_synced_before_start_serves_the_clusters_certificate(
        cluster, cluster_nodes, session):
    """Issue 10 item 6, "a node that joins later gets every certificate before it
    first serves": after web1 ordered and published a name, `acmectl sync`
    stages it in a new node's empty store; that node's watchdog cannot reach
    etcd (its ACMESharedStore is a closed loopback port), so the certificate
    it serves on its first TLS answer can only have come from the sync."""
    names = one_name("g")
    prefix = cluster.new_prefix("g")
    web1 = cluster_nodes([VHost.managed(*names)], prefix=prefix)[0]
    web1.start()
    serial = web1.wait_for_cert(names[0], timeout=ISSUE_TIMEOUT).leaf.serial
    web1.wait_for_log(rf"ACME10210: [^\n]*{re.escape(names[0])} published", timeout=30)

    closed = ports.free_port()   # nothing listens there: this watchdog never reaches etcd
    late = cluster_nodes([VHost.managed(*names)], acme={
        "ACMESharedStore": f"etcd http://127.0.0.1:{closed}",
        "ACMESharedStorePrefix": prefix,
        "ACMESharedStoreKeyFile": cluster.key_file,
        "ACMENodeName": "late"})[1]
    os.makedirs(late.store_dir, mode=0o755)   # as the package makes /var/lib/apache2/acme
    cluster_file = os.path.join(session.mkdir("late"), "acme-cluster.conf")
    with open(cluster_file, "w") as f:   # the real etcd, the node's trust anchors
        f.write(f"ACMESharedStore etcd {' '.join(cluster.etcd.endpoints)}\n"
                f"ACMESharedStorePrefix {prefix}\n"
                f"ACMESharedStoreKeyFile {cluster.key_file}\n"
                "ACMENodeName late\n"
                f"ACMETrustAnchorFile {cluster.pebble.trust_anchor_file}\n")
    r = acmectl.run("--cluster", cluster_file, "--store", late.store_dir, "sync")
    assert r.returncode == 0, r
    assert f"{names[0]}: staged (serial " in r.stdout, r

    late.start()
    first = late.served_chain(names[0])   # verified against pebble's root
    assert first.returncode == 0 and first.leaf is not None, first.output
    assert first.leaf.serial == serial, \
        f"late node served {first.leaf.serial}, the cluster's is {serial}\n{late.log_tail()}"
    late.wait_for_log(ETCD_DOWN, timeout=30)   # and its watchdog indeed found etcd away


def test_810_08_a_node_that_does_not_serve_the_answers_gets_no_ca_traffic(cluster,
                                                                         cluster_nodes):
    """The start-up gap (docs/cluster.md, "The load balancer"): a node whose
    watchdog has not registered and loaded the cluster's answers says so in
    its readiness answer, and the balancer, checking it, sends the CA to the
    other nodes only. web3 here never gets there (its etcd endpoint is a
    closed port), yet its port accepts: with a TCP check alone it would get
    about a third of pebble's validations and answer them 404."""
    names = [(f"r{i}.c810.test",) for i in range(3)]
    vhosts = [VHost.managed(*n) for n in names]
    web1, web2, _ = cluster_nodes(vhosts, prefix=cluster.new_prefix("r"))
    web3 = cluster_nodes(vhosts, acme={
        "ACMESharedStore": f"etcd http://127.0.0.1:{ports.free_port()}",
        "ACMESharedStoreKeyFile": cluster.key_file,
        "ACMENodeName": "web3"})[2]
    proxy = cluster.haproxy
    web3.start()
    web3.wait_for_log(ETCD_DOWN, timeout=30)
    proxy.wait_states({"web3": "UP"})                         # it serves all other traffic
    proxy.wait_states({"web3": "DOWN"}, backend="acme_http")  # but gets no CA
    not_ready = web3.http_get(READINESS_PATH, names[0][0])
    assert not_ready.status == 503, not_ready

    counts = PebbleCounts(cluster.pebble)
    start_together([web1, web2])
    proxy.wait_states({"web1": "UP", "web2": "UP"}, backend="acme_http", timeout=30)
    for node in (web1, web2):
        ready = node.http_get(READINESS_PATH, names[0][0])
        assert ready.status == 200 and ready.text == "ready\n", ready
    for cert_names in names:
        serials = wait_cert_everywhere([web1, web2], cert_names[0], ISSUE_TIMEOUT)
        assert len(set(serials.values())) == 1, f"{cert_names[0]}: serials differ {serials}"
    assert counts.orders() == len(names), f"pebble saw {counts.orders()} orders for {names}"
    assert sum(counts.validations(n[0]) for n in names) >= 3 * len(names)
    assert log_count([web1, web2], r"ACME10022: ") == 0, "a validation failed"
    assert CHALLENGE_PATH_RE.search(access_log(web3)) is None, \
        "the CA reached web3, which does not serve the cluster's answers"


def test_810_09_a_node_whose_watchdog_stops_gets_no_ca_traffic(cluster, cluster_nodes):
    """A node's watchdog that no longer runs (crashed, killed, hung: here
    stopped with SIGSTOP, so no other watchdog takes its place meanwhile)
    takes in no answer published after it: the node's readiness answer turns
    503 within seconds (its beat stops, shm/activation_signal.h) and the
    balancer sends the CA elsewhere; it says ready again once the watchdog
    runs. Before, it said ready until the next watchdog had loaded the
    answers, and the CA got 404s for 10 s (bench/RESULTS.md)."""
    names = one_name("stopped")
    nodes = cluster_nodes([VHost.managed(*names)], prefix=cluster.new_prefix("stopped"))
    web1 = nodes[0]
    proxy = cluster.haproxy
    start_together(nodes)
    proxy.wait_states({n.node_name: "UP" for n in nodes}, backend="acme_http", timeout=60)
    pid = web1.watchdog_pid()
    assert pid is not None, "no 'ACME10070: watchdog running in pid N' on web1"
    # Only ever signal a process of the httpd this test started.
    assert pid in procs.descendants(web1.pid), f"watchdog pid {pid} is not a child of {web1.pid}"
    os.kill(pid, signal.SIGSTOP)
    try:
        proxy.wait_states({web1.node_name: "DOWN"}, backend="acme_http", timeout=20)
        answer = web1.http_get(READINESS_PATH, names[0])
        assert answer.status == 503, f"web1's watchdog is stopped, yet: {answer}"
        for node in nodes[1:]:
            assert node.http_get(READINESS_PATH, names[0]).status == 200
    finally:
        os.kill(pid, signal.SIGCONT)
    proxy.wait_states({web1.node_name: "UP"}, backend="acme_http", timeout=30)
    assert web1.http_get(READINESS_PATH, names[0]).status == 200
    assert web1.watchdog_pid() == pid, "the stopped watchdog itself was meant to go on"
