"""Canaries for the tests that play the attacker (test_600, test_806): what
root must never write through a link the child user planted. A snapshot
records every entry under a directory; two snapshots that differ name what
was written."""
import hashlib
import os


def snapshot(top):
    """Every entry under top: owner, group, mode, mtime and content hash."""
    snap = {}
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(root, name)
            st = os.lstat(path)
            digest = None
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            snap[os.path.relpath(path, top)] = (st.st_uid, st.st_gid, oct(st.st_mode),
                                                st.st_mtime_ns, digest)
    return snap


def changes(before, after):
    """What differs between two snapshots: {path: (before, after)}."""
    return {p: (before.get(p), after.get(p)) for p in set(before) | set(after)
            if before.get(p) != after.get(p)}
