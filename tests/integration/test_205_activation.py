"""Activation: a staged, verified set goes live through a graceful restart the
parent starts itself (a thread in the parent, httpd/activation.cc), sets staged
together go live in one restart, and the first post_config pass (a dry run)
does no work. Restarts are counted from the error log: httpd's own
"SIGUSR1 received" line and the module's ACME10033 line; these tests never
signal httpd themselves (except the admin's graceful under ACMEActivation
manual).
"""
import os
import re
import signal

from harness.httpd import VHost

GRACEFUL = "AH00493: SIGUSR1 received"
# The parent thread's line; the monitor hook's fallback says "a new certificate".
ACTIVATED = re.compile(r"ACME10033: (\d+) new certificate set\(s\) staged and verified")
STAGED = re.compile(r"ACME10030: new certificate for (\S+) obtained and verified")


def restarts(h):
    return h.error_log_text().count(GRACEFUL)


def test_205_01_first_certificate_goes_live_by_itself(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed("a.test")]).start()
    h.wait_for_cert("a.test")
    log = h.error_log_text()
    assert [int(n) for n in ACTIVATED.findall(log)] == [1], h.log_tail()
    assert restarts(h) == 1, h.log_tail()


def test_205_02_sets_staged_together_go_live_in_one_restart(pebble, httpd_factory):
    names = ["a.test", "b.test", "c.test", "d.test"]
    h = httpd_factory(pebble, vhosts=[VHost.managed(n) for n in names]).start()
    # Hold the parent while the watchdog child stages every set, so they are
    # all waiting when it looks again, however loaded this machine is.
    h.wait_for_log(r"ACME10070: watchdog running", timeout=30)
    os.kill(h.pid, signal.SIGSTOP)
    try:
        for name in names:
            h.wait_for_log(STAGED.pattern.replace(r"(\S+)", re.escape(name)), timeout=60)
    finally:
        os.kill(h.pid, signal.SIGCONT)
    for name in names:
        h.wait_for_cert(name)
    log = h.error_log_text()
    assert [int(n) for n in ACTIVATED.findall(log)] == [len(names)], h.log_tail()
    assert restarts(h) == 1, h.log_tail()


def test_205_03_dry_run_does_no_work(acme_double, httpd_factory):
    # No fallback yet: the real pass makes it (and says so) once; the dry
    # pass hands mod_ssl an in-memory placeholder and writes nothing.
    names = ["a.test", "b.test"]
    h = httpd_factory(acme_double, vhosts=[VHost.managed(n) for n in names]).start()
    log = h.error_log_text()
    for name in names:
        made = re.findall(rf"ACME10050: no certificate for {re.escape(name)} yet: serving a "
                          r"self-signed fallback", log)
        assert len(made) == 1, log
        assert os.path.isfile(h.store_path("fallback", name, "privkey.pem")), name
    served = h.served_chain("a.test", verify=False)
    assert served.leaf.self_issued and "a.test" in served.leaf.names(), served.output


def test_205_04_manual_activation_waits_for_the_admin(pebble, httpd_factory):
    h = httpd_factory(pebble, vhosts=[VHost.managed("a.test")],
                      acme={"ACMEActivation": "manual"}).start()
    # The monitor hook (about every 10 s) tells the admin; by then an
    # automatic activation would long have restarted httpd.
    h.wait_for_log(r"ACME10034: a new certificate is staged", timeout=60)
    assert restarts(h) == 0, h.log_tail()
    assert h.served_chain("a.test", verify=False).leaf.self_issued
    h.graceful()
    h.wait_for_cert("a.test")
