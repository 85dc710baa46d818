"""1,000 names over three nodes, each ordered once (issue 10, "How it is
shown"), end to end: three httpd nodes sharing one three-member etcd behind
HAProxy, pebble validating through HAProxy (harness/cluster.py, as test_810).

The 1,000 names are 100 certificates of 10 names each (a vhost with nine
ServerAlias names): 1,000 authorizations, each answered through whichever node
the balancer picks, with 100 orders, so the run fits the suite on a 2-core
machine. A cluster of its own, with a fresh pebble, which the nodes reach
through harness/pebble_gate.py: pebble 2.4.0's store deadlock (an
authorization fetch overlapping a newOrder; bench/RESULTS.md, "Pebble's
store deadlock") stopped this test after 83 of its 100 orders in one CI run.
The gate keeps those two kinds of request apart and passes everything else
through. 1,000 certificates of one name each are measured by
bench/cluster.py.

Asserted: every node serves every certificate with one serial, each of its
10 names too (the leaf verified against pebble's root on each node); pebble
saw exactly 100 orders and one account (a failed validation would have
cost a new order), and validated all 1,000 names; one node started each
order; every node answered the CA for names another node ordered.

Its own ctest job (cluster-scale), not part of `integration`: it keeps two
cores busy for over a minute, and beside the other tests it took 3 minutes.
"""
import re

from harness.cluster import (
    CHALLENGE_PATH, PebbleCounts, access_log, assert_one_order, start_together)
from harness.httpd import VHost
from harness.pebble_gate import PebbleGate

CERTS = 100
NAMES_PER_CERT = 10
TIMEOUT = 300   # the first certificate on every node; the rest follow within it


def test_811_01_a_thousand_names_over_three_nodes_each_ordered_once(cluster, cluster_nodes):
    names = [tuple(f"n{i}-{j}.c811.test" for j in range(NAMES_PER_CERT)) for i in range(CERTS)]
    assert len({n for cert in names for n in cert}) == 1000
    gate = PebbleGate(cluster.pebble).start()
    try:
        nodes = cluster_nodes([VHost.managed(*cert) for cert in names],
                              prefix=cluster.new_prefix("thousand"), ca=gate)
        counts = PebbleCounts(cluster.pebble)
        start_together(nodes)
        ordered_by = assert_one_order(cluster, nodes, names, counts, timeout=TIMEOUT)
    finally:
        gate.stop()
    print(f"requests the pebble gate held back: {gate.gate.waits}")
    # A failed attempt that cost no order (a lock keep-alive late on the loaded
    # machine, an etcd request retried) is allowed: shown, not asserted.
    failed = [line for n in nodes for line in n.error_log_text().splitlines() if "ACME10022: " in line]
    print(f"{len(failed)} failed attempts that cost no new order" + "".join(f"\n  {f}" for f in failed))
    never = {n for cert in names for n in cert} - counts.validated_names()
    assert not never, f"pebble never validated {sorted(never)[:5]}..."   # all through HAProxy
    # The balancer spread the CA's requests: each node answered some for names it did not order.
    answered = re.compile(rf"(?m)^(\S+?)(?::\d+)? {re.escape(CHALLENGE_PATH)}\S+ 200$")
    for node in nodes:
        theirs = {cert for cert, who in ordered_by.items() if who is node}
        others = {n for n in answered.findall(access_log(node))
                  if n.split("-")[0] + "-0.c811.test" not in theirs}   # n5-3 is n5-0's
        assert others, f"{node.node_name} answered no validation for another node's order"
    by_node = {}
    for node in ordered_by.values():
        by_node[node.node_name] = by_node.get(node.node_name, 0) + 1
    print(f"orders per node: {by_node}")
