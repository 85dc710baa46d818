"""Free TCP ports on 127.0.0.1 (and on other loopback addresses, when asked).

Alone, the kernel picks them (bind to port 0); all sockets of one call stay
open until every port is chosen, so the ports of one call are distinct.

Under pytest-xdist each worker (PYTEST_XDIST_WORKER=gwN) takes its ports
from a block of its own below the kernel's ephemeral range (20000 + 1000 N,
1000 ports, from a random start, in turn), free for TCP and UDP when picked:
a port one worker picked and closed is never the next pick of another before
its server binds it.
"""
import itertools
import os
import random
import socket
import time

HOST = "127.0.0.1"
BLOCK_BASE, BLOCK_SIZE, BLOCKS = 20000, 1000, 12


def _worker_block():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return None
    lo = BLOCK_BASE + int(worker[2:]) % BLOCKS * BLOCK_SIZE
    start = random.randrange(BLOCK_SIZE)
    return itertools.cycle([lo + (start + i) % BLOCK_SIZE for i in range(BLOCK_SIZE)])


_BLOCK = _worker_block()


def _bindable(port, hosts=(HOST,)):
    for host in hosts:
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            with socket.socket(socket.AF_INET, kind) as s:
                try:
                    s.bind((host, port))
                except OSError:
                    return False
    return True


def _from_block(count, hosts):
    picked = []
    for port in itertools.islice(_BLOCK, BLOCK_SIZE):  # at most one round
        if _bindable(port, hosts):
            picked.append(port)
            if len(picked) == count:
                return picked
    raise RuntimeError(f"fewer than {count} free ports in this worker's block "
                       f"({os.environ.get('PYTEST_XDIST_WORKER')})")


def free_ports(count, hosts=(HOST,)):
    """count distinct ports free on every address of hosts (loopback
    addresses: the cluster tests' nodes listen on 127.0.0.2-4 too)."""
    if _BLOCK is not None:
        return _from_block(count, hosts)
    for _ in range(100):
        picked = _kernel_ports(count)
        if all(_bindable(p, hosts) for p in picked):
            return picked
    raise RuntimeError(f"no {count} ports free on all of {hosts} in 100 tries")


def _kernel_ports(count):
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((HOST, 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port():
    return free_ports(1)[0]


def is_listening(port, host=HOST):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_closed(port, timeout=10.0, host=HOST):
    """Wait until nothing accepts on port (a stopped server let go of it)."""
    deadline = time.monotonic() + timeout
    while is_listening(port, host):
        if time.monotonic() > deadline:
            raise TimeoutError(f"port {host}:{port} still accepts after {timeout}s"
                               " (another httpd of this session still running?)")
        time.sleep(0.1)
