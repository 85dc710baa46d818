"""Processes the harness starts, and how it ends them: by pid, never by name.

Every process is started in its own session (so its pid is also its process
group id) and recorded here; stop() ends it and everything it left behind:
its descendants (found through /proc before it dies) and any member of its
process group. An atexit hook stops whatever a failed test run left running,
and each process gets SIGTERM from the kernel if the test runner dies, even
by SIGKILL (setpriv --pdeathsig; httpd then stops its own children).
"""
import atexit
import os
import shutil
import signal
import subprocess
import time

_running = {}  # pid -> Popen
_SETPRIV = shutil.which("setpriv")  # util-linux; exec()s the command, same pid


def _stat(pid):
    """(ppid, pgrp, starttime) of pid from /proc, or None if gone or a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    # fields[0] is field 3 (state) of proc(5); ppid is 4, pgrp 5, starttime 22.
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[2]), int(fields[19])


def real_uid(pid):
    """Real uid of pid from /proc, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("Uid:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _all_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def children(pid):
    """Direct children of pid."""
    return [p for p in _all_pids() if (_stat(p) or (None,))[0] == pid]


def descendants(pid):
    """All descendants of pid as {pid: starttime}."""
    table = {p: s for p in _all_pids() if (s := _stat(p)) is not None}
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for p, (ppid, _, start) in table.items():
            if ppid == parent and p not in found:
                found[p] = start
                todo.append(p)
    return found


def group_members(pgid):
    return {p: s[2] for p in _all_pids() if (s := _stat(p)) is not None and s[1] == pgid}


def start(argv, log_path, env=None, cwd=None):
    """Start argv in its own session, stdout+stderr appended to log_path."""
    if _SETPRIV:
        argv = [_SETPRIV, "--pdeathsig", "TERM", "--", *argv]
    log = open(log_path, "ab")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, cwd=cwd,
                                start_new_session=True)
    finally:
        log.close()
    _running[proc.pid] = proc
    return proc


def _kill_if_same(pid, starttime, sig=signal.SIGKILL):
    """Signal pid only if it is still the process we saw (no pid reuse)."""
    st = _stat(pid)
    if st is not None and st[2] == starttime:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


def alive_as(pid, starttime):
    """True while pid is the process seen with starttime (not a zombie)."""
    st = _stat(pid)
    return st is not None and st[2] == starttime


def stop(proc, timeout=10.0, sig=signal.SIGTERM):
    """End proc (sig, then SIGKILL after timeout) and everything it left behind."""
    if proc is None:
        return
    left = descendants(proc.pid)
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            left.update(descendants(proc.pid))
            proc.kill()
            proc.wait()
    # Orphans were re-parented away from proc: use the list taken while it lived,
    # plus anything still in its process group (pgid == its pid: own session).
    left.update(group_members(proc.pid))
    for pid, starttime in left.items():
        _kill_if_same(pid, starttime)
    deadline = time.monotonic() + 5
    # One look per pid: a process that ends between two looks is no error.
    while any(alive_as(p, s) for p, s in left.items()):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)
    _running.pop(proc.pid, None)


@atexit.register
def stop_all():
    for proc in list(_running.values()):
        stop(proc, timeout=3)
