"""Free TCP ports on 127.0.0.1.

The kernel picks them (bind to port 0); all sockets of one call stay open
until every port is chosen, so the ports of one call are distinct.
"""
import socket
import time

HOST = "127.0.0.1"


def free_ports(count):
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
