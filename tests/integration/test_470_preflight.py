"""`acmectl preflight NAME...`: before a first order, what the CA would find.

DNS comes from pebble-challtestsrv (every name resolves to 127.0.0.1 unless
its management API says otherwise; A, AAAA and CAA records are set through
it), asked with --resolver. The probe is served by a running httpd with
mod_acme (it manages a.test with pebble, so its watchdog runs); its
http-01 port stands for port 80 (--http-port). Loopback only: 127.0.0.9,
where nothing listens, stands for "points elsewhere".
"""
import json
import re
import time
import urllib.request

import pytest

from harness import acmectl, ports, procs
from harness.httpd import Httpd, VHost
from harness.pebble import CHALLTESTSRV


def api(session, path, body):
    port = session.challtestsrv().management_port
    req = urllib.request.Request(f"http://127.0.0.1:{port}/{path}",
                                 data=json.dumps(body).encode(), method="POST")
    with urllib.request.urlopen(req, timeout=5) as r:
        assert r.status == 200, f"challtestsrv refused {path}: {r.status}"


# Managed by `server` too, its A record set to 127.0.0.9 before httpd starts:
# the watchdog's own preflight, asking challtestsrv (ACMEPreflightResolver,
# set by the harness), finds it pointing elsewhere (test_470_09).
FAR = "far.pf.test"


@pytest.fixture(scope="module")
def server(session, pebble):
    acmectl.path()
    api(session, "add-a", {"host": FAR + ".", "addresses": ["127.0.0.9"]})
    h = session.new_httpd(pebble, vhosts=[VHost.managed("a.test", "www.a.test"),
                                          VHost.managed(FAR)])
    try:
        h.start()
        # The watchdog is up and past its first orders: acmectl's probe (handed
        # to it through requests/) is then served within its 10 s wait even on a
        # loaded machine (under a load of 10-14 test_470_01 once waited in vain).
        h.wait_for_cert("a.test")
        yield h
    finally:
        session.release(h)
        api(session, "clear-a", {"host": FAR + "."})


def preflight(session, h, *args, resolver=None):
    resolver = resolver or f"127.0.0.1:{session.challtestsrv().dns_port}"
    return acmectl.run("--store", h.store_dir, "preflight", "--resolver", resolver,
                       "--http-port", h.http_port, *args)


def test_470_01_name_pointing_here_passes(session, server):
    r = preflight(session, server, "--ca", "pebble.test", "here.pf.test")
    assert r.returncode == 0, r
    assert "here.pf.test resolves to 127.0.0.1, an address of this server" in r.stdout, r
    assert re.search(r"ok +http://here\.pf\.test:\d+/\.well-known/acme-challenge/preflight-\S+ "
                     r"via 127\.0\.0\.1: answered by this server", r.stdout), r
    assert "FIX:" not in r.stdout, r


def test_470_02_probe_is_withdrawn(session, server):
    server.wait_for_cert("a.test")  # its account exists: the CA of the store's one account
    r = preflight(session, server, "gone.pf.test")
    assert r.returncode == 0, r
    assert r.stdout.startswith(f"Preflight: CA {server.ca.directory_url} (issuer domain "
                               "unknown: its directory could not be read"), r
    path = re.search(r"(/\.well-known/acme-challenge/preflight-\S+)", r.stdout).group(1)
    deadline = time.monotonic() + 15
    while server.http_get(path, "gone.pf.test").status != 404:
        assert time.monotonic() < deadline, "the probe is still served 15 s after acmectl ended"
        time.sleep(0.2)


def test_470_03_name_pointing_elsewhere_fails(session, server):
    api(session, "add-a", {"host": "away.pf.test.", "addresses": ["127.0.0.9"]})
    r = preflight(session, server, "here.pf.test", "away.pf.test")
    assert r.returncode == 1, r
    assert "away.pf.test resolves to 127.0.0.9, not an address of this server" in r.stdout, r
    assert re.search(r"FAIL +http://away\.pf\.test:\d+/\S+ via 127\.0\.0\.9: ", r.stdout), r
    assert "FIX: make 127.0.0.9 port" in r.stdout, r
    # The name that points here still passes in the same run.
    assert re.search(r"ok +http://here\.pf\.test\S+ via 127\.0\.0\.1: answered", r.stdout), r


def test_470_04_caa_naming_another_ca_fails(session, server):
    api(session, "add-caa", {"host": "other.pf.test.",
                             "policies": [{"tag": "issue", "value": "otherca.example"}]})
    api(session, "add-caa", {"host": "mine.pf.test.",
                             "policies": [{"tag": "issue", "value": "pebble.test; account=1"}]})
    r = preflight(session, server, "--ca", "pebble.test", "other.pf.test", "mine.pf.test")
    assert r.returncode == 1, r
    assert "CAA at other.pf.test (issue) allows only otherca.example" in r.stdout, r
    assert 'FIX: add a CAA record at other.pf.test: 0 issue "pebble.test"' in r.stdout, r
    assert "CAA at mine.pf.test allows pebble.test" in r.stdout, r


def test_470_05_caa_on_a_parent_is_found_by_climbing(session, server):
    api(session, "add-caa", {"host": "parent.test.",
                             "policies": [{"tag": "issue", "value": "otherca.example"}]})
    r = preflight(session, server, "--ca", "pebble.test", "deep.sub.parent.test")
    assert r.returncode == 1, r
    assert "CAA at parent.test (issue) allows only otherca.example" in r.stdout, r
    r = preflight(session, server, "--ca", "otherca.example", "deep.sub.parent.test")
    assert r.returncode == 0, r


def test_470_06_wildcard_without_dns01_fails(session, server):
    r = preflight(session, server, "*.wild.pf.test")
    assert r.returncode == 1, r
    assert "*.wild.pf.test is a wildcard name" in r.stdout, r
    assert "FIX: set ACMEDns01Command" in r.stdout, r
    r = preflight(session, server, "--challenges", "http-01,dns-01", "*.wild.pf.test")
    assert r.returncode == 0, r


def test_470_07_ipv6_resolver(session, server):
    """--resolver [::1]:PORT: a challtestsrv of its own on IPv6 loopback."""
    dns_port, mgmt_port = ports.free_ports(2)
    log = session.mkdir("challtestsrv6") + "/log"
    proc = procs.start([CHALLTESTSRV, "-http01", "", "-https01", "", "-tlsalpn01", "",
                        "-dns01", f"[::1]:{dns_port}", "-management", f"127.0.0.1:{mgmt_port}",
                        "-defaultIPv4", "127.0.0.9", "-defaultIPv6", ""], log)
    try:
        deadline = time.monotonic() + 15
        while not ports.is_listening(mgmt_port):
            assert proc.poll() is None and time.monotonic() < deadline, open(log).read()
            time.sleep(0.1)
        r = preflight(session, server, "six.pf.test", resolver=f"[::1]:{dns_port}")
        # This server's default answer is 127.0.0.9: proof that it was asked.
        assert r.returncode == 1, r
        assert "six.pf.test resolves to 127.0.0.9" in r.stdout, r
        assert "DNS server [::1]:" in r.stdout, r
    finally:
        procs.stop(proc)


def test_470_08_without_running_httpd_exit_2(session):
    store = session.mkdir("no-httpd-store")
    r = acmectl.run("--store", store, "preflight", "--resolver",
                    f"127.0.0.1:{session.challtestsrv().dns_port}", "nobody.pf.test")
    assert r.returncode == 2, r
    assert "did not take the probe" in r.stdout, r
    assert "FIX: start httpd" in r.stdout, r


def test_470_09_module_warns_before_a_first_order_and_orders(server):
    """The watchdog runs the same checks before the first order of a name,
    on a thread of its own, asking the DNS server of ACMEPreflightResolver
    (challtestsrv, where far.pf.test is 127.0.0.9, where nothing listens):
    the warning names the problem and its fix, and the order still goes
    ahead (its validation then fails, as the warning said)."""
    m = server.wait_for_log(r"ACME10180: preflight before the first order of far\.pf\.test: "
                            r"far\.pf\.test: http://far\.pf\.test:\d+/\S+ via 127\.0\.0\.9: .*"
                            r"FIX: make 127\.0\.0\.9 port \d+ reach this httpd")
    log = server.error_log_text()
    assert "[acme:warn]" in log[log.rfind("\n", 0, m.start()):m.start()], log
    server.wait_for_log(r"ACME10020: ordering certificate for far\.pf\.test")
    # a.test resolves to 127.0.0.1 there and answers its probe: no warning.
    server.wait_for_cert("a.test")
    assert "preflight before the first order of a.test" not in server.error_log_text()


def test_470_11_test_configs_never_ask_the_system_resolver(session, pebble):
    """House rule: tests talk to loopback only. The harness points the
    preflight at the pebble's challtestsrv, or turns it off without one."""
    with_pebble = Httpd(session.mkdir("conf"), 1, 2, "x.so", ca=pebble).config_text()
    assert f"\nACMEPreflightResolver 127.0.0.1:{pebble.dns_port}\n" in with_pebble
    assert "\nACMEPreflight off\n" in Httpd(session.mkdir("conf"), 1, 2, "x.so").config_text()
    with pytest.raises(AssertionError, match="system's DNS"):
        Httpd(session.mkdir("conf"), 1, 2, "x.so", acme={"ACMEPreflight": "on"}).config_text()


def test_470_10_tls_alpn_probes_the_tls_port(session, server):
    """tls-alpn-01 is validated on port 443: the probe goes there over TLS
    (the certificate is not verified: the probe's value shows the server)."""
    api(session, "add-a", {"host": "tlsaway.pf.test.", "addresses": ["127.0.0.9"]})
    r = preflight(session, server, "--challenges", "tls-alpn-01", "--tls-port", server.https_port,
                  "tlshere.pf.test", "tlsaway.pf.test")
    assert r.returncode == 1, r
    assert re.search(rf"ok +https://tlshere\.pf\.test:{server.https_port}/\.well-known/"
                     r"acme-challenge/preflight-\S+ via 127\.0\.0\.1: answered", r.stdout), r
    assert re.search(rf"FAIL +https://tlsaway\.pf\.test:{server.https_port}/\S+ via 127\.0\.0\.9",
                     r.stdout), r
    assert f"FIX: make 127.0.0.9 port {server.https_port} reach this httpd" in r.stdout, r
    assert f"http://tlshere.pf.test:{server.http_port}/" not in r.stdout, r


def test_470_12_aaaa_record_is_checked_too(session, server):
    """An AAAA record counts as much as an A record: a CA that validates over
    IPv6 (Let's Encrypt prefers it) reaches this httpd only if it listens
    there. Here the name's AAAA is ::1, where the test httpd does not
    listen: the address is this host's, but the probe through it fails."""
    api(session, "add-aaaa", {"host": "six.pf.test.", "addresses": ["::1"]})
    try:
        r = preflight(session, server, "--ca", "pebble.test", "six.pf.test")
    finally:
        api(session, "clear-aaaa", {"host": "six.pf.test."})
    assert r.returncode == 1, r
    assert re.search(r"six\.pf\.test resolves to .*::1", r.stdout), r
    assert re.search(r"FAIL +http://six\.pf\.test:\d+/\.well-known/acme-challenge/preflight-\S+ "
                     r"via ::1", r.stdout), r
    assert "FIX:" in r.stdout, r
