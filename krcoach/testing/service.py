"""`krcoach serve` and `krcoach worker` as real processes on loopback, for tests and benchmarks: start, wait
until they answer, kill."""

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
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
SERVE_COMMAND = ("krcoach", "serve")
"""What the Dockerfile's ENTRYPOINT runs; the tests run the same (as `python -m krcoach serve`)."""


@dataclass
class KrcoachProcess:
    """A running `python -m krcoach …` in its own process group, its output in `log_path`."""

    process: subprocess.Popen[bytes]
    log_path: Path

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown handler runs (a crash, as far as it can tell)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def terminate(self, timeout: float = 20) -> int:
        """SIGTERM, as an orchestrator stops a container: graceful shutdown; returns the exit code."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def log(self) -> str:
        """What the process wrote to stderr and stdout so far."""
        return self.log_path.read_text(errors="replace")


@dataclass
class ServiceProcess(KrcoachProcess):
    """A running `krcoach serve`; `base_url` is `http://127.0.0.1:<port>`."""

    base_url: str = ""


class WorkerProcess(KrcoachProcess):
    """A running `krcoach worker`."""


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
    arguments = [*SERVE_COMMAND[1:], "--host", HOST, "--port", str(port), "--workers", str(workers)]
    service = ServiceProcess(_spawn(arguments, env, log_path), log_path, f"http://{HOST}:{port}")
    with _stopped_at_exit(service):
        _wait_until_healthy(service, startup_timeout)
        yield service


@contextmanager
def running_worker(env: Mapping[str, str], log_path: Path) -> Iterator[WorkerProcess]:
    """Start `python -m krcoach worker` with these extra environment variables; stop it (SIGTERM) on exit."""
    worker = WorkerProcess(_spawn(["worker"], env, log_path), log_path)
    with _stopped_at_exit(worker):
        yield worker


def _spawn(arguments: Sequence[str], env: Mapping[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    """`python -m krcoach <arguments>` in a new session (so a kill reaches its children), output to the log."""
    full_env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", **env}
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "krcoach", *arguments],
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def _stopped_at_exit(running: KrcoachProcess) -> Iterator[None]:
    """On exit: SIGTERM if it still runs, SIGKILL when it has not stopped 15 s later."""
    try:
        yield
    finally:
        if running.process.poll() is None:
            try:
                running.terminate(timeout=15)
            except subprocess.TimeoutExpired:
                running.kill()


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
