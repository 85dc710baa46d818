#!/usr/bin/python3
"""http-01 answers vs a static file of the same bytes, on the same httpd.

One httpd with mod_acme (a.test managed) and the ACME test double in hold
mode as CA: the module publishes a.test's token and the authorization stays
pending, so the token stays published. Next to it, in the same DocumentRoot
and so the same vhost and keep-alive settings, static/<token>.txt holds the
key authorization (same bytes; mod_mime serves .txt as text/plain). Both URLs
must answer 200 with identical bodies before anything is measured; then wrk
runs against each, interleaved, and the ratio challenge/static is printed.
A third variant, static-close (the static file with "Connection: close", so
one connection per request), is a reference: if the server closes the
connection after each challenge answer, challenge/static-close tells the cost
of the answer itself apart from the cost of reconnecting.

Usage: bench/http01_vs_static.py [SUMMARY_FILE]   (MOD_ACME_SO, BENCH_* env)
"""
import http.client
import sys

import benchlib
from benchlib import subdir
from acme_double import AcmeDouble
from harness import certs, ports
from harness.httpd import Httpd, VHost

HOST = "a.test"
CHALLENGE = "/.well-known/acme-challenge/"
COMPARED = ("Content-Type", "Content-Length")   # must match; the rest is shown


def probe(port, path):
    """(status, body, headers, keep_alive): two GETs on one connection;
    keep_alive tells whether the server kept it open for the second."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        r = conn.getresponse()
        status, body, headers = r.status, r.read(), dict(r.getheaders())
        try:
            conn.request("GET", path, headers={"Host": HOST})
            r2 = conn.getresponse()
            keep_alive = not r.will_close and r2.status == status and r2.read() == body
        except (http.client.HTTPException, OSError):
            keep_alive = False
        return status, body, headers, keep_alive
    finally:
        conn.close()


def verify(port, challenge_path, static_path, expected):
    """Abort unless both answer 200 with the same body (the key authorization)."""
    seen = {}
    for label, path in (("challenge", challenge_path), ("static", static_path)):
        status, body, headers, keep_alive = probe(port, path)
        print(f"  {label:<10} GET {path} -> {status}, {len(body)} bytes, "
              f"keep-alive {'kept' if keep_alive else 'NOT kept'}")
        for name, value in sorted(headers.items()):
            print(f"      {name}: {value}")
        if status != 200 or body != expected:
            sys.exit(f"abort: {label} answered {status} with body {body[:100]!r}, "
                     f"expected 200 and {expected[:100]!r}")
        seen[label] = headers, keep_alive
    (ch, ch_ka), (st, st_ka) = seen["challenge"], seen["static"]
    for name in COMPARED:
        if ch.get(name, "").split(";")[0] != st.get(name, "").split(";")[0]:
            sys.exit(f"abort: {name} differs: challenge {ch.get(name)!r}, static {st.get(name)!r}")
    notes = []
    if ch_ka != st_ka:
        notes.append(f"keep-alive differs: challenge {'kept' if ch_ka else 'closed'}, "
                     f"static {'kept' if st_ka else 'closed'}")
    extra = sorted(set(st) - set(ch)), sorted(set(ch) - set(st))
    notes.append(f"headers only static sends: {', '.join(extra[0]) or '-'}; "
                 f"only challenge sends: {', '.join(extra[1]) or '-'}")
    return notes


def run(so, base):
    so = benchlib.snapshot(so, base)
    listener = certs.make_listener_certs(subdir(base, "listener"))
    http_port, https_port = ports.free_ports(2)
    double = AcmeDouble(listener.cert_file, listener.key_file, listener.root_file,
                        mode="hold").start()
    try:
        httpd = Httpd(subdir(base, "httpd"), http_port, https_port, so, ca=double,
                      vhosts=[VHost.managed(HOST)], log_level="warn")
        httpd.start()
        print(f"httpd on 127.0.0.1:{http_port}, waiting for {HOST}'s token to be published")
        token = double.wait_responded(HOST, timeout=60, alive=httpd.assert_alive)
        expected = double.key_authorization(token).encode()
        static_rel = f"static/{token}.txt"
        httpd.write_file(static_rel, expected.decode())
        challenge_path, static_path = CHALLENGE + token, "/" + static_rel
        print(f"token published; key authorization is {len(expected)} bytes")
        notes = verify(http_port, challenge_path, static_path, expected)
        for n in notes:
            print(f"  note: {n}")

        def bench(path, *headers):
            url = f"http://127.0.0.1:{http_port}{path}"
            return lambda: benchlib.measure(httpd, url, HOST, headers)
        for path in (challenge_path, static_path):   # warm-up, not measured
            benchlib.wrk(f"http://127.0.0.1:{http_port}{path}", HOST, benchlib.WARMUP)
        # static-close: the static file with a new connection per request, a
        # reference for what the challenge path costs beyond connection handling.
        results = benchlib.interleave(("challenge", bench(challenge_path)),
                                      ("static", bench(static_path)),
                                      ("static-close", bench(static_path, "Connection: close")))
        httpd.assert_alive()
        text = benchlib.summarize("http-01 answer vs static file of the same bytes "
                                  f"({len(expected)} B body, Host: {HOST})", results,
                                  [("challenge", "static"), ("challenge", "static-close")], "1.0")
        return text + "".join(f"\n   note: {n}" for n in notes) + "\n"
    finally:
        double.stop()


def main():
    return benchlib.run_main(run, "mod_acme-bench-http01-")


if __name__ == "__main__":
    sys.exit(main())
