"""A real `redis-server` on loopback for tests and benchmarks (Debian's package; nothing saved to disk)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from krcoach.testing.service import free_port

REDIS_SERVER = "redis-server"


def is_available() -> bool:
    """True when `redis-server` is on the PATH."""
    return shutil.which(REDIS_SERVER) is not None


@contextmanager
def running_redis(folder: Path, *, startup_timeout: float = 10) -> Iterator[str]:
    """Start `redis-server` on a free loopback port (in-memory only); yields its URL; stops it at the end."""
    port = free_port()
    command = [
        REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(folder), "--logfile", str(folder / "redis.log"),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port, process, startup_timeout)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"redis-server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"redis-server did not answer on port {port} within {timeout:g} s")
