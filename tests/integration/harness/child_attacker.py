"""A compromised web application, for tests/integration/test_600_privilege.py.

Run as the child user (www-data) with:
    child_attacker.py STORE CANARY_DIR CANARY_FILE LINKABLE SECONDS MAX_OPS [writer]

Attack mode (default): until SIGTERM, SECONDS or MAX_OPS operations, it
swaps entries under every directory of STORE it can write for symbolic links
to CANARY_DIR / CANARY_FILE and hard links to LINKABLE (a root-owned file
the child user may link: fs.protected_hardlinks allows links only to files
one can read and write), and swaps them back, racing whatever root does
there. Writer mode: it only writes, renames and removes job-like files under
jobs/, as the watchdog does. On exit it prints one JSON line of counts, so
the test can check that the attack happened.
"""
import json
import os
import random
import signal
import sys
import time

CHILD_DIRS = ["accounts", "jobs", "staging", "status", "requests", "ocsp", "keys", "dns01",
              "ari"]
stop = False
counts = {}


def _on_term(signum, frame):
    global stop
    stop = True


def count(kind):
    counts[kind] = counts.get(kind, 0) + 1


def quietly(fn, *args):
    try:
        fn(*args)
        return True
    except OSError:
        return False


def plant(path, make):
    """Put a fresh link at path (replacing what was there, atomically)."""
    tmp = f"{path}.evil{random.randrange(1 << 30)}"
    if quietly(make, tmp) and quietly(os.rename, tmp, path):
        return True
    quietly(os.unlink, tmp)
    return False


def swap_dir(path, canary_dir):
    """A directory becomes a link to canary_dir for a moment, then comes back."""
    aside = f"{path}.aside{random.randrange(1 << 30)}"
    if not quietly(os.rename, path, aside):
        return
    if quietly(os.symlink, canary_dir, path):
        count("dir->symlink")
        time.sleep(random.random() * 0.003)
        quietly(os.unlink, path)
    quietly(os.rename, aside, path)


def swap_file(path, canary_file, linkable):
    """A file becomes a symbolic or hard link for a moment, then comes back."""
    aside = f"{path}.aside{random.randrange(1 << 30)}"
    if not quietly(os.link, path, aside):
        return
    if random.random() < 0.5:
        ok, kind = plant(path, lambda t: os.symlink(canary_file, t)), "file->symlink"
    else:
        ok, kind = plant(path, lambda t: os.link(linkable, t)), "file->hardlink"
    if ok:
        count(kind)
        time.sleep(random.random() * 0.003)
    quietly(os.rename, aside, path)


def own_entries(d, canary_dir, canary_file, linkable):
    """Entries of our own next to the module's: every kind of link, and a
    directory that turns into a link while root might walk it."""
    if plant(os.path.join(d, "evil-hardlink"), lambda t: os.link(linkable, t)):
        count("hardlink")
    if plant(os.path.join(d, "evil-symlink"), lambda t: os.symlink(canary_file, t)):
        count("symlink")
    if plant(os.path.join(d, "evil-dirlink"), lambda t: os.symlink(canary_dir, t)):
        count("dirlink")
    sub = os.path.join(d, "evil-dir")
    quietly(os.unlink, sub)
    if quietly(os.makedirs, os.path.join(sub, "inner"), 0o755):
        for name in ("fullchain.pem", "privkey.pem", "job.json"):
            plant(os.path.join(sub, name), lambda t: os.link(linkable, t))
            plant(os.path.join(sub, "inner", name), lambda t: os.symlink(canary_file, t))
        count("dir")
    swap_dir(sub, canary_dir)


def remove_tree(path):
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            quietly(os.unlink, os.path.join(root, name))
        for name in dirs:
            quietly(os.rmdir, os.path.join(root, name))
    quietly(os.rmdir, path)


def attack_once(store, canary_dir, canary_file, linkable):
    for name in CHILD_DIRS:
        d = os.path.join(store, name)
        try:
            entries = os.listdir(d)
        except OSError:
            continue
        own_entries(d, canary_dir, canary_file, linkable)
        for e in entries:
            path = os.path.join(d, e)
            if "evil" in e or ".aside" in e or os.path.islink(path):
                continue
            if os.path.isdir(path):
                for f in quietly_list(path):
                    if ".aside" not in f and random.random() < 0.3:
                        swap_file(os.path.join(path, f), canary_file, linkable)
                if random.random() < 0.3:
                    swap_dir(path, canary_dir)
            elif random.random() < 0.3:
                swap_file(path, canary_file, linkable)


def quietly_list(path):
    try:
        return [f for f in os.listdir(path) if os.path.isfile(os.path.join(path, f))]
    except OSError:
        return []


def write_once(store, n):
    """What the watchdog does in jobs/: temp file, rename, and a finished job removed."""
    d = os.path.join(store, "jobs", f"writer-{n % 7}")
    quietly(os.makedirs, d, 0o700)
    for i in range(5):
        tmp = os.path.join(d, f"job.json.tmp.{os.getpid()}.{n}{i}")
        try:
            with open(tmp, "w") as f:
                f.write('{"state":"pending"}')
            os.rename(tmp, os.path.join(d, "job.json" if i % 2 else f"step{i}.json"))
            count("write")
        except OSError:
            pass
    if n % 3 == 0:
        remove_tree(d)
        count("remove")


def main():
    store, canary_dir, canary_file, linkable = sys.argv[1:5]
    seconds, max_ops = float(sys.argv[5]), int(sys.argv[6])
    writer = len(sys.argv) > 7 and sys.argv[7] == "writer"
    signal.signal(signal.SIGTERM, _on_term)
    deadline = time.monotonic() + seconds
    n = 0
    while not stop and n < max_ops and time.monotonic() < deadline:
        if writer:
            write_once(store, n)
        else:
            attack_once(store, canary_dir, canary_file, linkable)
        n += 1
        time.sleep(0.002)  # leave the machine to httpd and pebble too
    counts["rounds"] = n
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main()
