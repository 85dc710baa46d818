"""pebble and pebble-challtestsrv, bound to 127.0.0.1 only.

ChallTestSrv serves DNS only (every name resolves to 127.0.0.1, no AAAA): it
is how pebble's VA finds the httpd under test. Its HTTP/TLS challenge
listeners are disabled: by default they bind to all interfaces.

Pebble is one pebble process with its own config. Its validation ports are
the httpd ports of the test session, so every httpd of the session can be
validated by it. On start pebble makes a new issuing root; we fetch it and
the intermediate from the management port into files (trust anchors).
"""
import json
import os
import shutil
import signal
import ssl
import time
import urllib.error
import urllib.request

from . import certs, ports, procs

PEBBLE = "/usr/bin/pebble"
CHALLTESTSRV = "/usr/bin/pebble-challtestsrv"

DEFAULT_ENV = {
    "PEBBLE_VA_NOSLEEP": "1",       # no random 0-15 s validation delay
    "PEBBLE_WFE_NONCEREJECT": "0",  # tests that want badNonce ask for it
    "PEBBLE_AUTHZREUSE": "0",       # every order validates again
}


def _tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError as e:
        return f"({e})"


def _wait(pred, timeout, what, log):
    deadline = time.monotonic() + timeout
    while True:
        if pred():
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout}s; log:\n{_tail(log)}")
        time.sleep(0.1)


class ChallTestSrv:
    def __init__(self, workdir):
        self.workdir = workdir
        self.dns_port, self.management_port = ports.free_ports(2)
        self.log_file = os.path.join(workdir, "challtestsrv.log")
        self.proc = None

    def start(self):
        argv = [CHALLTESTSRV, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-dns01", f"127.0.0.1:{self.dns_port}",
                "-management", f"127.0.0.1:{self.management_port}",
                "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""]
        self.proc = procs.start(argv, self.log_file)
        _wait(lambda: self._alive() and ports.is_listening(self.management_port), 15,
              "pebble-challtestsrv", self.log_file)
        return self

    def _alive(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"pebble-challtestsrv exited ({self.proc.returncode}):\n"
                               f"{_tail(self.log_file)}")
        return True

    def stop(self):
        procs.stop(self.proc)


class Pebble:
    """One pebble. validity: certificateValidityPeriod in seconds (None: pebble's 5 years)."""

    def __init__(self, workdir, listener, dns_port, http_port, tls_port,
                 env=None, validity=None, config=None):
        self.workdir = workdir
        self.listener = listener          # certs.ListenerCerts
        self.dns_port = dns_port
        self.http_port, self.tls_port = http_port, tls_port
        self.env = dict(DEFAULT_ENV, **(env or {}))
        self.validity = validity
        self.extra_config = config or {}
        self.port, self.management_port = ports.free_ports(2)
        self.config_file = os.path.join(workdir, "pebble-config.json")
        self.log_file = os.path.join(workdir, "pebble.log")
        self.root_file = os.path.join(workdir, "pebble-root.pem")
        self.intermediate_file = os.path.join(workdir, "pebble-intermediate.pem")
        self.root_pem = self.intermediate_pem = None
        self.proc = None

    # What httpd's configuration needs to use this CA.
    @property
    def directory_url(self):
        return f"https://127.0.0.1:{self.port}/dir"

    @property
    def ca_file(self):
        """Trust for the CA's HTTPS listener (ACMECACertificateFile)."""
        return self.listener.root_file

    @property
    def trust_anchor_file(self):
        """Root of the certificates pebble issues (ACMETrustAnchorFile)."""
        return self.root_file

    def _config(self):
        cfg = {
            "listenAddress": f"127.0.0.1:{self.port}",
            "managementListenAddress": f"127.0.0.1:{self.management_port}",
            "certificate": self.listener.cert_file,
            "privateKey": self.listener.key_file,
            "httpPort": self.http_port,
            "tlsPort": self.tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False,
        }
        if self.validity is not None:
            cfg["certificateValidityPeriod"] = int(self.validity)
        cfg.update(self.extra_config)
        return {"pebble": cfg}

    def start(self):
        with open(self.config_file, "w") as f:
            json.dump(self._config(), f, indent=2)
        env = {"PATH": "/usr/bin:/bin", **self.env}
        argv = [PEBBLE, "-config", self.config_file, "-dnsserver", f"127.0.0.1:{self.dns_port}"]
        self.proc = procs.start(argv, self.log_file, env=env, cwd=self.workdir)
        _wait(self._directory_answers, 20, "pebble", self.log_file)
        self._fetch_trust_anchors()
        return self

    def stop(self):
        procs.stop(self.proc)

    def store_answers(self, timeout=10):
        """Whether pebble's in-memory store answers within timeout. Pebble
        2.4.0 can deadlock under many orders at once: every goroutine then
        waits for its MemoryStore's lock, no ACME request that reads the store
        is answered again, and clients see only timeouts (bench/RESULTS.md,
        "Pebble's store deadlock"). The management API's certificate status
        reads that store too: a serial it never issued is a 404 at once."""
        url = f"https://127.0.0.1:{self.management_port}/cert-status-by-serial/1"
        try:
            self.get(url, timeout=timeout)
        except urllib.error.HTTPError:
            return True      # answered (404)
        except OSError:
            return False     # refused, reset or timed out
        return True

    def dump_goroutines(self, path):
        """SIGQUIT: the Go runtime writes every goroutine's stack to the log
        and exits; the log is copied to path."""
        procs.stop(self.proc, sig=signal.SIGQUIT)
        shutil.copy(self.log_file, path)

    def _ssl_context(self):
        return ssl.create_default_context(cafile=self.listener.root_file)

    def get(self, url, timeout=5):
        with urllib.request.urlopen(url, context=self._ssl_context(), timeout=timeout) as r:
            return r.read()

    def _directory_answers(self):
        if self.proc.poll() is not None:
            raise RuntimeError(f"pebble exited ({self.proc.returncode}):\n{_tail(self.log_file)}")
        try:
            return "newOrder" in json.loads(self.get(self.directory_url, timeout=2))
        except OSError:
            return False

    def _fetch_trust_anchors(self):
        base = f"https://127.0.0.1:{self.management_port}"
        root = self.get(f"{base}/roots/0").decode()
        inter = self.get(f"{base}/intermediates/0").decode()
        root_c, inter_c = certs.load(root), certs.load(inter)
        if not (certs.signed_by(inter_c, root_c) and certs.signed_by(root_c, root_c)):
            raise RuntimeError("pebble's intermediate does not chain to its root")
        for path, pem in ((self.root_file, root), (self.intermediate_file, inter)):
            with open(path, "w") as f:
                f.write(pem)
            os.chmod(path, 0o644)
        self.root_pem, self.intermediate_pem = root, inter

    def issued_by_me(self, leaf_pem):
        """True if leaf was signed by this pebble's intermediate."""
        return certs.signed_by(certs.load(leaf_pem), certs.load(self.intermediate_pem))

    def log_text(self):
        with open(self.log_file, errors="replace") as f:
            return f.read()
