#!/usr/bin/python3
"""mod_acme demo: a private pebble CA, a real httpd with ACMEDomain, and a
certificate that gets issued, activated and verified, all on 127.0.0.1.

Usage: scripts/demo.py build/mod_acme.so   (scripts/demo.sh builds and runs it)
Everything it starts is stopped, and its temp dir removed, however it ends.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from harness import certs, ports, procs  # noqa: E402
from harness.httpd import Httpd, VHost  # noqa: E402
from harness.pebble import ChallTestSrv, Pebble  # noqa: E402

NAMES = ("demo.test", "www.demo.test")


def step(text):
    print(f"\n==> {text}", flush=True)


def sub(base, name):
    path = os.path.join(base, name)
    os.makedirs(path, mode=0o755)
    os.chmod(path, 0o755)  # httpd's children (www-data) traverse it
    return path


def s_client(httpd, ca):
    argv = ["openssl", "s_client", "-connect", f"127.0.0.1:{httpd.https_port}",
            "-servername", NAMES[0], "-CAfile", ca.trust_anchor_file,
            "-verify_return_error", "-showcerts"]
    out = subprocess.run(argv, input="", capture_output=True, text=True, timeout=20)
    for line in out.stdout.splitlines():
        if re.match(r"\s*\d+ s:|\s+i:|Verify return code|Verification", line):
            print("    " + line.strip())
    return out.returncode


def acme_log_lines(httpd):
    for line in httpd.error_log_text().splitlines():
        m = re.search(r"(ACME\d{5}: .*)", line)
        if m:
            print("    " + m.group(1)[:160])


def run(mod_acme_so, base):
    t0 = time.monotonic()
    listener = certs.make_listener_certs(sub(base, "listener"))
    http_port, https_port = ports.free_ports(2)
    step(f"starting pebble (a local ACME CA) and its DNS on 127.0.0.1")
    dns = ChallTestSrv(sub(base, "dns")).start()
    ca = Pebble(sub(base, "pebble"), listener, dns.dns_port, http_port, https_port).start()
    print(f"    directory {ca.directory_url}")
    step(f"starting httpd with 'ACMEDomain {' '.join(NAMES)}' on ports {http_port}/{https_port}")
    httpd = Httpd(sub(base, "httpd"), http_port, https_port, mod_acme_so, ca=ca,
                  vhosts=[VHost.managed(*NAMES)])
    httpd.start()
    print(f"    config: {httpd.conf_file}")
    step("waiting for the certificate (fallback first, then the CA's, activated by the module)")
    chain = httpd.wait_for_cert(NAMES[0], timeout=90)
    leaf = chain.leaf
    print(f"    served after {time.monotonic() - t0:.1f}s: serial {leaf.serial:X}, names {leaf.names()}")
    step("verifying with openssl s_client -verify_return_error against pebble's root")
    rc = s_client(httpd, ca)
    step("what mod_acme logged")
    acme_log_lines(httpd)
    step(f"files in {httpd.store_dir}/live/{NAMES[0]}/")
    live = os.path.join(httpd.store_dir, "live", NAMES[0])
    for name in sorted(os.listdir(live)):
        st = os.stat(os.path.join(live, name))
        print(f"    {oct(st.st_mode & 0o777)}  {name}")
    ok = rc == 0 and chain.verified and len(chain.chain) >= 2
    print(f"\nRESULT: {'OK' if ok else 'FAILED'}: https://{NAMES[0]} serves a certificate from the "
          f"CA with its intermediate ({len(chain.chain)} certificates), verified by openssl "
          f"(exit {rc}); httpd parent pid {httpd.pid} was never restarted by hand.")
    return 0 if ok else 1


def main():
    if len(sys.argv) != 2 or not os.path.isfile(sys.argv[1]):
        print(__doc__, file=sys.stderr)
        return 2
    base = tempfile.mkdtemp(prefix="mod_acme-demo-")
    os.chmod(base, 0o755)
    try:
        return run(os.path.abspath(sys.argv[1]), base)
    finally:
        procs.stop_all()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
