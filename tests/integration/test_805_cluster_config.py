"""The cluster directives (issue 10 item 1) end to end: `apache2 -t` takes a
good cluster configuration and refuses a bad one naming the directive, the
value and the fix; and httpd with ACMESharedStore starts and serves while no
etcd answers (the parent never talks to etcd).

The etcd endpoint is a free loopback port nothing listens on: neither -t nor
the parent may need it.
"""
import base64
import os
import re
from types import SimpleNamespace

import pytest

from harness import ports
from harness.httpd import VHost


def write_key(h, mode=0o600, name="acme-cluster.key"):
    """A cluster key file as README says to make one, in the ServerRoot."""
    path = os.path.join(h.server_root, name)
    with open(path, "w") as f:
        f.write(base64.b64encode(os.urandom(32)).decode() + "\n")
    os.chmod(path, mode)
    return path


def cluster(h, key_file, **more):
    """The cluster directives of the issue, with an etcd nobody runs."""
    d = {"ACMESharedStore": f"etcd http://127.0.0.1:{ports.free_port()}",
         "ACMESharedStoreKeyFile": key_file}
    d.update(more)
    h.acme_overrides.update(d)
    h.write_config()
    return h


@pytest.fixture
def make(session, httpd_factory):
    """An httpd whose CA sits on a closed port: -t never contacts it."""
    ca = SimpleNamespace(directory_url="https://127.0.0.1:9/dir",
                         ca_file=session.listener.root_file,
                         trust_anchor_file=session.listener.root_file)
    return lambda **kw: httpd_factory(ca, **kw)


def test_805_01_good_cluster_config_passes(make):
    h = make()
    cluster(h, write_key(h), ACMESharedStorePrefix="/mod_acme/test", ACMENodeName="web1")
    rc, out = h.check()
    assert rc == 0 and "Syntax OK" in out, out


def test_805_02_key_file_readable_by_group_refused(make):
    h = make()
    key = write_key(h, mode=0o640)
    cluster(h, key)
    rc, out = h.check()
    assert rc != 0, f"apache2 -t accepted a group-readable key file:\n{out}"
    assert f"ACMESharedStoreKeyFile {key}" in out, out
    assert f"chmod 600 {key}" in out, out
    os.chmod(key, 0o600)
    rc, out = h.check()
    assert rc == 0 and "Syntax OK" in out, out


def test_805_03_node_name_without_shared_store_refused(make):
    h = make(acme={"ACMENodeName": "web1"})
    rc, out = h.check()
    assert rc != 0, f"apache2 -t accepted ACMENodeName alone:\n{out}"
    assert "ACMENodeName 'web1' needs ACMESharedStore etcd URL..." in out, out
    assert "add ACMESharedStore or remove" in out, out


def test_805_04_missing_key_file_and_store_without_key_refused(make):
    h = make()
    missing = os.path.join(h.server_root, "no-such.key")
    cluster(h, missing)
    rc, out = h.check()
    assert rc != 0, out
    assert f"ACMESharedStoreKeyFile {missing}: does not exist" in out, out
    assert f"openssl rand -base64 32 > {missing}" in out, out
    del h.acme_overrides["ACMESharedStoreKeyFile"]
    h.write_config()
    rc, out = h.check()
    assert rc != 0, out
    assert "ACMESharedStore needs ACMESharedStoreKeyFile" in out, out


def test_805_05_tls_with_http_endpoint_refused(make):
    h = make()
    pem = h.ca.ca_file
    cluster(h, write_key(h), ACMESharedStoreTLS=f"{pem} {pem} {pem}")
    rc, out = h.check()
    assert rc != 0, out
    assert re.search(r"ACMESharedStore: 'http://127\.0\.0\.1:\d+'", out) or \
        re.search(r"ACMESharedStore 'http://127\.0\.0\.1:\d+'", out), out
    assert "every member must be an https:// URL" in out, out


def test_805_06_bad_values_name_directive_and_value(make):
    h = make(acme={"ACMESharedStore": "consul http://127.0.0.1:8500"})
    rc, out = h.check()
    assert rc != 0 and "Invalid command" not in out, out
    assert "ACMESharedStore 'consul'" in out and "the only shared store is etcd" in out, out
    h = make(acme={"ACMESharedStorePrefix": "mod_acme"})
    rc, out = h.check()
    assert rc != 0 and "ACMESharedStorePrefix 'mod_acme'" in out, out


def test_805_07_key_file_in_directory_others_can_write_refused(make):
    """The privilege rule: root does not read the key through a directory
    the child user (here: anyone) can write."""
    h = make()
    shared = os.path.join(h.server_root, "shared")
    os.makedirs(shared)
    os.chmod(shared, 0o777)
    key = write_key(h, name="shared/acme-cluster.key")
    cluster(h, key)
    rc, out = h.check()
    assert rc != 0, out
    assert f"ACMESharedStoreKeyFile {key}: the directory {shared}" in out, out
    assert "only root can write" in out, out


def test_805_08_starts_and_serves_with_etcd_down(acme_double, httpd_factory):
    """ACMESharedStore configured, no etcd anywhere: httpd starts, serves its
    sites (the managed one its fallback), and logs the node it is."""
    h = httpd_factory(acme_double, vhosts=[VHost.managed("a.test")])
    cluster(h, write_key(h), ACMENodeName="web1")
    endpoint = h.acme_overrides["ACMESharedStore"].split()[1]
    h.start()
    h.wait_for_log(rf"ACME10220: cluster node 'web1' under /mod_acme on etcd {re.escape(endpoint)};"
                   r" key file \S+ read", timeout=10)
    r = h.http_get("/", "localhost")
    assert r.status == 200 and "mod_acme test" in r.text, r.status
    served = h.served_chain("a.test", verify=False)
    assert served.returncode == 0 and served.leaf.self_issued, served.output
    assert h.https_get("/", "a.test").status == 503
    assert h.is_running()
