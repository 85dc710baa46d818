"""dns-01 and wildcard names with a real pebble.

ACMEDns01Command is a shell script in the test's temp dir: it logs its
arguments and sets / clears TXT _acme-challenge.NAME through
pebble-challtestsrv's management API (the DNS server pebble asks). It runs as
the child user (www-data) in the watchdog, so the script is 0755 and its log
0666. Without ACMEChallenges the order is http-01 first, then dns-01: in
"*.a.test a.test" the plain name goes by http-01 and the wildcard, which only
dns-01 can answer, by the script.
"""
import json
import os
import re
import time

import pytest

from harness.httpd import VHost

SCRIPT = """#!/bin/sh
# PROGRAM --zone ZONE setup|teardown NAME TOKEN TXTVALUE
[ "$1" = --zone ] && [ "$2" = a.test ] || {{ echo "no --zone a.test: $*" >&2; exit 2; }}
shift 2
echo "$*" >> {calls}
api=http://127.0.0.1:{port}
case "$1" in
  setup) body='{{"host":"_acme-challenge.'"$2"'.","value":"'"$4"'"}}'; path=set-txt ;;
  teardown) body='{{"host":"_acme-challenge.'"$2"'."}}'; path=clear-txt ;;
  *) echo "unknown action $1" >&2; exit 2 ;;
esac
/usr/bin/curl -sS -f -X POST -d "$body" "$api/$path" || {{ echo "challtestsrv refused $path" >&2; exit 1; }}
"""

# Its stderr holds a secret, and so does its command line (test_510_02).
FAILING = """#!/bin/sh
shift 4  # --zone a.test --api-token TOKEN
echo "$*" >> {calls}
[ "$1" = setup ] || exit 0
echo "dns provider says: zone a.test is locked for maintenance (account sk-live-7f3a9c)" >&2
exit 3
"""
API_TOKEN = "tok-9d8e7f6a"
STATUS_LOCATIONS = """
    <Location /acme-status>
        SetHandler acme-status
        Require all granted
    </Location>
    <Location /server-status>
        SetHandler server-status
        Require all granted
    </Location>
"""


class Dns01Script:
    def __init__(self, session, template):
        d = session.mkdir("dns01")
        self.calls_file = os.path.join(d, "calls.log")
        with open(self.calls_file, "w"):
            pass
        os.chmod(self.calls_file, 0o666)
        self.path = os.path.join(d, "dns01.sh")
        with open(self.path, "w") as f:
            f.write(template.format(calls=self.calls_file,
                                    port=session.challtestsrv().management_port))
        os.chmod(self.path, 0o755)

    def calls(self):
        with open(self.calls_file) as f:
            return [line.split() for line in f.read().splitlines()]

    def wait_for(self, action, h, timeout=30):
        deadline = time.monotonic() + timeout
        while not any(c[0] == action for c in self.calls()):
            h.assert_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"no {action} call after {timeout}s: {self.calls()}\n"
                                     f"{h.log_tail()}")
            time.sleep(0.1)


def wildcard_vhost(script, names=("*.a.test", "a.test")):
    return VHost("a.test", ["*.a.test"], list(names),
                 extra=f"ACMEDns01Command {script.path} --zone a.test")


def test_510_01_wildcard_and_base_name(session, pebble, httpd_factory):
    script = Dns01Script(session, SCRIPT)
    h = httpd_factory(pebble, vhosts=[wildcard_vhost(script)]).start()
    served = h.wait_for_cert("a.test")
    assert served.verified, served.output
    assert sorted(served.leaf.sans) == ["*.a.test", "a.test"]
    # Any name under a.test gets the same certificate, and it verifies for it.
    other = h.served_chain("www.a.test")
    assert other.verified and other.leaf.serial == served.leaf.serial
    r = h.https_get("/", "www.a.test", cafile=pebble.trust_anchor_file)
    assert r.status == 200 and "mod_acme test" in r.text

    # setup for the wildcard's base name, then teardown with the same value.
    script.wait_for("teardown", h)
    calls = script.calls()
    setups = [c for c in calls if c[0] == "setup"]
    teardowns = [c for c in calls if c[0] == "teardown"]
    assert len(setups) == 1 and setups[0][1] == "a.test", calls
    assert len(setups[0]) == 4 and calls[0] == setups[0], calls
    # Teardown with the same value; a second identical one (idempotent, as the
    # README asks) when the activation restart ended the watchdog mid-teardown
    # and the next one tore down what the record said was still set up.
    assert teardowns and all(t == ["teardown", *setups[0][1:]] for t in teardowns), calls
    h.wait_for_log(r"ACME10140[^\n]*_acme-challenge\.a\.test", timeout=5)

    # The certificate is named by its first name; '*' is '_' in file names.
    assert os.path.islink(h.store_path("live", "_.a.test"))
    assert os.path.isfile(h.store_path("live", "_.a.test", "fullchain.pem"))
    assert not os.path.exists(h.store_path("live", "*.a.test"))
    # The record of the TXT value goes when teardown has finished; the watchdog
    # does not wait for the program, it sees it end on a later tick.
    deadline = time.monotonic() + 10
    while (left := os.listdir(h.store_path("dns01"))):
        assert time.monotonic() < deadline, f"dns01/ still holds {left} after teardown"
        time.sleep(0.1)


def test_510_02_failing_command_keeps_fallback(session, pebble, httpd_factory):
    """A failing setup: the fallback keeps serving, teardown still runs; the
    program's output (it may hold secrets) is in the error log only, the
    status pages say "see the error log", and no log names its arguments."""
    script = Dns01Script(session, FAILING)
    vhost = VHost("a.test", ["*.a.test"], ["*.a.test"],
                  extra=f"ACMEDns01Command {script.path} --zone a.test --api-token {API_TOKEN}")
    h = httpd_factory(pebble, vhosts=[vhost], http_extra=STATUS_LOCATIONS).start()
    h.wait_for_log(r"ACME10022[^\n]*ACMEDns01Command " + re.escape(script.path) +
                   r" setup for a\.test exited with status 3; see the error log", timeout=30)
    h.wait_for_log(r"ACME10140[^\n]*setup for a\.test exited with status 3; its output: "
                   r"dns provider says: zone a\.test is locked for maintenance", timeout=5)
    script.wait_for("teardown", h)  # a failed setup is cleaned up too
    served = h.served_chain("www.a.test", verify=False)
    assert served.chain and served.leaf.self_issued, served.output
    assert "*.a.test" in served.leaf.names()
    assert h.https_get("/", "www.a.test").status == 503
    assert API_TOKEN not in h.error_log_text(), h.log_tail()
    doc = json.loads(h.http_get("/acme-status?json", "localhost").body)
    entry = next(c for c in doc["certificates"] if c["name"] == "*.a.test")
    assert "see the error log" in entry["last_error"], entry
    for page in ("/acme-status?json", "/acme-status", "/server-status", "/server-status?auto"):
        r = h.http_get(page, "localhost")
        assert r.status == 200, (page, r.status)
        assert "sk-live-7f3a9c" not in r.text and "locked for maintenance" not in r.text, \
            (page, r.text)
        assert API_TOKEN not in r.text, (page, r.text)


def test_510_03_wildcard_without_dns01_command_refused(session, httpd_factory):
    h = httpd_factory(None, vhosts=[VHost("a.test", ["*.a.test"], ["a.test", "*.a.test"])])
    rc, out = h.check()
    assert rc != 0, out
    assert "ACMEDomain" in out and "'*.a.test'" in out, out
    assert "wildcard names need the dns-01 challenge: set ACMEDns01Command" in out, out


@pytest.mark.parametrize("where", ["vhost", "server"])
def test_510_04_wildcard_with_dns01_command_passes(session, httpd_factory, where):
    # Set in the vhost or inherited from the main server: both are merged in.
    script = Dns01Script(session, SCRIPT)
    extra = f"ACMEDns01Command {script.path} --zone a.test"
    vhost = VHost("a.test", ["*.a.test"], ["*.a.test"], extra=extra if where == "vhost" else "")
    h = httpd_factory(None, vhosts=[vhost], global_extra=extra if where == "server" else "")
    rc, out = h.check()
    assert rc == 0 and "Syntax OK" in out, out
