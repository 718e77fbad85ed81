"""The deployment files (deploy/): valid, and running the same commands the tests run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
YAMLLINT = (
    "{extends: default, rules: {line-length: {max: 120}, document-start: disable, braces: {max-spaces-inside: 1}}}"
)


def test_the_compose_file_is_valid_against_the_compose_specification() -> None:
    checked = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", "vendor.compose-spec", DEPLOY / "compose.yaml"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_deployment_files_pass_yamllint() -> None:
    linted = subprocess.run(
        [BIN / "yamllint", "-d", YAMLLINT, DEPLOY / "compose.yaml", DEPLOY / "kubernetes.yaml"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout


def test_compose_runs_api_replicas_and_workers_on_one_redis() -> None:
    compose: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert services["worker"]["entrypoint"] == ["krcoach", "worker"]
    assert "entrypoint" not in services["api"]  # the image's own: `krcoach serve`
    for name in ("api", "worker"):
        assert services[name]["environment"]["KRCOACH_REDIS_URL"] == "redis://redis:6379/0"
        assert services[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    assert services["worker"]["deploy"]["replicas"] >= 2 and services["api"]["deploy"]["replicas"] >= 2


def test_the_kubernetes_sketch_runs_the_same_commands_with_one_configuration() -> None:
    documents = [doc for doc in yaml.safe_load_all((DEPLOY / "kubernetes.yaml").read_text()) if doc]
    by_name = {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}

    assert {doc["kind"] for doc in documents} == {"ConfigMap", "Deployment", "Service"}
    worker = by_name["Deployment", "krcoach-worker"]["spec"]["template"]["spec"]["containers"][0]
    api = by_name["Deployment", "krcoach-api"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["command"] == ["krcoach", "worker"]
    assert "command" not in api  # the image's ENTRYPOINT: `krcoach serve`
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert by_name["ConfigMap", "krcoach"]["data"]["KRCOACH_REDIS_URL"] == "redis://krcoach-redis:6379/0"
    for container in (worker, api):
        assert {"configMapRef": {"name": "krcoach"}} in container["envFrom"]
