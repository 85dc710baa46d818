"""OCSP (RFC 6960): the module fetches, verifies and staples the status of
its certificates, and replaces a revoked one with a new key by itself.

pebble names the responder (ocspResponderURL); harness.ocsp_responder runs
it on 127.0.0.1, signing as pebble's intermediate with `openssl ocsp`.
"""
import json
import os
import subprocess
import time

import pytest

from harness import acmectl
from harness.ocsp_responder import OcspResponder


def s_client_status(httpd, name, ca):
    argv = ["openssl", "s_client", "-connect", f"127.0.0.1:{httpd.https_port}",
            "-servername", name, "-status", "-CAfile", ca.trust_anchor_file]
    return subprocess.run(argv, input="", capture_output=True, text=True, timeout=20).stdout


def public_key_of(path):
    return subprocess.run(["openssl", "pkey", "-in", path, "-pubout"],
                          capture_output=True, text=True, check=True).stdout


@pytest.fixture
def responder(session):
    r = OcspResponder(session.mkdir("ocsp")).start()
    try:
        yield r
    finally:
        r.stop()


def ca_with_responder(pebble_factory, responder):
    ca = pebble_factory(config={"ocspResponderURL": responder.url})
    key = ca.get(f"https://127.0.0.1:{ca.management_port}/intermediate-keys/0").decode()
    responder.use_signer(ca.intermediate_pem, key)
    return ca


def test_450_01_good_status_is_stapled(pebble_factory, responder, httpd_factory):
    ca = ca_with_responder(pebble_factory, responder)
    httpd = httpd_factory(ca)
    httpd.start()
    httpd.wait_for_cert("a.test")
    httpd.wait_for_log(r"ACME10110: OCSP status of a\.test .*: good", timeout=30)
    out = s_client_status(httpd, "a.test", ca)
    assert "OCSP Response Status: successful" in out, out
    assert "Cert Status: good" in out, out
    # The status record follows within a tick: the fetch and the renewal
    # decision run in side fibers of their own, and either may end first.
    deadline = time.monotonic() + 10
    while True:
        with open(httpd.store_path("status", "a.test.json")) as f:
            record = json.load(f)
        if record["ocsp_status"] == "good" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert record["ocsp_status"] == "good", record
    assert os.path.getsize(httpd.store_path("ocsp", "a.test.der")) > 0


def test_450_02_revoked_is_replaced_with_a_new_key(pebble_factory, responder, httpd_factory):
    # Responses valid for 20 s: the module refreshes at half-life, but never
    # sooner than 10 s after a fetch (renew/ocsp_refresher.cc), so the
    # revocation is seen about 10 s after the good status.
    responder.validity_seconds = 20
    ca = ca_with_responder(pebble_factory, responder)
    httpd = httpd_factory(ca)
    httpd.start()
    parent = httpd.pid
    old = httpd.wait_for_cert("a.test").leaf
    old_key = public_key_of(httpd.store_path("live", "a.test", "privkey.pem"))
    httpd.wait_for_log(r"ACME10110: OCSP status of a\.test .*: good", timeout=30)
    responder.revoke(old.serial)
    httpd.wait_for_log(r"ACME10112: .*a\.test.*revoked", timeout=60)
    new = httpd.wait_for_cert("a.test", timeout=60, not_serial=old.serial).leaf
    assert new.serial != old.serial
    assert public_key_of(httpd.store_path("live", "a.test", "privkey.pem")) != old_key
    assert httpd.pid == parent


def test_450_03_no_responder_is_skipped_quietly(pebble, httpd_factory):
    httpd = httpd_factory(pebble)
    httpd.start()
    httpd.wait_for_cert("a.test")
    out = s_client_status(httpd, "a.test", pebble)
    assert "OCSP response: no response sent" in out, out
    assert "ACME10111" not in httpd.error_log_text()


def test_450_04_persisted_response_is_stapled_after_a_full_restart(pebble_factory, responder,
                                                                     httpd_factory):
    """The README's promise: after a stop and a start the last good response
    (ocsp/<name>.der) is stapled again at once, with the responder down."""
    ca = ca_with_responder(pebble_factory, responder)
    httpd = httpd_factory(ca)
    httpd.start()
    httpd.wait_for_cert("a.test")
    httpd.wait_for_log(r"ACME10110: OCSP status of a\.test .*: good", timeout=30)
    responder.stop()  # nothing can be fetched after the restart
    httpd.stop()
    mark = len(httpd.error_log_text())
    httpd.start()
    httpd.wait_for_log(r"watchdog running in pid", after=mark, timeout=30)
    deadline = time.monotonic() + 15
    out = s_client_status(httpd, "a.test", ca)
    while "Cert Status: good" not in out and time.monotonic() < deadline:
        time.sleep(0.2)  # the watchdog loads it right after it logged its start
        out = s_client_status(httpd, "a.test", ca)
    assert "OCSP Response Status: successful" in out, out
    assert "Cert Status: good" in out, out


def test_450_05_a_silent_responder_holds_no_tick(pebble_factory, responder, httpd_factory):
    """Issue 7 item 5: a responder that accepts the request and never answers
    holds only its own fetch (libcurl gives up after 30 s), not the watchdog's
    tick: an `acmectl renew` is picked up within its usual couple of seconds
    while the fetch is still in flight. A watchdog blocked in the fetch would
    see it only after the timeout, with the OCSP error (ACME10111) logged."""
    ca = ca_with_responder(pebble_factory, responder)
    responder.hold()
    httpd = httpd_factory(ca)
    httpd.start()
    httpd.wait_for_cert("a.test")
    assert responder.held.wait(30), "the watchdog never asked the OCSP responder"
    mark = len(httpd.error_log_text())
    assert acmectl.run("--store", httpd.store_dir, "renew", "a.test").returncode == 0
    httpd.wait_for_log(r"ACME10100: renewal of a\.test requested", after=mark, timeout=10)
    assert "ACME10111" not in httpd.error_log_text(), "the held fetch ended early"
    responder.release()
    httpd.assert_alive()
