"""A store on a small tmpfs that fills up, and one that turns read-only
(issue 7, item 9): no live file truncated, a clear error, the current
certificate keeps serving, httpd keeps running, recovery once the disk is
writable again.

Needs root (mount); the suite runs as root, so a non-root run fails loudly.
"""
import os
import signal
import subprocess

import pytest

from harness import acmectl, certs


def run(*argv):
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=30)


@pytest.fixture
def tmpfs_store(session, pebble, httpd_factory):
    """An httpd whose ACMEStoreDir is a 4 MiB tmpfs, with a certificate live."""
    assert os.geteuid() == 0, "test_620 mounts a tmpfs: run the suite as root"
    h = httpd_factory(pebble)
    os.makedirs(h.store_dir)
    run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", h.store_dir)
    try:
        h.start()
        served = h.wait_for_cert("a.test", timeout=60)
        yield h, served
    finally:
        h.stop()
        run("umount", "-l", h.store_dir)


def fill(path):
    """Fills the file system holding path; returns the filler's path."""
    filler = os.path.join(path, "filler")
    with open(filler, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    return filler


def live_chain_pem(h):
    with open(h.store_path("live", "a.test", "fullchain.pem")) as f:
        return f.read()


def assert_live_intact(h, serial):
    """live/a.test holds a whole chain whose leaf is the one being served."""
    chain = certs.split_pem(live_chain_pem(h))
    assert len(chain) == 2, f"live fullchain.pem has {len(chain)} certificates"
    assert certs.CertInfo(chain[0]).serial == serial
    with open(h.store_path("live", "a.test", "privkey.pem")) as f:
        assert "PRIVATE KEY" in f.read()


def test_620_01_full_disk_during_renewal(tmpfs_store):
    h, served = tmpfs_store
    old = served.leaf.serial
    wd = h.watchdog_pid()
    # The watchdog is paused while the request is written and the disk
    # filled, so the renewal certainly meets a full disk.
    os.kill(wd, signal.SIGSTOP)
    try:
        r = acmectl.run("--store", h.store_dir, "renew", "a.test")
        assert r.returncode == 0, r
        filler = fill(h.store_dir)
        mark = len(h.error_log_text())
    finally:
        os.kill(wd, signal.SIGCONT)
    m = h.wait_for_log(r"ACME1\d{4}: [^\n]*No space left on device[^\n]*", after=mark, timeout=60)
    h.assert_alive()
    assert h.served_chain("a.test").leaf.serial == old
    assert_live_intact(h, old)
    os.unlink(filler)
    renewed = h.wait_for_cert("a.test", timeout=90, not_serial=old)
    assert_live_intact(h, renewed.leaf.serial)
    assert "a.test" in m.group(0) or "store" in m.group(0).lower(), m.group(0)


def test_620_02_full_disk_at_activation(tmpfs_store):
    """A staged set meets a full disk when the parent promotes it."""
    h, served = tmpfs_store
    old = served.leaf.serial
    h.acme_overrides["ACMEActivation"] = "manual"
    h.write_config()
    mark = len(h.error_log_text())
    h.graceful()
    h.wait_for_log(r"ACME10070", after=mark, timeout=30)  # the new generation's watchdog
    mark = len(h.error_log_text())
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    h.wait_for_log(r"ACME10030[^\n]*a\.test", after=mark, timeout=60)  # staged
    filler = fill(h.store_dir)
    mark = len(h.error_log_text())
    h.graceful()
    h.wait_for_log(r"ACME1\d{4}: [^\n]*No space left on device", after=mark, timeout=30)
    h.wait_for_log(r"ACME10070", after=mark, timeout=30)  # the restart went through
    h.assert_alive()
    assert h.served_chain("a.test").leaf.serial == old
    assert_live_intact(h, old)
    os.unlink(filler)
    h.graceful()
    renewed = h.wait_for_cert("a.test", timeout=60, not_serial=old)
    assert_live_intact(h, renewed.leaf.serial)


def test_620_03_read_only_store(tmpfs_store):
    h, served = tmpfs_store
    old = served.leaf.serial
    parent = h.pid
    run("mount", "-o", "remount,ro", h.store_dir)
    mark = len(h.error_log_text())
    h.graceful()  # a restart must not stop httpd, whatever the store says
    h.wait_for_log(r"ACME10070", after=mark, timeout=30)
    h.assert_alive()
    assert h.pid == parent
    assert h.served_chain("a.test").leaf.serial == old
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode != 0 and "Read-only file system" in r.output, r
    run("mount", "-o", "remount,rw", h.store_dir)
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    renewed = h.wait_for_cert("a.test", timeout=90, not_serial=old)
    assert_live_intact(h, renewed.leaf.serial)
    assert h.pid == parent
