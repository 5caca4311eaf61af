"""GitOps, offline: the Argo CD Applications and what Argo CD would render from them.

Each environment's Application is schema-checked (Argo CD's CRD schema, npm @kubernetes-models/argo-cd),
its chart is rendered as Argo CD renders it (`helm template` with the Application's release name,
namespace and value files, at the cluster's Kubernetes version), the built-in kinds are validated with
kubernetes-validate and the custom resources (KEDA) against their CRD schemas; then the sync order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import REPO, TOOLS, Rendered, render, run, tool

ARGOCD = REPO / "deploy" / "argocd"
ENVIRONMENTS = ("staging", "prod")
CUSTOM_GROUPS = ("argoproj.io/", "keda.sh/", "monitoring.coreos.com/")


def validate_custom(docs: list[dict[str, Any]]) -> None:
    """Argo CD and KEDA resources against the schemas generated from their CRDs (node + npm models)."""
    models = TOOLS / "kube-models"
    if not (models / "node_modules" / "@kubernetes-models" / "keda").is_dir():
        pytest.fail("Argo CD/KEDA schemas missing: run `scripts/infra-tools.sh`", pytrace=False)
    import subprocess

    proc = subprocess.run(
        ["node", str(Path(__file__).with_name("validate_crs.mjs")), str(models)],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def application(env: str) -> dict[str, Any]:
    return yaml.safe_load((ARGOCD / f"{env}.yaml").read_text())


def kube_version(env: str) -> str:
    group_vars = REPO / "ansible" / "inventories" / env / "group_vars" / "all.yml"
    return yaml.safe_load(group_vars.read_text())["kubernetes_version"]


def render_as_argocd(env: str) -> Rendered:
    app = application(env)
    source = app["spec"]["source"]
    chart = REPO / source["path"]
    args = ["--kube-version", kube_version(env)]
    for values in source["helm"].get("valueFiles", []):
        args += ["-f", str((chart / values).resolve())]
    return render(
        *args, release=source["helm"]["releaseName"], namespace=app["spec"]["destination"]["namespace"]
    )


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def argocd_render(request: pytest.FixtureRequest) -> tuple[str, Rendered]:
    return request.param, render_as_argocd(request.param)


def test_applications_and_project_match_argo_cds_schema() -> None:
    docs = [yaml.safe_load((ARGOCD / "project.yaml").read_text())]
    docs += [application(env) for env in ENVIRONMENTS]
    validate_custom(docs)


def test_the_schema_check_rejects_a_broken_application() -> None:
    broken = application("prod")
    broken["spec"]["syncPolicy"]["retry"]["limit"] = "five"
    with pytest.raises(AssertionError, match="limit"):
        validate_custom([broken])


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_one_application_per_environment_from_this_repository(env: str) -> None:
    app = application(env)
    project = yaml.safe_load((ARGOCD / "project.yaml").read_text())
    spec = app["spec"]
    assert app["metadata"]["name"] == f"wastecoach-{env}" and spec["project"] == project["metadata"]["name"]
    assert spec["source"]["repoURL"] in project["spec"]["sourceRepos"]
    dest = spec["destination"]
    assert {"server": dest["server"], "namespace": dest["namespace"]} in project["spec"]["destinations"]
    chart = REPO / spec["source"]["path"]
    assert (chart / "Chart.yaml").is_file()
    for values in spec["source"]["helm"]["valueFiles"]:
        path = (chart / values).resolve()
        assert path.is_file() and REPO in path.parents, values  # Argo CD refuses files outside the repo
        assert path == REPO / "deploy" / "environments" / env / "values.yaml"
    assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
    assert "CreateNamespace=true" in spec["syncPolicy"]["syncOptions"]
    labels = spec["syncPolicy"]["managedNamespaceMetadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_what_argo_cd_renders_validates(argocd_render: tuple[str, Rendered], tmp_path: Path) -> None:
    env, r = argocd_render
    builtin = [d for d in r.docs if not d["apiVersion"].startswith(CUSTOM_GROUPS)]
    custom = [d for d in r.docs if d["apiVersion"].startswith(CUSTOM_GROUPS)]
    manifest = tmp_path / f"{env}.yaml"
    manifest.write_text(yaml.safe_dump_all(builtin))
    proc = run([tool("kubernetes-validate"), "-k", "1.30.0", "--strict", "--quiet", str(manifest)])
    assert "ERROR" not in proc.stdout + proc.stderr
    if custom:
        validate_custom(custom)
    # GitOps never carries secret values: the Secret is the operator's (existingSecret)
    assert not r.kind("Secret")


def _wave(doc: dict[str, Any]) -> int:
    return int(doc["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-wave", "0"))


def test_migrations_run_before_the_services(argocd_render: tuple[str, Rendered]) -> None:
    _, r = argocd_render
    hooks = [d for d in r.docs if "argocd.argoproj.io/hook" in d["metadata"].get("annotations", {})]
    (job,) = [d for d in hooks if d["kind"] == "Job"]
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == ["migrate"]
    # PreSync: the whole phase completes before any wave of the sync phase is applied
    for hook in hooks:
        ann = hook["metadata"]["annotations"]
        assert ann["argocd.argoproj.io/hook"] == "PreSync", hook["metadata"]["name"]
        assert "HookSucceeded" in ann["argocd.argoproj.io/hook-delete-policy"]
        if hook is not job:
            assert _wave(hook) < _wave(job), "the Job's ServiceAccount comes first"
    synced = [d for d in r.docs if d not in hooks]
    workloads = max(_wave(d) for d in synced if d["kind"] == "Deployment")
    for d in synced:
        kind = d["kind"]
        settings = kind == "ConfigMap" and d["metadata"]["name"].endswith("-config")
        if settings or kind in ("Secret", "ServiceAccount", "NetworkPolicy", "TriggerAuthentication"):
            assert _wave(d) < workloads, (kind, d["metadata"]["name"])
        if kind in ("HorizontalPodAutoscaler", "ScaledObject", "PodDisruptionBudget", "Ingress"):
            assert _wave(d) > workloads, (kind, d["metadata"]["name"])


def test_staging_scales_consumers_with_keda_and_prod_with_the_hpa() -> None:
    staging, prod = render_as_argocd("staging"), render_as_argocd("prod")
    assert {d["metadata"]["name"] for d in staging.kind("ScaledObject")} == {
        f"wastecoach-consumer-q-{q}" for q in ("ai", "api", "sched", "batch")
    }
    assert not prod.kind("ScaledObject") and len(prod.kind("HorizontalPodAutoscaler")) == 10


def test_ansible_installs_argo_cd_and_applies_the_environments_application() -> None:
    plays = yaml.safe_load((REPO / "ansible" / "site.yml").read_text())
    roles = [r["role"] for play in plays for r in play["roles"]]
    assert roles.index("gitops") < roles.index("wastecoach_chart")
    tasks = (REPO / "ansible" / "roles" / "gitops" / "tasks" / "main.yml").read_text()
    assert "argocd_install_manifest_url" in tasks and "{{ gitops_environment }}.yaml" in tasks
    for env in ENVIRONMENTS:
        inventory = REPO / "ansible" / "inventories" / env / "group_vars"
        all_vars = yaml.safe_load((inventory / "all.yml").read_text())
        assert all_vars["wastecoach_gitops"] is True and all_vars["argocd_install_manifest_url"]
        # a plain helm install (wastecoach_gitops: false) uses the same values as Argo CD
        cluster = (inventory / "k8s_cluster.yml").read_text()
        assert f"deploy/environments/{env}/values.yaml" in cluster
        keda = yaml.safe_load((REPO / "deploy" / "environments" / env / "values.yaml").read_text())
        assert all_vars["gitops_keda"] == keda.get("keda", {}).get("enabled", False), env
