"""Dockerfile and docker-compose.yml: one image, the same commands as the chart. No docker engine needed."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from .conftest import CHART, REPO, checkov

BACKING = {"postgres", "redis", "rabbitmq", "minio"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def chart_components() -> dict[str, Any]:
    return yaml.safe_load((CHART / "values.yaml").read_text())["components"]


def app_services(compose: dict[str, Any]) -> dict[str, Any]:
    image = compose["services"]["edge"]["image"]
    return {n: s for n, s in compose["services"].items() if s.get("image") == image}


def test_every_component_uses_the_same_image_and_wastecoach(compose: dict[str, Any]) -> None:
    apps = app_services(compose)
    assert len(apps) >= 12
    for name, svc in apps.items():
        argv = [*svc["entrypoint"], *svc["command"]]
        assert argv[0] == "wastecoach", name
        assert svc["read_only"] is True and svc["user"] == "10001:10001", name
        assert "/tmp" in svc["tmpfs"], name
        assert svc["build"]["context"] == ".", name


def test_compose_components_equal_the_chart(
    compose: dict[str, Any], chart_components: dict[str, Any]
) -> None:
    apps = app_services(compose)
    components = {n: s for n, s in apps.items() if n != "migrate"}
    assert set(components) == set(chart_components)
    for name, svc in components.items():
        assert svc["command"] == chart_components[name]["args"], name
        assert svc["environment"]["OTEL_SERVICE_NAME"] == f"wastecoach-{name}"


def test_migrate_runs_once_before_everything(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name, svc in app_services(compose).items():
        if name != "migrate":
            assert svc["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name


def test_backing_services_have_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert BACKING <= set(services)
    assert "management" in services["rabbitmq"]["image"]
    for name in BACKING:
        assert services[name]["healthcheck"]["test"], name
    env = services["edge"]["environment"]
    assert env["WASTECOACH_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert env["WASTECOACH_S3_ENDPOINT_URL"] == "http://minio:9000"
    for svc, port in {
        "auth": 50051,
        "users": 50052,
        "waste": 50053,
        "coach": 50054,
        "locations": 50055,
    }.items():
        assert env[f"WASTECOACH_{svc.upper()}_ADDR"] == f"{svc}:{port}"


def test_dockerfile_is_multi_stage_non_root_one_entrypoint() -> None:
    text = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    assert len(stages) >= 2, "multi-stage build expected"
    assert all(image == "python:3.11-slim" for image, _ in stages), stages
    assert re.search(r"^USER 10001:10001$", text, re.M)
    assert re.search(r'^ENTRYPOINT \["wastecoach"\]$', text, re.M)
    assert "COPY --from=build /opt/venv /opt/venv" in text
    runtime = text[text.rindex("FROM ") :]
    assert "pip install" not in runtime, "the runtime stage must not build anything"


def test_dockerignore_keeps_the_context_small() -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for entry in (".git", ".tools/", ".venv/", "tests/", "helm/", "terraform/", "ansible/", "node_modules/"):
        assert entry in ignored, entry
    assert "README.md" not in ignored and "pyproject.toml" not in ignored


def test_infra_tools_script_pins_versions() -> None:
    text = (REPO / "scripts" / "infra-tools.sh").read_text()
    for var in (
        "HELM_LAYER_VERSION",
        "KUBERNETES_VALIDATE_VERSION",
        "PYTHON_HCL2_VERSION",
        "ANSIBLE_VERSION",
        "ANSIBLE_LINT_VERSION",
        "CHECKOV_VERSION",
    ):
        assert re.search(rf'^{var}="\d+\.\d+\.\d+"', text, re.M), var


def test_checkov_dockerfile() -> None:
    report = checkov(["-f", str(REPO / "Dockerfile")], "dockerfile")
    failed = [(c["check_id"], c["check_name"]) for c in report["results"]["failed_checks"]]
    assert not failed, failed
    assert report["summary"]["passed"] > 50


def test_observability_profile_uses_the_chart_dashboards(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("tempo", "prometheus", "grafana"):
        assert services[name]["profiles"] == ["observability"], name
    mounts = {m.split(":")[1]: m.split(":")[0] for m in services["grafana"]["volumes"]}
    assert mounts["/var/lib/grafana/dashboards/wastecoach"] == "./helm/wastecoach/dashboards"
    for host_path in mounts.values():
        assert (REPO / host_path).exists(), host_path
    ds = yaml.safe_load((REPO / "deploy/compose/grafana/datasources.yaml").read_text())
    assert {d["uid"] for d in ds["datasources"]} == {"wastecoach-prometheus", "wastecoach-tempo"}
    assert "--enable-feature=exemplar-storage" in services["prometheus"]["command"]
    prom = yaml.safe_load((REPO / "deploy/compose/prometheus.yml").read_text())
    (job,) = [j for j in prom["scrape_configs"] if j["job_name"] == "wastecoach"]
    targets = {t.split(":")[0] for t in job["static_configs"][0]["targets"]}
    components = {n for n, s in app_services(compose).items() if n != "migrate"}
    assert targets == components
