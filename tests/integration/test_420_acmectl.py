"""acmectl, the admin tool: `check` judges what a server sends like a strict
client (exit 0 fine, 1 problem, with FIX: lines), `status --json` reads
the store, `renew` and `revoke` make the running httpd act within seconds.

One httpd manages a.test with pebble (module scope; renew and revoke run
last, in file order). A second httpd without mod_acme, on ports of its own,
serves a.test's cert.pem without the chain and an expired certificate.
"""
import datetime
import json
import os
import shutil
import time
import urllib.error

import pytest
from cryptography.hazmat.primitives import serialization

from harness import acmectl, certs, ports
from harness.httpd import VHost, on_own_ports


@pytest.fixture(scope="module")
def managed(session, pebble):
    """(httpd, ServedChain): a.test issued by pebble and served."""
    acmectl.path()          # fail here, before the slow part, if acmectl is missing
    h = session.new_httpd(pebble)
    try:
        h.start()
        yield h, h.wait_for_cert("a.test")
    finally:
        session.release(h)


def make_expired(directory):
    """A root and a leaf for expired.test whose notAfter passed a day ago:
    (root file, cert file, key file)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    root = certs.make_ca("expired test root", start=now - datetime.timedelta(days=30))
    leaf, key = certs.make_leaf(["expired.test"], root,
                                start=now - datetime.timedelta(days=10),
                                end=now - datetime.timedelta(days=1))
    files = tuple(os.path.join(directory, n) for n in ("expired-root.pem", "expired-cert.pem",
                                                        "expired-key.pem"))
    certs.write_cert(files[0], root[0])
    certs.write_cert(files[1], leaf)
    certs.write_key(files[2], key)
    return files


@pytest.fixture(scope="module")
def broken(session, managed):
    """An httpd without mod_acme on its own ports: a.test with cert.pem only
    (a copy: renewals elsewhere do not change it) and an expired expired.test.
    Yields (httpd, expired root file)."""
    h, _ = managed
    files = session.mkdir("broken-files")
    for name in ("cert.pem", "privkey.pem"):
        shutil.copy(h.store_path("live", "a.test", name), os.path.join(files, name))
    root, cert, key = make_expired(files)
    plain = on_own_ports(session, None, load_acme=False, vhosts=[
        VHost("a.test", extra=f"""
            SSLCertificateFile {files}/cert.pem
            SSLCertificateKeyFile {files}/privkey.pem
        """),
        VHost("expired.test", extra=f"""
            SSLCertificateFile {cert}
            SSLCertificateKeyFile {key}
        """)])
    try:
        plain.start()
        yield plain, root
    finally:
        session.release(plain)


def check(port, name, ca_file):
    return acmectl.run("check", "--ca-file", ca_file, "--connect", f"127.0.0.1:{port}",
                       f"https://{name}:{port}")


def fix_lines(result):
    return [line for line in result.output.splitlines() if "FIX" in line]


def test_420_01_check_our_server(pebble, managed):
    h, served = managed
    r = check(h.https_port, "a.test", pebble.trust_anchor_file)
    assert r.returncode == 0, r
    assert not fix_lines(r), r


def test_420_02_check_without_intermediate(pebble, broken):
    plain, _ = broken
    r = check(plain.https_port, "a.test", pebble.trust_anchor_file)
    assert r.returncode == 1, r
    assert any("fullchain.pem" in line for line in fix_lines(r)), r


def test_420_03_check_expired(broken):
    plain, expired_root = broken
    r = check(plain.https_port, "expired.test", expired_root)
    assert r.returncode == 1, r
    assert "expired" in r.output.lower(), r
    assert fix_lines(r), r


def test_420_04_check_cannot_connect(session):
    port = ports.free_port()        # nothing listens there
    r = check(port, "a.test", session.listener.root_file)
    assert r.returncode == 2, r


def status_json(h):
    r = acmectl.run("--store", h.store_dir, "status", "--json")
    assert r.returncode in (0, 1), r
    try:
        return json.loads(r.stdout), r
    except ValueError:
        raise AssertionError(f"status --json is not JSON:\n{r}")


def status_entry(h, name, timeout=20, **want):
    """Poll `acmectl status --json` until name's entry has the wanted fields."""
    deadline = time.monotonic() + timeout
    while True:
        doc, r = status_json(h)
        entries = doc if isinstance(doc, list) else doc.get("certificates", [])
        entry = next((e for e in entries if e.get("name") == name), None)
        if entry is not None and all(entry.get(k) == v for k, v in want.items()):
            return entry, r
        if time.monotonic() > deadline:
            raise AssertionError(f"no entry for {name} with {want} after {timeout}s:\n{r}")
        time.sleep(0.25)


def test_420_05_status_json(managed):
    h, served = managed
    entry, r = status_entry(h, "a.test", state="valid")
    assert r.returncode == 0, r
    assert entry["key_type"] == "p256", entry
    assert sorted(entry["names"]) == ["a.test", "www.a.test"], entry
    assert int(entry["serial"], 16) == served.leaf.serial, (entry, hex(served.leaf.serial))
    assert entry.get("last_error", "") == "", entry


def test_420_06_renew(managed):
    h, served = managed
    parent = h.pid
    old = h.served_chain("a.test").leaf.serial
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    new = h.wait_for_cert("a.test", timeout=40, not_serial=old)
    assert new.leaf.serial != old
    assert sorted(new.leaf.sans) == ["a.test", "www.a.test"]
    assert h.is_running() and h.pid == parent and h.pid_file_pid() == parent, \
        "httpd's parent changed: it was restarted from outside"
    entry, _ = status_entry(h, "a.test", state="valid")
    assert int(entry["serial"], 16) == new.leaf.serial


def cert_status(pebble, serial):
    url = f"https://127.0.0.1:{pebble.management_port}/cert-status-by-serial/{serial:x}"
    try:
        return json.loads(pebble.get(url))
    except urllib.error.HTTPError as e:
        raise AssertionError(f"{url}: HTTP {e.code} {e.read()[:200]!r}")


def test_420_07_revoke(pebble, managed):
    h, _ = managed
    parent = h.pid
    old = h.served_chain("a.test")
    assert old.verified, old.output
    assert cert_status(pebble, old.leaf.serial)["Status"] == "Valid"
    r = acmectl.run("--store", h.store_dir, "revoke", "a.test", "keyCompromise")
    assert r.returncode == 0, r
    deadline = time.monotonic() + 30
    while (status := cert_status(pebble, old.leaf.serial))["Status"] != "Revoked":
        assert time.monotonic() < deadline, f"pebble still says {status} after 30s"
        time.sleep(0.25)
    new = h.wait_for_cert("a.test", timeout=40, not_serial=old.leaf.serial)
    spki = serialization.PublicFormat.SubjectPublicKeyInfo

    def key_of(chain):
        return chain.leaf.cert.public_key().public_bytes(serialization.Encoding.DER, spki)
    assert key_of(new) != key_of(old), "the replacement reuses the compromised key"
    assert cert_status(pebble, new.leaf.serial)["Status"] == "Valid"
    assert h.pid == parent and h.pid_file_pid() == parent
