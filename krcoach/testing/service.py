"""`krcoach serve` as a real process on loopback, for tests and benchmarks: start, wait until it answers, kill."""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
SERVE_COMMAND = ("krcoach", "serve")
"""What the Dockerfile's ENTRYPOINT runs; the tests run the same (as `python -m krcoach serve`)."""


@dataclass
class ServiceProcess:
    """A running `krcoach serve`; `base_url` is `http://127.0.0.1:<port>`."""

    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler runs (a crash, as far as the service can tell)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM, as an orchestrator stops a container: graceful shutdown; returns the exit code."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        """What the service wrote to stderr and stdout so far."""
        return self.log_path.read_text(errors="replace")


def free_port() -> int:
    """A port on loopback that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_service(
    env: Mapping[str, str], log_path: Path, *, port: int | None = None, workers: int = 1, startup_timeout: float = 30
) -> Iterator[ServiceProcess]:
    """Start `python -m krcoach serve` with these extra environment variables; stop it (SIGTERM) on exit."""
    port = port or free_port()
    command = [sys.executable, "-m", *SERVE_COMMAND, "--host", HOST, "--port", str(port), "--workers", str(workers)]
    full_env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", **env}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    service = ServiceProcess(process, f"http://{HOST}:{port}", log_path)
    try:
        _wait_until_healthy(service, startup_timeout)
        yield service
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                service.kill()


def _wait_until_healthy(service: ServiceProcess, timeout: float) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    while True:
        if service.process.poll() is not None:
            raise RuntimeError(f"krcoach serve exited with {service.process.returncode}\n{service.log()[-3000:]}")
        with (
            contextlib.suppress(OSError, http.client.HTTPException),
            opener.open(f"{service.base_url}/healthz", timeout=1) as response,
        ):
            if response.status == 200:
                return
        if time.monotonic() > deadline:
            raise TimeoutError(f"krcoach serve not healthy within {timeout:g} s\n{service.log()[-3000:]}")
        time.sleep(0.1)


@dataclass
class WorkerProcess:
    """A running `krcoach worker`."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL: the worker dies with its tasks in flight."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log(self) -> str:
        """What the worker wrote so far."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_worker(env: Mapping[str, str], log_path: Path) -> Iterator[WorkerProcess]:
    """Start `python -m krcoach worker` with these extra environment variables; stop it (SIGTERM) on exit."""
    full_env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", **env}
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "krcoach", "worker"],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    worker = WorkerProcess(process, log_path)
    try:
        yield worker
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
