"""One watchdog per store: the watchdog works only while it holds an flock on
<store>/jobs/.watchdog.lock. While another process holds it (as the old
generation's watchdog does during a long tick after a graceful restart), the
watchdog does nothing: no account, no order, no job file; once it is
released, the watchdog takes it and gets the certificate.
"""
import fcntl
import os
import pwd


def test_240_01_waits_for_the_store_lock(pebble, httpd_factory):
    h = httpd_factory(pebble)
    jobs = h.store_path("jobs")
    os.makedirs(jobs, exist_ok=True)
    lock_path = os.path.join(jobs, ".watchdog.lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if os.geteuid() == 0:  # the watchdog runs as the child user and opens it itself
            child = pwd.getpwnam("www-data")
            os.chown(lock_path, child.pw_uid, child.pw_gid)
        fcntl.flock(fd, fcntl.LOCK_EX)
        h.start()
        h.wait_for_log(r"ACME10070: [^\n]*waiting for the store lock[^\n]*\.watchdog\.lock"
                       r"[^\n]*another watchdog")
        # It said it waits; it has done nothing (and cannot, while we hold it).
        assert h.account_files() == [], h.log_tail()
        assert os.listdir(jobs) == [".watchdog.lock"], os.listdir(jobs)
        assert "ACME10020" not in h.error_log_text(), h.log_tail()  # no order started
        assert not os.path.exists(h.store_path("status", "a.test.json"))
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    h.wait_for_log(r"ACME10070: [^\n]*store lock [^\n]*\.watchdog\.lock taken", timeout=10)
    h.wait_for_cert("a.test")
    assert len(h.account_files()) == 1
