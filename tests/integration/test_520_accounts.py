"""ACME accounts against pebble: external account binding (RFC 8555 §7.3.4),
a changed contact updates the one account (§7.3.2), and `acmectl rollover`
gives the account a new key (§7.3.5) that later orders use.

What pebble holds for an account is read the way a client reads it: a
POST-as-GET to the account URL, signed (ES256) with the key the module
keeps in accounts/<ca-id>/account.key.pem.
"""
import base64
import glob
import json
import os
import re
import ssl
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils

from harness import acmectl

# pebble's example kid-1 key (base64url, 48 bytes).
EAB_KID = "kid-1"
EAB_KEY = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W"


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def eab_pebble(pebble_factory, keys):
    return pebble_factory(config={"externalAccountBindingRequired": True,
                                  "externalAccountMACKeys": keys})


def one_account(h):
    """(account directory, account URL) of the only account in the store."""
    files = h.account_files()
    assert len(files) == 1, f"expected one account.json, found {files}"
    with open(files[0]) as f:
        return os.path.dirname(files[0]), json.load(f)["url"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def account_at_ca(ca, key_pem, account_url):
    """(HTTP status, JSON) of a POST-as-GET to account_url signed with key_pem."""
    context = ssl.create_default_context(cafile=ca.ca_file)
    directory = json.loads(ca.get(ca.directory_url))
    head = urllib.request.Request(directory["newNonce"], method="HEAD")
    with urllib.request.urlopen(head, context=context, timeout=5) as r:
        nonce = r.headers["Replay-Nonce"]
    key = serialization.load_pem_private_key(key_pem, None)
    header = {"alg": "ES256", "kid": account_url, "nonce": nonce, "url": account_url}
    protected = b64u(json.dumps(header).encode())
    r_, s_ = utils.decode_dss_signature(key.sign(f"{protected}.".encode(),
                                                 ec.ECDSA(hashes.SHA256())))
    jws = {"protected": protected, "payload": "",
           "signature": b64u(r_.to_bytes(32, "big") + s_.to_bytes(32, "big"))}
    post = urllib.request.Request(account_url, data=json.dumps(jws).encode(), method="POST",
                                  headers={"Content-Type": "application/jose+json"})
    try:
        with urllib.request.urlopen(post, context=context, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def test_520_01_eab_required_and_configured(pebble_factory, httpd_factory):
    ca = eab_pebble(pebble_factory, {EAB_KID: EAB_KEY})
    h = httpd_factory(ca, acme={"ACMEExternalAccountBinding": f"{EAB_KID} {EAB_KEY}"}).start()
    h.wait_for_cert("a.test")
    one_account(h)
    assert "ACME10022" not in h.error_log_text(), h.log_tail()


def test_520_02_eab_from_file_with_standard_base64(session, pebble_factory, httpd_factory):
    """A JSON file beside the config, its key in standard base64 with '=' padding
    (as some CAs print it); pebble holds the same key in base64url."""
    raw = bytes(range(0xc0, 0xe8))  # 40 bytes: padded, and '+' / '/' in standard base64
    standard = base64.b64encode(raw).decode()
    assert standard.endswith("==") and ("+" in standard or "/" in standard)
    ca = eab_pebble(pebble_factory, {"kid-file": b64u(raw)})
    h = httpd_factory(ca, acme={"ACMEExternalAccountBinding": "eab.json"})
    path = os.path.join(h.server_root, "eab.json")
    with open(path, "w") as f:
        json.dump({"kid": "kid-file", "hmac_key": standard}, f)
    os.chmod(path, 0o600)  # read by the parent (root) at startup only
    h.start()
    h.wait_for_cert("a.test")
    one_account(h)


def test_520_03_eab_required_but_missing(pebble_factory, httpd_factory):
    ca = eab_pebble(pebble_factory, {EAB_KID: EAB_KEY})
    h = httpd_factory(ca).start()
    m = h.wait_for_log(r"ACME10022: [^\n]*externalAccountRequired[^\n]*", timeout=30)
    assert "ACMEExternalAccountBinding KID HMAC-KEY" in m.group(0), m.group(0)
    assert ca.directory_url in m.group(0)
    assert h.account_files() == []


def test_520_04_changed_contact_updates_the_account(pebble, httpd_factory):
    h = httpd_factory(pebble, acme={"ACMEContactEmail": "admin@example.org"}).start()
    h.wait_for_cert("a.test")
    account_dir, url = one_account(h)
    key = read(os.path.join(account_dir, "account.key.pem"))
    status, account = account_at_ca(pebble, key, url)
    assert status == 200 and account["contact"] == ["mailto:admin@example.org"], account
    h.stop()

    h.acme_overrides["ACMEContactEmail"] = "hostmaster@example.org"
    offset = len(h.error_log_text())
    h.start()
    m = h.wait_for_log(r"ACME10120: [^\n]*", after=offset)
    assert "contact changed from mailto:admin@example.org to mailto:hostmaster@example.org" \
        in m.group(0), m.group(0)
    assert one_account(h) == (account_dir, url), "a second account was registered"
    assert "ACME10010" not in h.error_log_text()[offset:], "a new account was registered"
    status, account = account_at_ca(pebble, key, url)
    assert status == 200 and account["contact"] == ["mailto:hostmaster@example.org"], account
    with open(os.path.join(account_dir, "account.json")) as f:
        assert json.load(f)["contact"] == ["mailto:hostmaster@example.org"]


def test_520_05_rollover(pebble, httpd_factory):
    h = httpd_factory(pebble).start()
    served = h.wait_for_cert("a.test")
    account_dir, url = one_account(h)
    key_file = os.path.join(account_dir, "account.key.pem")
    old_key = read(key_file)
    offset = len(h.error_log_text())

    r = acmectl.run("--store", h.store_dir, "rollover")
    assert r.returncode == 0, r
    assert "ACME10121" in r.stdout, r
    m = h.wait_for_log(r"ACME10121: [^\n]*", after=offset, timeout=30)
    assert "account key rolled over" in m.group(0) and url in m.group(0), m.group(0)
    new_key = read(key_file)
    assert new_key != old_key
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    assert not glob.glob(key_file + ".*"), "a .new or .old key was left behind"
    assert not os.path.exists(h.store_path("requests", "_account-rollover.json"))
    assert account_at_ca(pebble, new_key, url)[0] == 200
    assert account_at_ca(pebble, old_key, url)[0] != 200, "pebble still accepts the old key"

    # A later order signs with the new key, for the same account.
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    renewed = h.wait_for_cert("a.test", timeout=40, not_serial=served.leaf.serial)
    assert renewed.leaf.serial != served.leaf.serial
    assert one_account(h) == (account_dir, url)
    assert read(key_file) == new_key
    assert not re.search(r"ACME10010|ACME10022", h.error_log_text()[offset:]), h.log_tail()


def test_520_06_other_ca_url_other_account(pebble, pebble_factory, httpd_factory):
    """A changed ACMECertificateAuthority registers at the new CA in an
    accounts/ directory of its own; the first CA's account stays as it was."""
    h = httpd_factory(pebble).start()
    served = h.wait_for_cert("a.test")
    first_dir, first_url = one_account(h)
    h.stop()
    other = pebble_factory()
    assert other.directory_url != pebble.directory_url
    h.ca = other
    offset = len(h.error_log_text())
    h.start()
    r = acmectl.run("--store", h.store_dir, "renew", "a.test")
    assert r.returncode == 0, r
    h.wait_for_cert("a.test", timeout=40, not_serial=served.leaf.serial)
    h.wait_for_log(r"ACME10010: ACME account \S+ ready at " + re.escape(other.directory_url),
                   after=offset)
    files = h.account_files()
    assert len(files) == 2, files
    dirs = {os.path.dirname(f) for f in files}
    assert first_dir in dirs
    with open(os.path.join(first_dir, "account.json")) as f:
        assert json.load(f)["url"] == first_url
