"""A real httpd with a private ServerRoot and a generated httpd.conf.

Httpd(...) writes the ServerRoot (mode 0755: httpd started as root runs its
children as www-data, who must traverse it), a DocumentRoot with index.html,
and httpd.conf. It does not create the ACME store: the module prepares its
store itself. start() runs `apache2 -DFOREGROUND` as our child, so the parent
pid is known; stop() ends it and any child it left (procs.stop). check() runs
`apache2 -t`.

The configuration is built from parameters:
  ca            an object with directory_url, ca_file, trust_anchor_file
                (harness.pebble.Pebble or acme_double.AcmeDouble), or None
  vhosts        list of VHost (TLS by default); default: a.test + www.a.test
  http_extra    directive text for the plain-HTTP vhost (the port-80 stand-in)
  global_extra  directive text at server level, after the ACME globals
  acme          overrides of the ACME global directives: {name: value}, a
                value of None drops the directive
  load_acme     False leaves mod_acme out (used to validate the harness itself)
  log_level     LogLevel arguments (default "info acme:debug ssl:warn")
  address       the loopback address it listens on (default 127.0.0.1; the
                cluster tests' nodes use 127.0.0.2-4, harness/cluster.py)

MOD_ACME_ASAN=1 in the environment runs every httpd (and `apache2 -t`) with
the ASan runtime preloaded, for a mod_acme.so built with -DACME_SANITIZE=ON
(scripts/asan.sh): each process writes any ASan/UBSan report to
logs/sanitizer/{asan,ubsan}.<pid>, and stop() or check() fails the test with
the reports it finds there.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import textwrap
import time
from dataclasses import dataclass, field

from . import ports, procs

APACHE2 = "/usr/sbin/apache2"
MODULES_DIR = "/usr/lib/apache2/modules"
# mod_watchdog and mod_unixd are compiled into Debian's apache2: never load them.
MODULES = [("mpm_event_module", "mod_mpm_event.so"),
           ("authz_core_module", "mod_authz_core.so"),
           ("mime_module", "mod_mime.so"),
           ("dir_module", "mod_dir.so"),
           ("alias_module", "mod_alias.so"),
           ("ssl_module", "mod_ssl.so"),
           ("socache_shmcb_module", "mod_socache_shmcb.so"),
           ("status_module", "mod_status.so")]

ASAN = os.environ.get("MOD_ACME_ASAN") == "1"
ASAN_FIBER_NOTICE = re.compile(
    r"^==\d+==WARNING: ASan doesn't fully support makecontext/swapcontext functions")

WATCHDOG_RE = re.compile(r"ACME10070: watchdog running in pid (\d+)")


@dataclass
class VHost:
    name: str
    aliases: list = field(default_factory=list)
    domains: list = None      # ACMEDomain arguments; None: no ACMEDomain line
    tls: bool = True
    extra: str = ""

    @classmethod
    def managed(cls, *names, extra=""):
        """A TLS vhost for names[0] (aliases the rest) with ACMEDomain names."""
        return cls(names[0], list(names[1:]), list(names), extra=extra)


def assert_loopback_preflight(directives):
    """Tests talk to 127.0.0.1 / ::1 only: a module config that would let the
    watchdog's preflight ask the system's resolver is a harness error."""
    if str(directives.get("ACMEPreflight", "on")).lower() != "on":
        return  # off (or a bad value, which `apachectl -t` refuses)
    resolver = str(directives.get("ACMEPreflightResolver", ""))
    if not (resolver.startswith("127.0.0.1:") or resolver.startswith("[::1]:")):
        raise AssertionError("mod_acme test config without ACMEPreflight off or a loopback "
                             f"ACMEPreflightResolver (got {resolver!r}): the preflight would "
                             "ask the system's DNS")


class Httpd:
    def __init__(self, workdir, http_port, https_port, mod_acme_so, ca=None, vhosts=None,
                 http_extra="", global_extra="", acme=None, load_acme=True, log_level=None,
                 address=ports.HOST):
        self.address = address
        self.workdir = self.server_root = workdir
        self.http_port, self.https_port = http_port, https_port
        self.mod_acme_so = mod_acme_so
        self.ca = ca
        self.vhosts = vhosts if vhosts is not None else [VHost.managed("a.test", "www.a.test")]
        self.http_extra, self.global_extra = http_extra, global_extra
        self.acme_overrides = acme or {}
        self.load_acme = load_acme
        self.log_level = log_level or ("info acme:debug ssl:warn" if load_acme else "info ssl:warn")
        self.conf_file = os.path.join(workdir, "httpd.conf")
        self.doc_root = os.path.join(workdir, "htdocs")
        self.log_dir = os.path.join(workdir, "logs")
        self.error_log = os.path.join(self.log_dir, "error_log")
        self.stderr_log = os.path.join(self.log_dir, "stderr.log")
        self.pid_file = os.path.join(workdir, "run", "httpd.pid")
        self.store_dir = os.path.join(workdir, "acme")
        self.sanitizer_dir = os.path.join(self.log_dir, "sanitizer")
        self.proc = None
        self._prepare()

    # ---- configuration -------------------------------------------------
    def acme_globals(self):
        ca = self.ca
        d = {
            "ACMECertificateAuthority": ca.directory_url if ca else None,
            "ACMECACertificateFile": ca.ca_file if ca else None,
            "ACMETrustAnchorFile": ca.trust_anchor_file if ca else None,
            "ACMETermsOfService": "agreed",
            "ACMEContactEmail": "admin@example.org",
            "ACMEStoreDir": "acme",
            # The CA reaches "port 80/443" of a.test at our ports.
            "ACMEPortMap": f"80:{self.http_port} 443:{self.https_port}",
            "ACMECheckInterval": "2s",
            "ACMERetryDelay": "2s",
        }
        # The check before a first order asks DNS: the pebble's challtestsrv
        # (every unknown name is 127.0.0.1 there), never the system's resolver.
        dns_port = getattr(ca, "dns_port", None)
        if dns_port:
            d["ACMEPreflightResolver"] = f"127.0.0.1:{dns_port}"
        else:
            d["ACMEPreflight"] = "off"
        d.update(self.acme_overrides)
        d = {k: v for k, v in d.items() if v is not None}
        assert_loopback_preflight(d)
        return d

    def _vhost_text(self, v):
        port = self.https_port if v.tls else self.http_port
        lines = [f"<VirtualHost {self.address}:{port}>", f"    ServerName {v.name}"]
        if v.aliases:
            lines.append(f"    ServerAlias {' '.join(v.aliases)}")
        lines.append(f"    DocumentRoot {self.doc_root}")
        if v.tls:
            lines.append("    SSLEngine on")
        if v.domains is not None:
            lines.append(f"    ACMEDomain {' '.join(v.domains)}".rstrip())
        if v.extra:
            lines.append(textwrap.indent(textwrap.dedent(v.extra).strip(), "    "))
        lines.append("</VirtualHost>")
        return "\n".join(lines)

    def config_text(self):
        mods = [f"LoadModule {n} {MODULES_DIR}/{f}" for n, f in MODULES]
        if self.load_acme:
            mods.append(f"LoadModule acme_module {self.mod_acme_so}")
        acme = [f"{k} {v}" for k, v in self.acme_globals().items()] if self.load_acme else []
        http_extra = textwrap.indent(textwrap.dedent(self.http_extra).strip(), "    ")
        parts = [
            "# generated by tests/integration/harness/httpd.py",
            f"ServerRoot {self.server_root}",
            "DefaultRuntimeDir run",
            "PidFile run/httpd.pid",
            *mods,
            # As root httpd runs its children as www-data (as on Debian); else as us.
            *(["User www-data", "Group www-data"] if os.geteuid() == 0 else []),
            "ServerName localhost",
            f"Listen {self.address}:{self.http_port}",
            f"Listen {self.address}:{self.https_port}",
            f"ErrorLog {self.error_log}",
            f"LogLevel {self.log_level}",
            "TypesConfig /etc/mime.types",
            "DirectoryIndex index.html",
            "StartServers 2",
            "ServerLimit 4",
            "ThreadsPerChild 10",
            "MinSpareThreads 10",
            "MaxSpareThreads 30",
            "MaxRequestWorkers 40",
            "GracefulShutdownTimeout 5",
            "SSLSessionCache shmcb:run/ssl_scache(512000)",
            "<Directory />\n    AllowOverride None\n    Require all denied\n</Directory>",
            f"<Directory {self.doc_root}>\n    Require all granted\n</Directory>",
            *acme,
            textwrap.dedent(self.global_extra).strip(),
            f"<VirtualHost {self.address}:{self.http_port}>\n    ServerName localhost\n"
            f"    DocumentRoot {self.doc_root}\n{http_extra}\n</VirtualHost>",
            *[self._vhost_text(v) for v in self.vhosts],
        ]
        return "\n".join(parts) + "\n"

    def _prepare(self):
        os.makedirs(self.server_root, exist_ok=True)
        os.chmod(self.server_root, 0o755)
        for d in (self.doc_root, self.log_dir, os.path.dirname(self.pid_file)):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o755)
        self.write_file("index.html", "<html><body>mod_acme test</body></html>\n")
        self.write_config()
        if ASAN:
            os.makedirs(self.sanitizer_dir, exist_ok=True)
            os.chmod(self.sanitizer_dir, 0o1777)  # the children (www-data) write here too

    def write_config(self):
        with open(self.conf_file, "w") as f:
            f.write(self.config_text())

    def write_file(self, rel_path, content):
        """Put a file under the DocumentRoot, readable by the children."""
        path = os.path.join(self.doc_root, rel_path)
        d = os.path.dirname(path)
        os.makedirs(d, exist_ok=True)
        while d.startswith(self.doc_root):
            os.chmod(d, 0o755)
            d = os.path.dirname(d)
        with open(path, "w") as f:
            f.write(content)
        os.chmod(path, 0o644)
        return path

    # ---- running -------------------------------------------------------
    def _argv(self, *extra):
        return [APACHE2, "-d", self.server_root, "-f", self.conf_file, *extra]

    def _env(self):
        """The environment httpd runs in: ours, plus the ASan preload if asked."""
        if not ASAN:
            return None
        env = dict(os.environ)
        env["LD_PRELOAD"] = asan_runtime()
        # httpd frees its pools at exit its own way: leak reports would be noise.
        # allow_user_segv_handler=0: httpd installs its own SIGSEGV handler, which would
        # hide a crash from ASan; this way a segfault is reported with its stack too.
        env["ASAN_OPTIONS"] = (f"detect_leaks=0:allow_user_segv_handler=0:"
                               f"log_path={self.sanitizer_dir}/asan")
        env["UBSAN_OPTIONS"] = f"print_stacktrace=1:log_path={self.sanitizer_dir}/ubsan"
        return env

    def assert_no_sanitizer_reports(self):
        """Fail with every ASan/UBSan report written so far (then removed, so a
        later stop() reports only new ones)."""
        if not ASAN:
            return
        reports = []
        for path in sorted(glob.glob(os.path.join(self.sanitizer_dir, "*"))):
            with open(path, errors="replace") as f:
                text = f.read()
            os.remove(path)
            # ASan says this once per process at the watchdog's first fiber
            # switch (base/fiber.h, swapcontext); it is not a report. Anything
            # else in the file still fails the test.
            rest = "\n".join(line for line in text.splitlines()
                             if line.strip() and not ASAN_FIBER_NOTICE.search(line))
            if rest:
                reports.append(f"--- {path}\n{text}")
        if reports:
            raise AssertionError("sanitizer reports from httpd with mod_acme:\n"
                                 + "\n".join(reports))

    def check(self):
        """`apache2 -t`: (returncode, stdout+stderr)."""
        r = subprocess.run(self._argv("-t"), stdin=subprocess.DEVNULL, env=self._env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
        self.assert_no_sanitizer_reports()
        return r.returncode, r.stdout.decode(errors="replace")

    def start(self, timeout=20):
        self.spawn()
        return self.wait_started(timeout)

    def spawn(self):
        """start() without the wait: spawn() several, then wait_started() each, to
        start them together. From the main thread: the child gets SIGTERM when the
        thread that spawned it ends (procs.start, setpriv --pdeathsig)."""
        self.write_config()
        ports.wait_closed(self.http_port, host=self.address)
        ports.wait_closed(self.https_port, host=self.address)
        self.proc = procs.start(self._argv("-DFOREGROUND"), self.stderr_log, env=self._env())

    def wait_started(self, timeout=20):
        """Until httpd listens on both ports and wrote its pid file."""
        deadline = time.monotonic() + timeout
        while not (ports.is_listening(self.http_port, self.address)
                   and ports.is_listening(self.https_port, self.address)
                   and self._pid_file_pid() == self.proc.pid):
            if self.proc.poll() is not None:
                raise RuntimeError(f"httpd exited with {self.proc.returncode} at start:\n"
                                   f"{self.startup_output()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"httpd not listening after {timeout}s:\n"
                                   f"{self.startup_output()}")
            time.sleep(0.05)
        return self

    def stop(self, timeout=10):
        if self.proc is not None:
            self._wait_children_past_start()
            procs.stop(self.proc, timeout=timeout)
            self.proc = None
        self.assert_no_sanitizer_reports()

    def _wait_children_past_start(self, limit=2.0):
        """Until StartServers children run, all as the child user (or limit
        seconds). A child that gets SIGTERM before it blocks signals exits
        from the signal handler (mpm_event's just_die -> exit()); caught in
        malloc (initgroups in drop_privileges), OpenSSL's atexit cleanup then
        waits for the malloc lock forever and the parent kills the child 10 s
        later (AH00045, AH00046). An httpd matter, not the module's: stop()
        steps around it, since a start or graceful restart forks children
        (one by one) just before many stops."""
        if os.geteuid() != 0:
            return  # children run as us: no privileges dropped, nothing to see
        wanted = int(re.findall(r"^StartServers (\d+)$", self.config_text(), re.M)[-1])
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            uids = [procs.real_uid(p) for p in procs.children(self.proc.pid)]
            if len(uids) >= wanted and 0 not in uids:
                return
            time.sleep(0.01)

    def graceful(self):
        """What an admin's `apachectl graceful` does: SIGUSR1 to the parent."""
        os.kill(self.pid, signal.SIGUSR1)

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def _pid_file_pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def pid_file_pid(self):
        return self._pid_file_pid()

    def children(self):
        return procs.children(self.pid) if self.pid else []

    # ---- what it logged ------------------------------------------------
    def error_log_text(self):
        try:
            with open(self.error_log, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def startup_output(self):
        out = []
        for path in (self.stderr_log, self.error_log):
            try:
                with open(path, errors="replace") as f:
                    out.append(f"--- {path}\n" + "".join(f.readlines()[-60:]))
            except OSError:
                pass
        return "\n".join(out)

    def wait_for_log(self, regex, timeout=30, after=0, interval=0.1):
        """First match of regex in the error log (from character offset `after`)."""
        pattern = re.compile(regex)
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.error_log_text(), after)
            if m:
                return m
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"httpd exited ({self.proc.returncode}) while waiting "
                                     f"for /{regex}/ in the error log")
            if time.monotonic() > deadline:
                raise AssertionError(f"/{regex}/ not in the error log after {timeout}s:\n"
                                     f"{self.log_tail()}")
            time.sleep(interval)

    def log_tail(self, lines=60):
        return "".join(self.error_log_text().splitlines(True)[-lines:])

    def watchdog_pid(self, before=None):
        """Pid from the last `ACME10070: watchdog running in pid N` (before offset)."""
        text = self.error_log_text()[:before]
        pids = WATCHDOG_RE.findall(text)
        return int(pids[-1]) if pids else None

    # ---- the module's store (files an admin sees) ----------------------
    def store_path(self, *parts):
        return os.path.join(self.store_dir, *parts)

    def account_files(self):
        """Every account.json under <store>/accounts/."""
        return sorted(glob.glob(self.store_path("accounts", "**", "account.json"),
                                recursive=True))

    def remove(self):
        shutil.rmtree(self.server_root, ignore_errors=True)

    # ---- what a client sees (shortcuts to harness.client) --------------
    def assert_alive(self):
        if not self.is_running():
            raise AssertionError(f"httpd is not running (exit {self.proc and self.proc.returncode})"
                                 f":\n{self.log_tail()}")

    def served_chain(self, name, verify=True):
        from . import client
        cafile = self.ca.trust_anchor_file if self.ca is not None else None
        return client.served_chain(self.https_port, name, cafile=cafile, verify=verify,
                                   host=self.address)

    def wait_for_cert(self, name, timeout=60, not_serial=None):
        """Wait until name is served a verifying chain issued by self.ca."""
        from . import client
        return client.wait_for_cert(self.https_port, name, self.ca, timeout=timeout,
                                    not_serial=not_serial, alive=self.assert_alive,
                                    host=self.address)

    def http_get(self, path, host, **kw):
        from . import client
        return client.http_get(self.http_port, path, host, address=self.address, **kw)

    def https_get(self, path, name, **kw):
        from . import client
        return client.https_get(self.https_port, path, name, address=self.address, **kw)


def asan_runtime():
    """The ASan runtime of the g++ that built the sanitized module."""
    path = subprocess.run(["g++", "-print-file-name=libasan.so"], stdout=subprocess.PIPE,
                          check=True).stdout.decode().strip()
    if not os.path.isabs(path) or not os.path.exists(path):
        raise RuntimeError(f"MOD_ACME_ASAN=1 but g++ has no libasan.so ({path!r}): "
                           "install g++ (libasan comes with it)")
    return path


def on_own_ports(session, ca=None, own_ports=None, **kw):
    """An Httpd like session.new_httpd() makes, but on two fresh ports of its own
    (or own_ports: (http, https)), so it can run beside the session's httpd.
    The session's pebbles validate only the session's ports: use it for
    servers that need no http-01 from them, or with a Pebble made for
    own_ports. Not started; session.release(h) stops it and removes its
    ServerRoot.
    """
    http_port, https_port = own_ports or ports.free_ports(2)
    h = Httpd(session.mkdir("httpd"), http_port, https_port, session.mod_acme_so, ca=ca, **kw)
    session.active.append(h)
    return h
