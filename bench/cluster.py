#!/usr/bin/python3
"""A cluster on etcd (issue 10 item 7): start -> served on every node, and
what each certificate costs etcd, for 1, 100 and 1,000 names.

The setup is the cluster tests' (tests/integration/harness/cluster.py): a
three-member etcd (Debian's etcd-server), HAProxy on 127.0.0.1 (round robin;
the CA's traffic only to nodes whose readiness answer says 200, as
docs/cluster.md's "The load balancer" sets it up) in front of three httpd
nodes web1..web3 on 127.0.0.2-4, and a pebble validating through HAProxy
(PEBBLE_VA_NOSLEEP=1, authorization reuse off). One TLS vhost per name
(`ACMEDomain nI.sN.bench.test`): N names are N certificates. Both variants
use the harness's module settings
(ACMECheckInterval 2s, ACMERetryDelay 2s, preflight through pebble's DNS).

For each size, in the same run and with the same names:
  single   web1 alone, no ACMESharedStore (the baseline: what one node does);
           HAProxy sends the CA to it (web2, web3 are down)
  cluster  web1, web2, web3 with ACMESharedStore on the three members and a
           fresh ACMESharedStorePrefix, started one after another (starting
           them from threads at once makes nodes die early in the harness:
           a harness bug being fixed elsewhere)
Times are from the first node's start:
  started  every node listens
  live     every node logged ACME10032 (activated) for every name
  served   then every node serves every name pebble's leaf (in-process
           handshakes; the cluster: one serial per name on all nodes), and an
           openssl s_client check of the first and last name on every node
           verifies the chain against pebble's root
Per certificate (cluster), from etcd's own /metrics on every member's client
URL, summed over the members, from before the first start until served:
  requests  gRPC messages received by etcdserverpb.KV/Lease/Watch
            (grpc_server_msg_received_total: one per unary call, one per
            message of a stream; the JSON gateway mod_acme talks to is a gRPC
            client of its own member, so each gateway call counts once)
  by method the same, split into Range, Txn, Put, DeleteRange, LeaseGrant,
            LeaseKeepAlive, LeaseRevoke, Watch
  bytes in/out  etcd_network_client_grpc_{received,sent}_bytes_total
  puts, put bytes  etcd_mvcc_put_total and
            etcd_debugging_mvcc_total_put_size_in_bytes of one member (every
            member applies each write): the revisions written, history
            included, until etcd compacts
and after served, one range over the prefix (keys and values as stored,
grouped by subtree): the bytes a certificate keeps in etcd, and
etcd_mvcc_db_total_size_in_use_in_bytes growth. Then an idle window
(BENCH_CLUSTER_IDLE s, default 10) with every certificate served: the
requests a cluster of three makes when nothing happens. Orders: pebble's
"Added order" lines since the variant began, and ACME10020 lines per name
over the nodes: both must be 1 per name. A name ordered again after a failed
attempt (ACME10022: a validation that timed out on the loaded machine) is a
retry, which a single node makes too; the names ordered more than once with
no failed attempt logged are listed apart.

A size that does not finish within its bound (120 s + 1 s per name per
variant) is reported as such with what it reached and the benchmark goes on
to the summary (never counted as a pass).

Usage: bench/cluster.py [SUMMARY_FILE]
Environment: MOD_ACME_SO (default build/mod_acme.so), BENCH_CLUSTER_SIZES
(default "1,100,1000"), BENCH_CLUSTER_IDLE (default 10), BENCH_CLUSTER_KEEP_LOGS
(a directory, made if missing: every node's error_log and pebble's log of every
variant are copied there), BENCH_CLUSTER_GATE (default 1; 0: the nodes talk
to pebble directly). Each variant has a pebble of its own, so one that
pebble's store deadlock wedged does not stop the next.

The nodes reach pebble through harness/pebble_gate.py, a test double that
passes every request through but never lets an authorization fetch overlap
a newOrder: pebble 2.4.0 deadlocks on that overlap after a few hundred
orders (bench/RESULTS.md, "Pebble's store deadlock"), which ended nearly
every 1,000-name run without it. The summary line says how many requests it
held back.
"""
import base64
import collections
import json
import os
import re
import shutil
import sys
import time
import urllib.request

import benchlib
from benchlib import subdir
from harness import certs, client
from harness.cluster import Cluster, PebbleCounts
from harness.httpd import VHost
from harness.pebble import ChallTestSrv
from harness.pebble_gate import PebbleGate

SIZES = [int(n) for n in os.environ.get("BENCH_CLUSTER_SIZES", "1,100,1000").split(",")]
GATE = os.environ.get("BENCH_CLUSTER_GATE", "1") != "0"
IDLE = float(os.environ.get("BENCH_CLUSTER_IDLE", "10"))
LIVE_RE = re.compile(r"ACME10032: certificate for (\S+) activated")
ORDER_RE = re.compile(r"ACME10020: ordering certificate for (\S+) ")
FAILED_RE = re.compile(r"ACME10022: getting a certificate for (\S+) failed")
SERVICES = ("etcdserverpb.KV", "etcdserverpb.Lease", "etcdserverpb.Watch")
METRIC_RE = re.compile(r'^(\w+)(?:\{([^}]*)\})? (\S+)$')


class BenchSession:
    """What harness.cluster.Cluster needs of the test session: dirs under the
    workspace, the listener certificates, one challtestsrv, release()."""

    def __init__(self, base, so):
        self.base, self.mod_acme_so = base, so
        self.active = []
        self._count = 0
        self.listener = certs.make_listener_certs(self.mkdir("listener"))
        self._dns = None

    def mkdir(self, prefix):
        self._count += 1
        return subdir(self.base, f"{prefix}-{self._count}")

    def challtestsrv(self):
        if self._dns is None:
            self._dns = ChallTestSrv(self.mkdir("challtestsrv")).start()
        return self._dns

    def release(self, obj):
        obj.stop()
        if obj in self.active:
            self.active.remove(obj)
        shutil.rmtree(obj.workdir, ignore_errors=True)


# ---- etcd's metrics and contents --------------------------------------------
def metrics(endpoint):
    """{(name, labels): value} of a member's /metrics (the families used here)."""
    with urllib.request.urlopen(endpoint + "/metrics", timeout=10) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        m = METRIC_RE.match(line)
        if m and (m.group(1).startswith(("grpc_server_msg_received", "etcd_network_client",
                                         "etcd_mvcc_", "etcd_debugging_mvcc_total_put"))):
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def label(labels, key):
    m = re.search(rf'{key}="([^"]*)"', labels)
    return m.group(1) if m else ""


def etcd_counters(cluster):
    """Requests by method and bytes, summed over members; mvcc of member 1."""
    c = collections.Counter()
    for i, member in enumerate(cluster.etcd.members):
        for (name, labels), value in metrics(member.endpoint).items():
            if name == "grpc_server_msg_received_total" and label(labels, "grpc_service") \
                    in SERVICES:
                c["req:" + label(labels, "grpc_method")] += value
            elif name.startswith("etcd_network_client_grpc_"):
                c[name] += value
            elif i == 0 and name in ("etcd_mvcc_put_total", "etcd_mvcc_delete_total",
                                     "etcd_mvcc_txn_total", "etcd_mvcc_range_total",
                                     "etcd_debugging_mvcc_total_put_size_in_bytes",
                                     "etcd_mvcc_db_total_size_in_use_in_bytes",
                                     "etcd_mvcc_db_total_size_in_bytes"):
                c[name] += value
    c["requests"] = sum(v for k, v in c.items() if k.startswith("req:"))
    return c


def diff(after, before):
    return {k: after[k] - before.get(k, 0) for k in after}


def stored(cluster, prefix):
    """Keys under prefix as stored: ({subtree: [keys, key bytes, value bytes]},
    bytes of the gateway's answer to a range over <prefix>/store/ with values)."""
    member = cluster.etcd.any_member()
    start = prefix.rstrip("/") + "/"
    answer = json.loads(range_body(member, start))
    groups = collections.defaultdict(lambda: [0, 0, 0])
    for kv in answer.get("kvs", []):
        key = base64.b64decode(kv["key"]).decode(errors="replace")[len(start):]
        parts = key.split("/")
        group = "/".join(parts[:2]) if parts[0] == "store" else parts[0]
        g = groups[group]
        g[0] += 1
        g[1] += len(start) + len(key.encode())
        g[2] += len(base64.b64decode(kv.get("value", "")))
    return dict(groups), len(range_body(member, start + "store/"))


def range_body(member, start):
    """The JSON gateway's answer (bytes) to a range over every key under start,
    with values: what a node's mirror reads at each (re)load."""
    end = start[:-1] + chr(ord(start[-1]) + 1)
    data = json.dumps({"key": _b64(start), "range_end": _b64(end)}).encode()
    req = urllib.request.Request(member.endpoint + "/v3/kv/range", data=data,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.read()


def _b64(text):
    return base64.b64encode(text.encode()).decode()


# ---- one variant -----------------------------------------------------------
def nodes_for(cluster, names, prefix, single, ca):
    vhosts = [VHost.managed(name) for name in names]
    made = cluster.nodes(vhosts, prefix=prefix, ca=ca)
    for h in made:
        h.log_level = "info ssl:warn"   # acme:debug would write much at 1,000 names
    if single:
        for h in made[1:]:
            cluster.session.release(h)
        made = made[:1]
    return made


def wait_live(nodes, names, t0, bound, stall):
    """Until every node logged ACME10032 for every name; (seconds, None) or
    (None, what was reached) past the bound or when pebble's store stalled."""
    want = set(names)
    while True:
        live = [want & set(LIVE_RE.findall(n.error_log_text())) for n in nodes]
        if all(len(done) == len(want) for done in live):
            return time.monotonic() - t0, None
        for n in nodes:
            n.assert_alive()
        stalled = stall.check(sum(len(done) for done in live))
        if stalled:
            return None, stalled
        if time.monotonic() - t0 > bound:
            return None, ", ".join(
                f"{n.node_name} {len(want & set(LIVE_RE.findall(n.error_log_text())))}/"
                f"{len(names)} live" for n in nodes)
        time.sleep(0.25)


def check_served(cluster, nodes, names):
    """Every node serves every name pebble's leaf, one serial per name across
    nodes; the first and last name verified with openssl on each node. The
    names that fail (empty: all served)."""
    ca, bad = cluster.pebble, []
    for name in names:
        serials = set()
        for n in nodes:
            leaf = client.served_leaf(n.https_port, name, host=n.address, timeout=10)
            if leaf is None or not ca.issued_by_me(leaf):
                bad.append(f"{name}@{n.node_name}")
                continue
            serials.add(certs.CertInfo(leaf).serial)
        if len(serials) > 1:
            bad.append(f"{name}: serials differ {sorted(serials)}")
    for n in nodes:
        for name in {names[0], names[-1]}:
            if not n.served_chain(name).verified:
                bad.append(f"{name}@{n.node_name}: chain does not verify")
    return bad


def keep_logs(cluster, nodes, run):
    """BENCH_CLUSTER_KEEP_LOGS=DIR: each node's error and access logs, pebble's
    log and HAProxy's (one line per request or connection: which node, how
    long, how it ended) are copied there."""
    keep = os.environ.get("BENCH_CLUSTER_KEEP_LOGS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        for node in nodes:
            shutil.copy(node.error_log, os.path.join(keep, f"{run}-{node.node_name}-error_log"))
            access = os.path.join(node.log_dir, "access_log")
            if os.path.exists(access):
                shutil.copy(access, os.path.join(keep, f"{run}-{node.node_name}-access_log"))
        shutil.copy(nodes[0].ca.log_file, os.path.join(keep, f"{run}-pebble_log"))
        shutil.copy(cluster.haproxy.log_file, os.path.join(keep, f"{run}-haproxy_log"))


def orders_per_name(nodes, names):
    """({orders: names}, names ordered more than once with no failed attempt
    (ACME10022) logged for them on any node: not a retry)."""
    counts, failed = collections.Counter(), collections.Counter()
    for n in nodes:
        text = n.error_log_text()
        counts.update(ORDER_RE.findall(text))
        failed.update(FAILED_RE.findall(text))
    unexplained = sorted(name for name in names if counts[name] > 1 and not failed[name])
    return collections.Counter(counts[name] for name in names), unexplained


def fresh_pebble(cluster):
    """A pebble of its own for each variant: one wedged by its store deadlock
    (benchlib.PebbleStall) must not leave the next variant a CA that answers
    nothing. The one before is stopped (its log was kept by keep_logs)."""
    old = cluster.pebble
    cluster.pebble = cluster.new_pebble()
    cluster.pebbles.remove(old)
    cluster.session.release(old)


def run_variant(cluster, n, single):
    fresh_pebble(cluster)
    gate = PebbleGate(cluster.pebble).start() if GATE else None
    names = [f"n{i}.s{n}.bench.test" for i in range(n)]
    prefix = None if single else cluster.new_prefix(f"bench{n}")
    nodes = nodes_for(cluster, names, prefix, single, gate or cluster.pebble)
    label_ = "single" if single else "cluster"
    if single:   # HAProxy must send the CA to web1 only
        cluster.haproxy.wait_states({"web2": "DOWN", "web3": "DOWN"}, timeout=30)
    counts = PebbleCounts(cluster.pebble)
    before = etcd_counters(cluster)
    bound = 120 + n
    r = {"names": n, "variant": label_}
    t0 = time.monotonic()
    try:
        for node in nodes:
            node.start(timeout=120)
        r["started"] = time.monotonic() - t0
        stall = benchlib.PebbleStall(cluster.pebble, os.environ.get("BENCH_CLUSTER_KEEP_LOGS")
                                     or cluster.session.mkdir("stall"))
        r["live"], r["stuck"] = wait_live(nodes, names, t0, bound, stall)
        if r["live"] is not None:
            r["bad"] = check_served(cluster, nodes, names)
            r["served"] = time.monotonic() - t0
        after = etcd_counters(cluster)
        r["etcd"] = diff(after, before)
        r["pebble_orders"] = counts.orders()
        r["pebble_accounts"] = counts.accounts()
        r["orders_per_name"], r["repeated"] = orders_per_name(nodes, names)
        if not single:
            r["stored"], r["mirror_answer"] = stored(cluster, prefix)
            idle0 = etcd_counters(cluster)
            time.sleep(IDLE)
            r["idle"] = diff(etcd_counters(cluster), idle0)
    finally:
        keep_logs(cluster, nodes, f"{label_}-{n}")
        for node in nodes:
            cluster.session.release(node)
        if gate is not None:
            gate.stop()
            r["gate_waits"] = gate.gate.waits
    report(r)
    return r


def report(r):
    n = r["names"]
    if r["live"] is None:
        print(f"  {r['variant']:<7} {n:4d} names: NOT finished within {120 + n} s: "
              f"{r['stuck']}", flush=True)
    else:
        print(f"  {r['variant']:<7} {n:4d} names: started {r['started']:6.2f} s, live "
              f"{r['live']:7.2f} s, served {r['served']:7.2f} s; not served: "
              f"{r['bad'][:5] or 'none'}", flush=True)
    e = r["etcd"]
    print(f"          pebble orders {r['pebble_orders']} (accounts {r['pebble_accounts']}),"
          f" ACME10020 per name {dict(r['orders_per_name'])}, repeated without a failed"
          f" attempt: {len(r['repeated'])} {r['repeated'][:5]}; etcd requests "
          f"{e['requests']:.0f} ({e['requests'] / n:.1f}/cert)"
          + (f"; requests the pebble gate held {r['gate_waits']}" if "gate_waits" in r else ""),
          flush=True)


# ---- the summary -----------------------------------------------------------
METHODS = ("Range", "Txn", "Put", "DeleteRange", "LeaseGrant", "LeaseKeepAlive",
           "LeaseRevoke", "Watch")


def fmt_time(r, key):
    return f"{r[key]:7.2f} s" if r.get(key) is not None else "   n/a  "


def summary(results):
    lines = ["== cluster on etcd: start -> served on every node (3 nodes, 3 etcd members, HAProxy;"
             " one ACMEDomain vhost per name) vs one node without ACMESharedStore, same names",
             "   names  variant  started    live       served    served/single  pebble orders"
             "  ACME10020 per name"]
    for n, (single, cluster) in results.items():
        for r in (single, cluster):
            ratio = ""
            if r is cluster and r.get("served") and single.get("served"):
                ratio = f"{r['served'] / single['served']:9.2f}x"
            lines.append(f"   {n:5d}  {r['variant']:<7} {fmt_time(r, 'started')} "
                         f"{fmt_time(r, 'live')} {fmt_time(r, 'served')}  {ratio:>13}  "
                         f"{r['pebble_orders']:6d}         {dict(r['orders_per_name'])}"
                         f" (repeated with no failed attempt: {len(r['repeated'])})"
                         + ("" if r.get("live") is not None else
                            f"   NOT finished: {r['stuck']}")
                         + (f"   not served: {r['bad'][:3]}" if r.get("bad") else ""))
    lines.append("   etcd per certificate (cluster, start -> served; requests summed over members)")
    lines.append("   names  requests  " + "  ".join(f"{m:>6.6}" for m in METHODS)
                 + "   in B/cert  out B/cert  puts  put B/cert  stored keys  stored B/cert"
                 "  db in use +B/cert")
    for n, (_, r) in results.items():
        e, st = r["etcd"], r.get("stored", {})
        keys = sum(g[0] for g in st.values())
        sbytes = sum(g[1] + g[2] for g in st.values())
        lines.append(
            f"   {n:5d}  {e['requests'] / n:8.1f}  "
            + "  ".join(f"{e.get('req:' + m, 0) / n:6.1f}" for m in METHODS)
            + f"   {e['etcd_network_client_grpc_received_bytes_total'] / n:9.0f}"
            f"  {e['etcd_network_client_grpc_sent_bytes_total'] / n:10.0f}"
            f"  {e['etcd_mvcc_put_total'] / n:4.1f}"
            f"  {e['etcd_debugging_mvcc_total_put_size_in_bytes'] / n:10.0f}"
            f"  {keys:11d}  {sbytes / n:13.0f}"
            f"  {e['etcd_mvcc_db_total_size_in_use_in_bytes'] / n:17.0f}")
    for n, (_, r) in results.items():
        st = r.get("stored", {})
        lines.append(f"   stored at {n} names, by subtree (keys, key B, value B): " + ", ".join(
            f"{g} {v[0]}/{v[1]}/{v[2]}" for g, v in sorted(st.items())))
        if "mirror_answer" in r:
            lines.append(f"   a mirror (re)load at {n} names: a range over store/ answered with "
                         f"{r['mirror_answer']} bytes ({r['mirror_answer'] / n:.0f} B/cert)")
        idle = r.get("idle")
        if idle:
            lines.append(f"   idle {IDLE:.0f} s at {n} names, all served: "
                         f"{idle['requests'] / IDLE:.2f} requests/s ("
                         + ", ".join(f"{m} {idle.get('req:' + m, 0):.0f}" for m in METHODS
                                     if idle.get("req:" + m)) + ")")
    text = "\n".join(lines)
    print("\n" + text, flush=True)
    return text + "\n"


def run(so, base):
    so = benchlib.snapshot(so, base)
    session = BenchSession(base, so)
    cluster = Cluster(session).start()
    try:
        print(f"etcd {cluster.etcd.endpoints}; HAProxy 127.0.0.1:{cluster.haproxy.http_port}/"
              f"{cluster.haproxy.tls_port}; pebble :{cluster.pebble.port}; sizes {SIZES}",
              flush=True)
        results = {n: (run_variant(cluster, n, True), run_variant(cluster, n, False))
                   for n in SIZES}
    finally:
        keep = os.environ.get("BENCH_CLUSTER_KEEP_LOGS")
        if keep:
            os.makedirs(keep, exist_ok=True)
            shutil.copy(cluster.pebble.log_file, os.path.join(keep, "pebble_log"))
        cluster.stop()
    return summary(results)


def main():
    so = benchlib.mod_acme_so()
    with benchlib.workspace("mod_acme-bench-cluster-") as base:
        text = run(so, base)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "a") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
