"""The container image: linted (hadolint), non-root, and started with the same command the tests start."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from krcoach.testing.service import SERVE_COMMAND

DOCKERFILE = Path(__file__).parent.parent / "Dockerfile"


def instruction(name: str) -> str:
    lines = re.findall(rf"^{name}\s+(.+?)$", DOCKERFILE.read_text(), flags=re.MULTILINE)
    assert lines, f"no {name} in the Dockerfile"
    return str(lines[-1])


def test_the_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")

    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_the_command_the_tests_run_as_a_non_root_user() -> None:
    assert json.loads(instruction("ENTRYPOINT")) == list(SERVE_COMMAND)
    assert instruction("USER").split(":")[0] not in {"0", "root"}


def test_the_healthcheck_asks_healthz_on_the_exposed_port() -> None:
    port = instruction("EXPOSE")
    assert f"127.0.0.1:{port}/healthz" in DOCKERFILE.read_text()
