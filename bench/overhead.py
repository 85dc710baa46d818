#!/usr/bin/python3
"""What loading mod_acme costs a normal page.

Two httpd configurations, identical but for mod_acme, on the same ports, run
one after the other:
  loaded      LoadModule acme_module, the ACME globals, and a TLS vhost with
              ACMEDomain a.test (as a real deployment has), its certificate
              issued by a local pebble before anything is measured; the
              module's check interval and retry delay are its defaults
  not-loaded  no LoadModule acme_module, no ACME directives; the same TLS
              vhost with a certificate file instead of ACMEDomain
The page is the plain-HTTP vhost's index.html (a few KB), asked for with
Host: a.test, a name the module manages. Rounds are interleaved (loaded,
not-loaded, loaded, ...), each a fresh start, a warm-up and a wrk run;
the ratio loaded/not-loaded is printed.

Usage: bench/overhead.py [SUMMARY_FILE]   (MOD_ACME_SO, BENCH_* env)
"""
import sys

import benchlib
from benchlib import subdir
from harness.client import http_get
from harness.httpd import Httpd, VHost

HOST = "a.test"
PAGE = "/index.html"
LOG_LEVEL = "info ssl:warn"   # the same for both; no per-request logging


def page():
    """A deterministic HTML page of about 4 KB."""
    rows = "".join(f"<tr><td>{i}</td><td>row {i} of a table on a normal page</td></tr>\n"
                   for i in range(60))
    return f"<!DOCTYPE html>\n<html><head><title>bench</title></head><body>\n" \
           f"<h1>A normal page</h1>\n<table>\n{rows}</table>\n</body></html>\n"


def round_runner(httpd, url):
    """One round: start httpd, warm up, measure, stop (ports are shared)."""
    def run():
        httpd.start()
        try:
            benchlib.wrk(url, HOST, benchlib.WARMUP)
            result = benchlib.measure(httpd, url, HOST)
            httpd.assert_alive()
            return result
        finally:
            httpd.stop()
    return run


def verify(httpd, body):
    httpd.start()
    try:
        r = http_get(httpd.http_port, PAGE, HOST)
        if r.status != 200 or r.body != body:
            sys.exit(f"abort: {httpd.workdir}: GET {PAGE} answered {r.status}, "
                     f"{len(r.body)} bytes; expected 200 and the {len(body)}-byte page")
        print(f"  {httpd.workdir}: GET {PAGE} -> 200, {len(r.body)} bytes, "
              f"{r.header('Content-Type')}")
    finally:
        httpd.stop()


def run(so, base):
    so = benchlib.snapshot(so, base)
    ca, http_port, https_port = benchlib.pebble_stack(base)
    loaded = Httpd(subdir(base, "loaded"), http_port, https_port, so, ca=ca,
                   vhosts=[VHost.managed(HOST)], log_level=LOG_LEVEL,
                   acme={"ACMECheckInterval": None, "ACMERetryDelay": None})
    tls_files = f"SSLCertificateFile {ca.listener.cert_file}\n" \
                f"SSLCertificateKeyFile {ca.listener.key_file}"
    plain = Httpd(subdir(base, "not-loaded"), http_port, https_port, so, load_acme=False,
                  vhosts=[VHost(HOST, tls=True, extra=tls_files)], log_level=LOG_LEVEL)
    body = page()
    for h in (loaded, plain):
        h.write_file(PAGE.lstrip("/"), body)

    print(f"httpd ports {http_port}/{https_port}; getting {HOST}'s certificate from pebble")
    loaded.start()
    try:
        loaded.wait_for_cert(HOST, timeout=90)
    finally:
        loaded.stop()
    print("certificate issued and kept in the loaded httpd's store; checking both configs")
    for h in (loaded, plain):
        verify(h, body.encode())

    url = f"http://127.0.0.1:{http_port}{PAGE}"
    results = benchlib.interleave(("loaded", round_runner(loaded, url)),
                                  ("not-loaded", round_runner(plain, url)))
    return benchlib.summarize(f"normal page ({len(body)} B {PAGE}, Host: {HOST}) with mod_acme "
                              "loaded (ACMEDomain vhost) vs not loaded", results,
                              [("loaded", "not-loaded")], "0.98") + "\n"


def main():
    return benchlib.run_main(run, "mod_acme-bench-overhead-")


if __name__ == "__main__":
    sys.exit(main())
