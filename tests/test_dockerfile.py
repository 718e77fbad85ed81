"""The container image: linted (hadolint), non-root, and started with the same command the tests start."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
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


def test_the_package_the_image_installs_carries_the_web_page_and_the_data(tmp_path: Path) -> None:
    root = DOCKERFILE.parent
    build = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(tmp_path)]
    subprocess.run([*build, str(root)], check=True, capture_output=True, timeout=300)
    (wheel,) = tmp_path.glob("krcoach-*.whl")

    packaged = set(zipfile.ZipFile(wheel).namelist())

    needed = [
        path.relative_to(root).as_posix()
        for folder in ("krcoach/web/static", "krcoach/data", "krcoach/templates")
        for path in (root / folder).rglob("*")
        if path.is_file() and path.suffix != ".md"  # notes for maintainers, not read at run time
    ]
    assert needed
    assert sorted(set(needed) - packaged) == []
