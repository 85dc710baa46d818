"""The status a monitoring system and a person see: `SetHandler acme-status`
(JSON with ?json, an HTML page, rendered here by headless Chromium) and
mod_status's server-status?auto (one ACMECertificate: line per
certificate); for a certificate that is served and for one whose CA refuses
every order.

One httpd manages a.test with pebble (module scope). The failing case runs
on ports of its own beside it, with the ACME test double in "reject" mode
(newOrder -> 429 rateLimited).
"""
import datetime
import json
import re
import time

import pytest

from harness import acmectl, browser
from harness.httpd import VHost, on_own_ports

STATUS_LOCATIONS = """
    <Location /acme-status>
        SetHandler acme-status
        Require all granted
    </Location>
    <Location /server-status>
        SetHandler server-status
        Require all granted
    </Location>
"""
CERT_FIELDS = {"name", "names", "key_type", "state", "serial", "not_before", "not_after",
               "days_left", "next_renewal", "last_error", "failures", "ocsp_status", "updated"}


def rfc3339(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def valid(session, pebble):
    """(httpd, ServedChain): a.test issued by pebble and served."""
    h = session.new_httpd(pebble, http_extra=STATUS_LOCATIONS)
    try:
        h.start()
        yield h, h.wait_for_cert("a.test")
    finally:
        session.release(h)


def status_doc(h):
    r = h.http_get("/acme-status?json", "localhost")
    assert r.status == 200, (r.status, r.text)
    assert r.header("Content-Type", "").startswith("application/json"), r.header("Content-Type")
    return json.loads(r.body)


def wait_for_state(h, name, state, timeout=20, pred=lambda c: True):
    """Poll /acme-status?json until name's entry is in state (and pred holds)."""
    deadline = time.monotonic() + timeout
    while True:
        doc = status_doc(h)
        entry = next((c for c in doc["certificates"] if c.get("name") == name), None)
        if entry is not None and entry.get("state") == state and pred(entry):
            return doc, entry
        h.assert_alive()
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} not {state} after {timeout}s: {json.dumps(doc)}")
        time.sleep(0.25)


def test_430_01_json_for_a_valid_certificate(valid):
    h, served = valid
    doc, c = wait_for_state(h, "a.test", "valid",
                            pred=lambda c: c.get("serial") and
                            int(c["serial"], 16) == served.leaf.serial)
    assert {"version", "now", "certificates"} <= set(doc), doc
    assert CERT_FIELDS <= set(c), f"missing {CERT_FIELDS - set(c)} in {c}"
    assert sorted(c["names"]) == ["a.test", "www.a.test"]
    assert c["key_type"] == "p256"
    assert rfc3339(c["not_after"]) == served.leaf.not_after.replace(microsecond=0)
    assert rfc3339(c["not_before"]) == served.leaf.not_before.replace(microsecond=0)
    now = rfc3339(doc["now"])
    assert abs(now - datetime.datetime.now(datetime.timezone.utc)).total_seconds() < 60
    assert c["days_left"] > 0
    assert c["days_left"] == (served.leaf.not_after - now).days, (c["days_left"], now)
    assert now < rfc3339(c["next_renewal"]) < served.leaf.not_after
    assert c["state"] == "valid" and c["last_error"] == "" and c["failures"] == 0, c
    # Accept: application/json gives the same document.
    r = h.http_get("/acme-status", "localhost", headers={"Accept": "application/json"})
    assert r.status == 200 and json.loads(r.body)["certificates"][0]["name"] == "a.test"


def test_430_05_acmectl_status_json_is_the_same_document(valid):
    """Issue 9 item 3: one status schema. `acmectl status --json` prints the
    document /acme-status?json serves, field for field (only "now", and so
    perhaps days_left across a day boundary, may differ between the two
    reads)."""
    h, served = valid
    wait_for_state(h, "a.test", "valid")
    page = status_doc(h)
    r = acmectl.run("--store", h.store_dir, "status", "--json")
    assert r.returncode == 0, r
    cli = json.loads(r.stdout)
    assert rfc3339(cli.pop("now")) and rfc3339(page.pop("now"))
    assert [c["name"] for c in cli["certificates"]] == [c["name"] for c in page["certificates"]]
    for a, b in zip(cli["certificates"], page["certificates"]):
        assert abs(a.pop("days_left") - b.pop("days_left")) <= 1, (a, b)
    assert cli == page, (cli, page)


def test_430_02_html_page_in_a_browser(valid):
    h, served = valid
    wait_for_state(h, "a.test", "valid")
    dom = browser.dump_dom(f"http://127.0.0.1:{h.http_port}/acme-status")
    text = browser.page_text(dom)
    rows = [r for r in browser.table_rows(dom) if r and r[0] == "a.test"]
    assert len(rows) == 1, f"no table row for a.test:\n{text}"
    row = rows[0]
    assert "valid" in row, row
    expiry = served.leaf.not_after.strftime("%Y-%m-%d")
    assert any(expiry in cell for cell in row), f"expiry {expiry} not in {row}"
    assert "www.a.test" in " ".join(row)


def test_430_03_server_status_auto(valid):
    h, served = valid
    wait_for_state(h, "a.test", "valid")
    r = h.http_get("/server-status?auto", "localhost")
    assert r.status == 200, r.status
    m = re.search(r"^ACMECertificate: a\.test state=(\S+) days_left=(-?\d+)$", r.text, re.M)
    assert m, r.text
    days = (served.leaf.not_after - datetime.datetime.now(datetime.timezone.utc)).days
    assert m.group(1) == "valid" and abs(int(m.group(2)) - days) <= 1, m.group(0)


def test_430_04_error_state(session, valid):
    double = session.new_double("reject")
    h = on_own_ports(session, double, vhosts=[VHost.managed("a.test")],
                     http_extra=STATUS_LOCATIONS)
    try:
        h.start()
        doc, c = wait_for_state(h, "a.test", "error", timeout=30)
        assert c["failures"] >= 1, c
        # The cause, as the CA put it: the problem type and its detail.
        assert "rateLimited" in c["last_error"], c
        assert "too many certificates" in c["last_error"], c
        assert c["serial"] == "" and "days_left" not in c, c
        r = h.http_get("/server-status?auto", "localhost")
        assert re.search(r"^ACMECertificate: a\.test state=error$", r.text, re.M), r.text
        assert "days_left=-" not in r.text, r.text  # no certificate yet: no day count
        dom = browser.dump_dom(f"http://127.0.0.1:{h.http_port}/acme-status")
        row = next(r for r in browser.table_rows(dom) if r and r[0] == "a.test")
        assert "error" in row and any("too many certificates" in cell for cell in row), row
    finally:
        session.release(h)
        double.stop()
