"""Offline checks of the deploy side: helm chart, terraform, ansible, Dockerfile and compose.

The tools live in .tools/ of the repository root (scripts/infra-tools.sh installs them). A missing
tool is a failure, never a skip: an infra test that silently skips proves nothing.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS = REPO / ".tools"
CHART = REPO / "helm" / "wastecoach"
INSTALL_HINT = "run `scripts/infra-tools.sh` to install the offline deploy tools into .tools/"

TOOL_PATHS = {
    "helm": TOOLS / "bin" / "helm",
    "kubernetes-validate": TOOLS / "venv" / "bin" / "kubernetes-validate",
    "ansible-playbook": TOOLS / "venv" / "bin" / "ansible-playbook",
    "ansible-lint": TOOLS / "venv" / "bin" / "ansible-lint",
    "tools-python": TOOLS / "venv" / "bin" / "python",
    "checkov": TOOLS / "checkov-venv" / "bin" / "checkov",
}


def tool(name: str) -> str:
    """Path of an installed tool, or a test failure that says how to install it."""
    path = TOOL_PATHS[name]
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"{name} not found at {path.relative_to(REPO)}: {INSTALL_HINT}", pytrace=False)
    return str(path)


def tool_env() -> dict[str, str]:
    env = dict(os.environ)
    # the tools' venv first: ansible-lint runs ansible-playbook and ansible-galaxy from PATH
    env["PATH"] = os.pathsep.join([str(TOOLS / "venv" / "bin"), str(TOOLS / "bin"), env.get("PATH", "")])
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    env.setdefault("ANSIBLE_NOCOLOR", "1")
    env["NO_COLOR"] = "1"
    return env


def run(
    cmd: Sequence[str], *, cwd: Path = REPO, timeout: int = 180, check: bool = True
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        list(cmd), cwd=cwd, env=tool_env(), capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and proc.returncode != 0:
        pytest.fail(
            f"`{' '.join(cmd)}` exited {proc.returncode}\n--- stdout ---\n{proc.stdout[-6000:]}"
            f"\n--- stderr ---\n{proc.stderr[-6000:]}",
            pytrace=False,
        )
    return proc


@dataclass
class Rendered:
    text: str
    docs: list[dict[str, Any]]
    sources: list[str]  # the "# Source:" template of each doc, same order

    def kind(self, kind: str) -> list[dict[str, Any]]:
        return [d for d in self.docs if d["kind"] == kind]

    def get(self, kind: str, name: str) -> dict[str, Any]:
        for d in self.kind(kind):
            if d["metadata"]["name"] == name:
                return d
        raise AssertionError(
            f"no {kind} named {name}; have {[d['metadata']['name'] for d in self.kind(kind)]}"
        )


# What a production install must give the chart-managed Secret (the chart refuses to render without).
PRODUCTION_SECRETS = (
    "--set",
    "secrets.values.WASTECOACH_DATABASE_URL=postgresql+asyncpg://wastecoach@db.internal/wastecoach",
    "--set",
    "secrets.values.WASTECOACH_REDIS_URL=redis://redis.internal:6379/0",
    "--set",
    "secrets.values.WASTECOACH_RABBIT_URL=amqp://wastecoach@rabbitmq.internal:5672/",
    "--set",
    "secrets.values.WASTECOACH_INTERNAL_KEY=test-internal-identity-key-0123456789",
)


def render(*args: str, release: str = "wastecoach", namespace: str = "wastecoach") -> Rendered:
    command = [tool("helm"), "template", release, str(CHART), "--namespace", namespace]
    out = run([*command, *PRODUCTION_SECRETS, *args]).stdout
    docs: list[dict[str, Any]] = []
    sources: list[str] = []
    for chunk in out.split("\n---\n"):
        source = ""
        for line in chunk.splitlines():
            if line.startswith("# Source: "):
                source = line.removeprefix("# Source: ").strip()
                break
        doc = yaml.safe_load(chunk)
        if doc:
            docs.append(doc)
            sources.append(source)
    return Rendered(out, docs, sources)


@pytest.fixture(scope="session")
def values() -> dict[str, Any]:
    return yaml.safe_load((CHART / "values.yaml").read_text())


@pytest.fixture(scope="session")
def rendered() -> Rendered:
    return render()


@pytest.fixture(scope="session")
def rendered_dir(rendered: Rendered, tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("rendered")
    (d / "wastecoach.yaml").write_text(rendered.text)
    return d


def checkov_reports(out: str) -> list[dict[str, Any]]:
    """checkov -o json prints one report object, or a list of them (one per framework)."""
    import json

    data = json.loads(out)
    return data if isinstance(data, list) else [data]


def checkov(target: Sequence[str], framework: str) -> dict[str, Any]:
    """Runs checkov offline on one target (`-d DIR` or `-f FILE`) and returns its single report."""
    proc = run(
        [
            tool("checkov"),
            *target,
            "--framework",
            framework,
            "--skip-download",
            "--output",
            "json",
            "--compact",
        ],
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    (report,) = checkov_reports(proc.stdout)
    return report
