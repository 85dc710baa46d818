"""The Debian package, as an admin uses it: `apt-get install ./….deb`, the
files where the package says, `a2enmod acme`, a vhost with ACMEDomain and
`apache2ctl start` on the system's own httpd getting a certificate from a
local pebble, then `apt-get remove` (store kept) and `apt-get purge` (gone).

The package comes from $ACME_DEB (a built .deb); without it this file builds
one with scripts/package.sh into $ACME_DEB_DIR (or the session's temp dir),
which takes minutes. ctest's `package` job does that (tests/CMakeLists.txt).

Installing the package writes to the system as any install does. Nothing
else here touches /etc/apache2: httpd runs from a private copy of it
(APACHE_CONFDIR; its mods-available is a link to the package's, so
`a2enmod acme` enables the installed files), with its own envvars (pid, run,
lock and log directories in a temp dir), a2enmod's state in a temp dir
(APACHE_STATE_DIRECTORY), listening on the session's ports on 127.0.0.1.
httpd is stopped by the pid in its pid file whatever happens, and the
package is purged at the end. The test refuses to run (fails) on a machine
where the package or its files are already there: it would purge them.
"""
import glob
import os
import shutil
import signal
import stat
import subprocess
import time

import pytest

from harness import certs, client, procs

PACKAGE = "libapache2-mod-acme"
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STORE = "/var/lib/apache2/acme"
SYSTEM_CONFDIR = "/etc/apache2"
ACMECTL = "/usr/sbin/acmectl"
MODS_AVAILABLE = os.path.join(SYSTEM_CONFDIR, "mods-available")
APT_LOCK = ["-o", "DPkg::Lock::Timeout=120"]


def run(argv, env=None, timeout=300, check=True):
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env, timeout=timeout)
    out = r.stdout.decode(errors="replace")
    if check and r.returncode != 0:
        raise AssertionError(f"$ {' '.join(argv)}\nexit {r.returncode}\n{out}")
    return r.returncode, out


def apt(*args):
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    return run(["apt-get", *APT_LOCK, "-y", "-q", *args], env=env)[1]


def package_state():
    """dpkg's status of the package ('install ok installed', …), '' if unknown."""
    r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    return r.stdout.decode().strip() if r.returncode == 0 else ""


def module_dir():
    apxs = os.environ.get("APXS", "/usr/bin/apxs")
    return run([apxs, "-q", "LIBEXECDIR"])[1].strip()


def module_file():
    return os.path.join(module_dir(), "mod_acme.so")


def build_deb(session):
    out = os.environ.get("ACME_DEB_DIR") or session.mkdir("deb")
    run([os.path.join(TOP, "scripts", "package.sh"), out], timeout=1800)
    found = glob.glob(os.path.join(out, f"{PACKAGE}_*.deb"))
    assert len(found) == 1, f"scripts/package.sh made {found} in {out}"
    return found[0]


def assert_clean_machine():
    state = package_state()
    left = [p for p in (STORE, module_file(), ACMECTL, os.path.join(MODS_AVAILABLE, "acme.load"),
                        os.path.join(MODS_AVAILABLE, "acme.conf")) if os.path.lexists(p)]
    if state not in ("", "unknown ok not-installed") or left:
        raise AssertionError(
            f"{PACKAGE} ({state or 'no dpkg record'}) or its files {left} are already on this "
            f"machine; this test installs and purges the package and would destroy them. "
            f"Fix: `apt-get purge {PACKAGE}` (and remove {left}) on a test machine, then rerun.")


@pytest.fixture(scope="module")
def installed(session):
    """The path of the .deb, installed with apt-get; purged after the module's tests."""
    deb = os.environ.get("ACME_DEB") or build_deb(session)
    assert os.path.isfile(deb), f"ACME_DEB={deb}: no such file"
    assert_clean_machine()
    try:
        apt("install", "--no-install-recommends", os.path.abspath(deb))
        assert package_state() == "install ok installed", package_state()
        yield deb
    finally:
        if package_state() not in ("", "unknown ok not-installed"):
            apt("purge", PACKAGE)


def dpkg_version(deb):
    return run(["dpkg-deb", "-f", deb, "Version"])[1].strip()


def test_700_01_files_where_the_package_says(installed):
    listed = run(["dpkg", "-L", PACKAGE])[1].split()
    expected = [module_file(), ACMECTL, os.path.join(MODS_AVAILABLE, "acme.load"),
                os.path.join(MODS_AVAILABLE, "acme.conf"), STORE,
                "/usr/share/man/man8/acmectl.8.gz", "/usr/share/man/man5/mod_acme.5.gz",
                "/usr/share/bash-completion/completions/acmectl"]
    for path in expected:
        assert path in listed, f"{path} not in dpkg -L {PACKAGE}"
        assert os.path.exists(path), path
    with open(os.path.join(MODS_AVAILABLE, "acme.load")) as f:
        assert f"LoadModule acme_module {module_file()}" in f.read()
    with open(os.path.join(MODS_AVAILABLE, "acme.conf")) as f:
        assert f"ACMEStoreDir {STORE}" in f.read()
    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", PACKAGE])[1]
    assert "/etc/apache2/mods-available/acme.conf" in conffiles, conffiles
    # The store: root's, not writable by group or others (the module refuses
    # to start on a store root anyone else could change).
    st = os.stat(STORE)
    assert stat.S_ISDIR(st.st_mode) and (st.st_uid, st.st_gid) == (0, 0), st
    assert stat.S_IMODE(st.st_mode) == 0o755, oct(st.st_mode)
    assert os.access(ACMECTL, os.X_OK)
    out = run([ACMECTL, "--version"])[1]
    assert out.strip() == f"acmectl (mod_acme) {dpkg_version(installed)}", out
    # Installed, not enabled: enabling is the admin's `a2enmod acme`.
    assert not os.path.lexists(os.path.join(SYSTEM_CONFDIR, "mods-enabled", "acme.load"))


class PrivateConfdir:
    """A copy of /etc/apache2 for APACHE_CONFDIR: mods-available links to the
    system's (the package's acme.load and acme.conf), no site enabled, our
    ports, and envvars pointing pid, run, lock and log directories here."""

    def __init__(self, base, http_port, https_port):
        self.base = base
        self.confdir = os.path.join(base, "apache2")
        self.state_dir = os.path.join(base, "state")
        self.run_dir = os.path.join(base, "run")
        self.log_dir = os.path.join(base, "log")
        self.pid_file = os.path.join(self.run_dir, "apache2.pid")
        self.doc_root = os.path.join(base, "htdocs")
        self.http_port, self.https_port = http_port, https_port
        shutil.copytree(SYSTEM_CONFDIR, self.confdir, symlinks=True,
                        ignore=shutil.ignore_patterns("mods-available", "*.dpkg-*"))
        os.symlink(MODS_AVAILABLE, os.path.join(self.confdir, "mods-available"))
        for link in glob.glob(os.path.join(self.confdir, "sites-enabled", "*")):
            os.remove(link)
        for d in (self.state_dir, self.run_dir, self.log_dir, self.doc_root):
            os.makedirs(d, mode=0o755)
        with open(os.path.join(self.doc_root, "index.html"), "w") as f:
            f.write("mod_acme package test\n")
        os.chmod(os.path.join(self.doc_root, "index.html"), 0o644)
        self._write("ports.conf", f"Listen 127.0.0.1:{http_port}\nListen 127.0.0.1:{https_port}\n")
        with open(os.path.join(self.confdir, "envvars"), "a") as f:
            f.write(f"\n# mod_acme package test: everything of this httpd under {base}\n"
                    f"export APACHE_PID_FILE={self.pid_file}\n"
                    f"export APACHE_RUN_DIR={self.run_dir}\n"
                    f"export APACHE_LOCK_DIR={os.path.join(base, 'lock')}\n"
                    f"export APACHE_LOG_DIR={self.log_dir}\n")

    def _write(self, rel, text):
        with open(os.path.join(self.confdir, rel), "w") as f:
            f.write(text)

    def env(self):
        # APACHE_STARTED_BY_SYSTEMD: apache2ctl start runs httpd itself, not
        # `systemctl start apache2`, on a machine whose init is systemd.
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C",
                "APACHE_CONFDIR": self.confdir, "APACHE_STATE_DIRECTORY": self.state_dir,
                "APACHE_STARTED_BY_SYSTEMD": "1"}

    def add_site(self, name, pebble):
        self._write(os.path.join("sites-available", f"{name}.conf"), f"""\
LogLevel info acme:debug
ACMECertificateAuthority {pebble.directory_url}
ACMECACertificateFile {pebble.ca_file}
ACMETrustAnchorFile {pebble.trust_anchor_file}
ACMETermsOfService agreed
ACMEContactEmail admin@example.org
ACMEPortMap 80:{self.http_port} 443:{self.https_port}
ACMECheckInterval 2s
ACMERetryDelay 2s
ACMEPreflightResolver 127.0.0.1:{pebble.dns_port}
<Directory {self.doc_root}>
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:{self.http_port}>
    ServerName localhost
    DocumentRoot {self.doc_root}
</VirtualHost>
<VirtualHost 127.0.0.1:{self.https_port}>
    ServerName a.test
    DocumentRoot {self.doc_root}
    SSLEngine on
    ACMEDomain a.test
</VirtualHost>
""")

    def pid(self):
        try:
            with open(self.pid_file) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def error_log(self):
        try:
            with open(os.path.join(self.log_dir, "error.log"), errors="replace") as f:
                return "".join(f.readlines()[-60:])
        except OSError as e:
            return f"({e})"


def wait_for_pid(conf, timeout=20):
    deadline = time.monotonic() + timeout
    while (pid := conf.pid()) is None or not os.path.exists(f"/proc/{pid}"):
        if time.monotonic() > deadline:
            raise AssertionError(f"no httpd pid in {conf.pid_file} after {timeout}s:\n"
                                 f"{conf.error_log()}")
        time.sleep(0.1)
    return pid


def stop_httpd(pid):
    """SIGTERM to httpd's parent, then SIGKILL to it and whatever it left (its
    descendants and its process group: it made itself a session leader)."""
    start = procs._stat(pid)
    if start is None:
        return
    left = procs.descendants(pid)
    left.update(procs.group_members(pid))
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while (st := procs._stat(pid)) is not None and st[2] == start[2]:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.1)
    left.update(procs.group_members(pid))
    for p, starttime in left.items():
        st = procs._stat(p)
        if st is not None and st[2] == starttime:
            os.kill(p, signal.SIGKILL)


def test_700_02_a2enmod_vhost_apache2ctl_start(installed, session, pebble):
    conf = PrivateConfdir(session.mkdir("apache2-conf"), session.http_port, session.https_port)
    env = conf.env()
    out = run(["a2enmod", "acme"], env=env)[1]
    enabled = os.path.join(conf.confdir, "mods-enabled")
    # acme.load says "Depends: ssl": a2enmod enables mod_ssl too.
    for mod in ("acme.load", "acme.conf", "ssl.load"):
        assert os.path.realpath(os.path.join(enabled, mod)) == \
            os.path.join(MODS_AVAILABLE, mod), f"{mod} not enabled:\n{out}"
    conf.add_site("acme-test", pebble)
    run(["a2ensite", "acme-test"], env=env)
    code, out = run(["apache2ctl", "configtest"], env=env, check=False)
    assert code == 0 and "Syntax OK" in out, out
    pid = None
    try:
        run(["apache2ctl", "start"], env=env, timeout=60)
        pid = wait_for_pid(conf)

        def alive():
            if procs._stat(pid) is None:
                raise AssertionError(f"httpd {pid} died:\n{conf.error_log()}")
        served = client.wait_for_cert(session.https_port, "a.test", pebble, timeout=90,
                                      alive=alive)
        assert served.leaf.sans == ["a.test"]
        # The package's store is the one in use: the files an admin finds.
        with open(os.path.join(STORE, "live", "a.test", "fullchain.pem")) as f:
            stored = certs.split_pem(f.read())
        assert certs.CertInfo(stored[0]).serial == served.leaf.serial
        r = client.https_get(session.https_port, "/", "a.test", cafile=pebble.trust_anchor_file)
        assert r.status == 200 and "mod_acme package test" in r.text
    finally:
        pid = pid or conf.pid()
        if pid is not None:
            stop_httpd(pid)
    assert procs._stat(pid) is None, f"httpd {pid} still running after stop"


def test_700_03_remove_keeps_the_store_purge_removes_it(installed):
    key = os.path.join(STORE, "live", "a.test", "privkey.pem")
    assert os.path.isfile(key), f"{key} missing: test_700_02 did not get a certificate"
    mod = module_file()
    apt("remove", PACKAGE)
    assert not os.path.exists(mod) and not os.path.exists(ACMECTL)
    assert os.path.isfile(key), "apt-get remove deleted the store's keys"
    assert os.path.isfile(os.path.join(MODS_AVAILABLE, "acme.conf")), "conffile gone on remove"
    assert package_state() == "deinstall ok config-files", package_state()
    apt("purge", PACKAGE)
    for path in (STORE, mod, ACMECTL, os.path.join(MODS_AVAILABLE, "acme.conf"),
                 os.path.join(MODS_AVAILABLE, "acme.load")):
        assert not os.path.lexists(path), f"{path} left after apt-get purge"
    assert package_state() in ("", "unknown ok not-installed"), package_state()
