"""Fixtures for mod_acme's integration tests.

Run as ctest does (three pytest-xdist workers; leave out -n 3 for one process):
    MOD_ACME_SO=/path/to/mod_acme.so /usr/bin/python3 -m pytest -q -ra -x -n 3 tests/integration

Under xdist every worker is its own process with its own session below: its
own temp dir, ports (from a block of its own, harness/ports.py), pebbles,
challtestsrv and httpds; module-scoped fixtures are per worker.

Everything listens on 127.0.0.1 only. One session holds a temp dir (removed
at the end; MOD_ACME_KEEP_TMP=1 keeps it), a throwaway root + localhost
certificate for the CA listeners, the two httpd ports (HTTP, HTTPS) every
httpd of the session uses (pebble validates there), and one
pebble-challtestsrv as DNS. Fixtures:

  pebble          a pebble shared by a test module (default settings)
  pebble_factory  pebble_factory(env={...}, validity=40): a pebble for one test
  acme_double     the scripted ACME test double in hold mode, for one test
  httpd_factory   httpd_factory(ca, vhosts=..., ...) -> harness.httpd.Httpd, not
                  started; stopped (and any child killed) after the test
  cluster         harness.cluster.Cluster of a test module: a three-member etcd,
                  HAProxy on 127.0.0.1 and a pebble validating through it
  cluster_nodes   cluster_nodes(vhosts, prefix=..., ...) -> [web1, web2, web3]
                  on 127.0.0.2-4, not started; stopped and removed after the test
  session         the Session below (for module-scoped fixtures of your own)

On failure, the report gets the tail of each running httpd's error_log and
pebble's log.
"""
import os
import shutil
import signal
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from acme_double import AcmeDouble  # noqa: E402
from harness import certs, ports, procs  # noqa: E402
from harness.cluster import Cluster  # noqa: E402
from harness.httpd import APACHE2, Httpd  # noqa: E402
from harness.pebble import CHALLTESTSRV, PEBBLE, ChallTestSrv, Pebble  # noqa: E402

_SESSION = None

# Modules whose tests take longest, run first (bench/RESULTS.md has the
# figures): with each worker taking its next test only when it is free (the
# scheduler below), the run ends with short tests on every worker, not with
# one worker still in a 40 s test. The rest keep their order.
LONGEST_FIRST = ("test_810_cluster.py", "test_600_privilege.py", "test_610_faults.py", "test_450_ocsp.py",
                 "test_530_ari.py", "test_630_kill.py", "test_230_resilience.py",
                 "test_800_etcd_client.py", "test_205_activation.py", "test_470_preflight.py",
                 "test_430_status.py", "test_440_notify.py", "test_220_renew.py")


def _terminated(signum, frame):
    # A SIGTERM (e.g. a timeout in ctest) runs the finalizers like Ctrl-C does.
    raise KeyboardInterrupt(f"signal {signum}")


def pytest_configure(config):
    signal.signal(signal.SIGTERM, _terminated)
    so = os.environ.get("MOD_ACME_SO")
    if not so:
        raise pytest.UsageError(
            "MOD_ACME_SO is not set: point it at the built module, e.g.\n"
            "  MOD_ACME_SO=build/mod_acme.so /usr/bin/python3 -m pytest -q -ra -x tests/integration")
    if not os.path.isfile(so):
        raise pytest.UsageError(f"MOD_ACME_SO={so}: no such file (build the module first)")
    for tool in (APACHE2, PEBBLE, CHALLTESTSRV):
        if not os.access(tool, os.X_OK):
            raise pytest.UsageError(f"{tool} is missing: install apache2 and pebble")


def pytest_collection_modifyitems(session, config, items):
    # Stable and the same in every xdist worker (their collections must match).
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getoption("dist") != "load":
        return None  # --dist loadfile etc.: xdist's own
    from xdist.scheduler import LoadScheduling

    class OneAtATime(LoadScheduling):
        """--dist load, but a worker holds at most two tests: the one it runs
        and the next (pytest must know it to tear fixtures down). xdist's own
        hands out a quarter of the collection in one go, so a worker could be
        left with several long tests while the other idles."""

        def schedule(self):
            assert self.collection_is_completed
            if self.collection is None:
                if not self._check_nodes_have_same_collection():
                    self.log("**Different tests collected, aborting run**")
                    return
                self.collection = list(self.node2collection.values())[0]
                self.pending[:] = range(len(self.collection))
            for node in self.nodes:
                self.check_schedule(node)

        def check_schedule(self, node, duration=0):
            if node.shutting_down:
                return
            if self.pending:
                free = 2 - len(self.node2pending[node])
                if free > 0:
                    self._send_tests(node, free)
            else:
                node.shutdown()

    return OneAtATime(config, log)


class Session:
    def __init__(self):
        self.mod_acme_so = os.path.abspath(os.environ["MOD_ACME_SO"])
        self._count = 0
        self._challtestsrv = None
        self.active = []      # running httpds and pebbles, for failure reports
        self.base = tempfile.mkdtemp(prefix="mod_acme-it-")
        # httpd's children (www-data) must traverse every parent of a ServerRoot.
        try:
            os.chmod(self.base, 0o755)
            self.listener = certs.make_listener_certs(self.mkdir("listener"))
            self.http_port, self.https_port = ports.free_ports(2)
        except BaseException:
            shutil.rmtree(self.base, ignore_errors=True)
            raise

    def mkdir(self, prefix):
        self._count += 1
        path = os.path.join(self.base, f"{prefix}-{self._count}")
        os.makedirs(path)
        os.chmod(path, 0o755)
        return path

    def challtestsrv(self):
        if self._challtestsrv is None:
            self._challtestsrv = ChallTestSrv(self.mkdir("challtestsrv")).start()
        return self._challtestsrv

    def new_pebble(self, env=None, validity=None, config=None):
        p = Pebble(self.mkdir("pebble"), self.listener, self.challtestsrv().dns_port,
                   self.http_port, self.https_port, env=env, validity=validity, config=config)
        self.active.append(p)
        return p.start()

    def new_double(self, mode="hold", **kw):
        d = AcmeDouble(self.listener.cert_file, self.listener.key_file,
                       self.listener.root_file, mode=mode, **kw)
        return d.start()

    def new_httpd(self, ca=None, **kw):
        h = Httpd(self.mkdir("httpd"), self.http_port, self.https_port, self.mod_acme_so,
                  ca=ca, **kw)
        self.active.append(h)
        return h

    def release(self, obj):
        obj.stop()
        if obj in self.active:
            self.active.remove(obj)
        if not keep_tmp():
            shutil.rmtree(obj.workdir, ignore_errors=True)

    def close(self):
        for obj in list(self.active):
            self.release(obj)
        if self._challtestsrv is not None:
            self._challtestsrv.stop()
        if keep_tmp():
            print(f"\nkept {self.base}")
        else:
            shutil.rmtree(self.base, ignore_errors=True)


def keep_tmp():
    return os.environ.get("MOD_ACME_KEEP_TMP") == "1"


@pytest.fixture(scope="session")
def session():
    global _SESSION
    _SESSION = Session()   # assigned first: close() must run whatever fails next
    try:
        yield _SESSION
    finally:
        _SESSION.close()
        procs.stop_all()
        _SESSION = None


@pytest.fixture(scope="module")
def pebble(session):
    p = session.new_pebble()
    try:
        yield p
    finally:
        session.release(p)


@pytest.fixture
def pebble_factory(session):
    started = []

    def start(env=None, validity=None, config=None):
        p = session.new_pebble(env=env, validity=validity, config=config)
        started.append(p)
        return p
    try:
        yield start
    finally:
        for p in started:
            session.release(p)


@pytest.fixture
def acme_double(session):
    d = session.new_double("hold")
    try:
        yield d
    finally:
        d.stop()


@pytest.fixture
def httpd_factory(session):
    made = []

    def make(ca=None, **kw):
        h = session.new_httpd(ca, **kw)
        made.append(h)
        return h
    try:
        yield make
    finally:
        for h in made:
            session.release(h)


@pytest.fixture(scope="module")
def cluster(session):
    c = Cluster(session).start()   # stops what it started if it fails
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture
def cluster_nodes(session, cluster):
    made = []

    def make(vhosts, **kw):
        nodes = cluster.nodes(vhosts, **kw)
        made.extend(nodes)
        return nodes
    try:
        yield make
    finally:
        for h in made:
            session.release(h)


def _tail(path, lines):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return ""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed or _SESSION is None:
        return
    for obj in _SESSION.active:
        if isinstance(obj, Httpd):
            text = _tail(obj.stderr_log, 20) + _tail(obj.error_log, 80)
            title = f"httpd error_log {obj.error_log}"
        else:
            text, title = _tail(obj.log_file, 30), f"{type(obj).__name__} log {obj.log_file}"
        if text:
            rep.sections.append((title, text))
