"""The wastecoach chart: lint, schema validation, checkov, and what the rendered manifests must say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import CHART, PRODUCTION_SECRETS, REPO, Rendered, checkov, render, run, tool

GRPC_PORTS = {"auth": 50051, "users": 50052, "waste": 50053, "coach": 50054, "locations": 50055}
CONSUMERS = {
    "consumer-q-ai": "q.ai",
    "consumer-q-api": "q.api",
    "consumer-q-sched": "q.sched",
    "consumer-q-batch": "q.batch",
}
ALL_COMPONENTS = {"edge", *GRPC_PORTS, *CONSUMERS, "scheduler"}
METRICS_PORT = 9464

# Checks skipped in the templates through checkov.io/skipN annotations, each with its reason there.
ALLOWED_K8S_SKIPS = {
    "CKV_K8S_35": "the app reads settings from env (pydantic BaseSettings); Secret via envFrom",
    "CKV_K8S_43": "image pinned by digest when image.digest is set",
    "CKV_K8S_8": "migration Job runs to completion: no liveness endpoint",
    "CKV_K8S_9": "migration Job runs to completion: no readiness endpoint",
}


def containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]


def workloads(r: Rendered) -> list[dict[str, Any]]:
    return r.kind("Deployment") + r.kind("Job")


def component_of(doc: dict[str, Any]) -> str:
    return doc["metadata"]["labels"]["app.kubernetes.io/component"]


# ---------------------------------------------------------------- tools


def test_helm_lint_strict() -> None:
    run([tool("helm"), "lint", "--strict", str(CHART), *PRODUCTION_SECRETS])


VARIANTS = {
    "defaults": [],
    "existing-secret-no-netpol-no-ingress": [
        "--set",
        "secrets.existingSecret=wastecoach-prod-secrets",
        "--set",
        "networkPolicy.enabled=false",
        "--set",
        "ingress.enabled=false",
        "--set",
        "image.digest=sha256:" + "a" * 64,
    ],
    "no-autoscaling-no-grafana": [
        "--set",
        "components.edge.autoscaling.enabled=false",
        "--set",
        "components.consumer-q-ai.autoscaling.enabled=false",
        "--set",
        "grafana.dashboards.enabled=false",
        "--set",
        "grafana.datasources.enabled=false",
        "--set",
        "migrations.enabled=false",
    ],
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_rendered_manifests_validate_against_kubernetes_1_30(variant: str, tmp_path: Path) -> None:
    r = render(*VARIANTS[variant])
    manifest = tmp_path / f"{variant}.yaml"
    manifest.write_text(r.text)
    proc = run([tool("kubernetes-validate"), "-k", "1.30.0", "--strict", "--quiet", str(manifest)])
    assert "ERROR" not in proc.stdout + proc.stderr


def test_checkov_kubernetes_passes_with_justified_skips(rendered_dir: Path) -> None:
    report = checkov(["-d", str(rendered_dir)], "kubernetes")
    results = report["results"]
    failed = [(c["check_id"], c["resource"], c["check_name"]) for c in results["failed_checks"]]
    assert not failed, "checkov findings:\n" + "\n".join(map(str, failed))
    assert report["summary"]["parsing_errors"] == 0
    assert report["summary"]["passed"] > 500
    for skipped in results["skipped_checks"]:
        assert skipped["check_id"] in ALLOWED_K8S_SKIPS, (
            f"unexpected skip {skipped['check_id']} on {skipped['resource']}"
        )
        assert skipped["check_result"].get("suppress_comment"), (
            f"skip without a reason: {skipped['check_id']}"
        )


# ---------------------------------------------------------------- one generic workload template


def test_one_deployment_per_component_from_a_single_template(
    rendered: Rendered, values: dict[str, Any]
) -> None:
    deployments = {
        component_of(d): src
        for d, src in zip(rendered.docs, rendered.sources, strict=True)
        if d["kind"] == "Deployment"
    }
    assert set(deployments) == set(values["components"]) == ALL_COMPONENTS
    assert set(deployments.values()) == {"wastecoach/templates/component.yaml"}
    with_deployment = [p.name for p in (CHART / "templates").iterdir() if "kind: Deployment" in p.read_text()]
    assert with_deployment == ["component.yaml"], "workloads must come from the one generic template"
    for d in rendered.kind("Deployment"):
        (c,) = d["spec"]["template"]["spec"]["containers"]
        assert c["command"] == ["wastecoach"]
        assert c["args"] == values["components"][component_of(d)]["args"]


def test_every_component_has_a_service_with_its_ports(rendered: Rendered) -> None:
    services = {component_of(s): s for s in rendered.kind("Service")}
    assert set(services) == ALL_COMPONENTS
    for name, port in GRPC_PORTS.items():
        ports = {p["name"]: p for p in services[name]["spec"]["ports"]}
        assert ports["grpc"]["port"] == port and ports["grpc"].get("appProtocol") == "grpc"
        assert ports["metrics"]["port"] == METRICS_PORT
    assert {p["name"]: p["port"] for p in services["edge"]["spec"]["ports"]} == {
        "http": 8000,
        "metrics": METRICS_PORT,
    }
    for name in [*CONSUMERS, "scheduler"]:
        assert [p["port"] for p in services[name]["spec"]["ports"]] == [METRICS_PORT]


def test_grpc_services_use_native_grpc_probes(rendered: Rendered) -> None:
    for name, port in GRPC_PORTS.items():
        (c,) = rendered.get("Deployment", f"wastecoach-{name}")["spec"]["template"]["spec"]["containers"]
        for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
            assert c[probe]["grpc"] == {"port": port}, (name, probe)
        assert {"name": "grpc", "containerPort": port, "protocol": "TCP"} in c["ports"]


def test_edge_and_consumers_use_http_probes(rendered: Rendered) -> None:
    (edge,) = rendered.get("Deployment", "wastecoach-edge")["spec"]["template"]["spec"]["containers"]
    assert edge["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert edge["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    for name in CONSUMERS:
        (c,) = rendered.get("Deployment", f"wastecoach-{name}")["spec"]["template"]["spec"]["containers"]
        assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"} in c["ports"]


def test_restricted_security_context_everywhere(rendered: Rendered) -> None:
    ws = workloads(rendered)
    assert len(ws) == len(ALL_COMPONENTS) + 1  # + the migration Job
    for w in ws:
        spec = w["spec"]["template"]["spec"]
        where = f"{w['kind']}/{w['metadata']['name']}"
        psc = spec["securityContext"]
        assert psc["runAsNonRoot"] is True and psc["runAsUser"] == 10001, where
        assert psc["seccompProfile"] == {"type": "RuntimeDefault"}, where
        assert spec["automountServiceAccountToken"] is False, where
        tmp_volumes = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
        for c in containers(spec):
            sc = c["securityContext"]
            assert sc["runAsNonRoot"] is True, where
            assert sc["allowPrivilegeEscalation"] is False, where
            assert sc["readOnlyRootFilesystem"] is True, where
            assert sc["privileged"] is False, where
            assert sc["capabilities"] == {"drop": ["ALL"]}, where
            assert sc["seccompProfile"] == {"type": "RuntimeDefault"}, where
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            assert mounts.get("/tmp") in tmp_volumes, f"{where}: writable /tmp must be an emptyDir"
            assert c["resources"]["limits"]["memory"] and c["resources"]["requests"]["cpu"], where
            assert set(mounts.values()) <= tmp_volumes, f"{where}: only emptyDir mounts expected"


# ---------------------------------------------------------------- config, secrets, env contract


def test_config_env_contract(rendered: Rendered) -> None:
    data = rendered.get("ConfigMap", "wastecoach-config")["data"]
    for name, port in GRPC_PORTS.items():
        assert data[f"WASTECOACH_{name.upper()}_ADDR"] == f"wastecoach-{name}:{port}"
    for key in (
        "WASTECOACH_ENV",
        "WASTECOACH_S3_BUCKET",
        "WASTECOACH_S3_REGION",
        "WASTECOACH_VISION_OPENAI_MODEL",
        "WASTECOACH_COACH_OPENAI_MODEL",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
    ):
        assert key in data
    assert data["WASTECOACH_ENV"] == "production"
    secret_keys = set(rendered.get("Secret", "wastecoach-secrets")["stringData"])
    assert {
        "WASTECOACH_DATABASE_URL",
        "WASTECOACH_REDIS_URL",
        "WASTECOACH_RABBIT_URL",
        "WASTECOACH_INTERNAL_KEY",
        "WASTECOACH_OPENAI_API_KEY",
        "WASTECOACH_JWT_PRIVATE_KEYS",
        "WASTECOACH_KAKAO_CLIENT_SECRET",
    } <= secret_keys
    assert not secret_keys & set(data), "a value must be in the ConfigMap or the Secret, not both"
    for d in rendered.kind("Deployment"):
        (c,) = d["spec"]["template"]["spec"]["containers"]
        env = {e["name"]: e for e in c["env"]}
        assert env["OTEL_SERVICE_NAME"]["value"] == f"wastecoach-{component_of(d)}"
        assert "k8s.pod.name=$(K8S_POD_NAME)" in env["OTEL_RESOURCE_ATTRIBUTES"]["value"]
        names = [e["name"] for e in c["env"]]
        assert names.index("K8S_POD_NAME") < names.index("OTEL_RESOURCE_ATTRIBUTES")
        assert {"configMapRef": {"name": "wastecoach-config"}} in c["envFrom"]
        assert {"secretRef": {"name": "wastecoach-secrets"}} in c["envFrom"]


def test_existing_secret_is_referenced_not_created() -> None:
    r = render("--set", "secrets.existingSecret=ops-managed")
    assert not r.kind("Secret")
    for w in workloads(r):
        (c,) = w["spec"]["template"]["spec"]["containers"]
        assert {"secretRef": {"name": "ops-managed"}} in c["envFrom"]


# ---------------------------------------------------------------- migrations hook


def test_migration_job_is_a_pre_install_pre_upgrade_hook(rendered: Rendered) -> None:
    (job,) = rendered.kind("Job")
    ann = job["metadata"]["annotations"]
    assert ann["helm.sh/hook"] == "pre-install,pre-upgrade"
    assert "before-hook-creation" in ann["helm.sh/hook-delete-policy"]
    (c,) = job["spec"]["template"]["spec"]["containers"]
    assert c["command"] == ["wastecoach"] and c["args"] == ["migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    assert job["spec"]["activeDeadlineSeconds"] > 0
    # hooks run before the release's ConfigMap/Secret/ServiceAccount exist: the Job must not need them
    env = {e["name"] for e in c["env"]}
    assert "WASTECOACH_ENV" in env and "OTEL_SERVICE_NAME" in env
    assert not any("configMapRef" in e for e in c.get("envFrom", []))
    sa_name = job["spec"]["template"]["spec"]["serviceAccountName"]
    weight = int(ann["helm.sh/hook-weight"])
    for kind, name in (("ServiceAccount", sa_name), ("Secret", c["envFrom"][0]["secretRef"]["name"])):
        dep = rendered.get(kind, name)
        assert dep["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
        assert int(dep["metadata"]["annotations"]["helm.sh/hook-weight"]) < weight


# ---------------------------------------------------------------- autoscaling and disruption


def test_hpa_cpu_for_services_queue_depth_for_consumers(rendered: Rendered) -> None:
    hpas = {component_of(h): h for h in rendered.kind("HorizontalPodAutoscaler")}
    assert set(hpas) == {"edge", *GRPC_PORTS, *CONSUMERS}, "the scheduler must not autoscale"
    for h in rendered.kind("HorizontalPodAutoscaler"):
        assert h["apiVersion"] == "autoscaling/v2"
        assert h["spec"]["scaleTargetRef"] == {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "name": h["metadata"]["name"],
        }
    for name in ["edge", *GRPC_PORTS]:
        (m,) = hpas[name]["spec"]["metrics"]
        assert m["type"] == "Resource" and m["resource"]["name"] == "cpu"
    for name, queue in CONSUMERS.items():
        (m,) = hpas[name]["spec"]["metrics"]
        assert m["type"] == "External"
        assert m["external"]["metric"]["name"] == "rabbitmq_queue_messages_ready"
        assert m["external"]["metric"]["selector"] == {"matchLabels": {"queue": queue}}
        assert m["external"]["target"]["type"] == "AverageValue"
    # an HPA owns the replica count: the Deployment must not fight it
    for d in rendered.kind("Deployment"):
        assert ("replicas" in d["spec"]) == (component_of(d) == "scheduler")
    sched = rendered.get("Deployment", "wastecoach-scheduler")
    assert sched["spec"]["replicas"] == 1 and sched["spec"]["strategy"]["type"] == "Recreate"


def test_scheduler_cannot_be_scaled_out() -> None:
    proc = run(
        [
            tool("helm"),
            "template",
            "x",
            str(CHART),
            *PRODUCTION_SECRETS,
            "--set",
            "components.scheduler.replicas=2",
        ],
        check=False,
    )
    assert proc.returncode != 0 and "single replica" in proc.stderr


def test_pod_disruption_budgets(rendered: Rendered) -> None:
    pdbs = {component_of(p): p for p in rendered.kind("PodDisruptionBudget")}
    assert {"edge", *GRPC_PORTS, "consumer-q-ai"} <= set(pdbs)
    for p in pdbs.values():
        assert p["apiVersion"] == "policy/v1"
        assert p["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == component_of(p)


# ---------------------------------------------------------------- network


def _selects(policy: dict[str, Any], labels: dict[str, str]) -> bool:
    sel = policy["spec"]["podSelector"].get("matchLabels", {})
    return all(labels.get(k) == v for k, v in sel.items())


def test_network_policies_default_deny_and_allow_lists(rendered: Rendered) -> None:
    pols = {p["metadata"]["name"]: p for p in rendered.kind("NetworkPolicy")}
    deny = pols["wastecoach-default-deny"]
    assert deny["spec"]["policyTypes"] == ["Ingress"] and not deny["spec"].get("ingress")
    for d in workloads(rendered):
        assert _selects(deny, d["spec"]["template"]["metadata"]["labels"]), d["metadata"]["name"]

    metrics = pols["wastecoach-metrics"]
    (rule,) = metrics["spec"]["ingress"]
    assert rule["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}
    ]
    assert rule["ports"] == [{"port": "metrics", "protocol": "TCP"}]

    (edge_rule,) = pols["wastecoach-edge"]["spec"]["ingress"]
    assert edge_rule["from"] == [
        {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
    ]
    assert edge_rule["ports"] == [{"port": "http", "protocol": "TCP"}]

    for name in GRPC_PORTS:
        (r,) = pols[f"wastecoach-{name}"]["spec"]["ingress"]
        allowed = sorted(f["podSelector"]["matchLabels"]["wastecoach.io/type"] for f in r["from"])
        assert allowed == ["consumer", "edge"], name
        assert r["ports"] == [{"port": "grpc", "protocol": "TCP"}]
    # consumers and the scheduler accept nothing but metrics scrapes
    for name in [*CONSUMERS, "scheduler"]:
        assert f"wastecoach-{name}" not in pols


def test_network_policies_are_opt_out() -> None:
    assert not render("--set", "networkPolicy.enabled=false").kind("NetworkPolicy")


def test_ingress_routes_api_and_healthz_to_edge(rendered: Rendered) -> None:
    (ing,) = rendered.kind("Ingress")
    (rule,) = ing["spec"]["rules"]
    paths = {p["path"]: p for p in rule["http"]["paths"]}
    assert set(paths) == {"/api/v1", "/healthz"}
    assert paths["/api/v1"]["pathType"] == "Prefix"
    for p in paths.values():
        assert p["backend"]["service"] == {"name": "wastecoach-edge", "port": {"name": "http"}}
    assert ing["spec"]["tls"][0]["hosts"] == [rule["host"]]


def _nginx_size(value: str) -> int:
    """nginx sizes: bytes, or k/m/g in units of 1024."""
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    unit = value[-1].lower()
    return int(value[:-1]) * units[unit] if unit in units else int(value)


def test_one_upload_limit_the_ingress_passes_every_photo_the_app_takes(rendered: Rendered) -> None:
    import httpx

    from edge.settings import EdgeSettings
    from svc_waste.domain import MAX_HINT, MAX_IMAGE_BYTES

    app_limit = EdgeSettings.model_fields["max_upload_bytes"].default
    assert app_limit == MAX_IMAGE_BYTES == 15 * 1024**2
    (ing,) = rendered.kind("Ingress")
    body_limit = _nginx_size(ing["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"])
    # The largest scan the app accepts, as the app sends it: nginx must not answer it with its own 413.
    largest = httpx.Request(
        "POST",
        "https://api.wastecoach.example/api/v1/scans",
        files={"image": ("photo.jpg", b"\xff" * app_limit, "image/jpeg")},
        data={"lat": "-33.8688197", "lon": "-151.2092955", "hint": "컵" * MAX_HINT},
    )
    assert int(largest.headers["content-length"]) <= body_limit
    # ... and nothing much larger: beyond the photo limit the app refuses anyway.
    assert body_limit <= app_limit + 1024**2


def test_production_secrets_are_required() -> None:
    command = [tool("helm"), "template", "x", str(CHART)]
    missing = run(command, check=False)
    assert missing.returncode != 0
    assert "secrets.values.WASTECOACH_DATABASE_URL is required in production" in missing.stderr
    for key in (
        "WASTECOACH_DATABASE_URL",
        "WASTECOACH_REDIS_URL",
        "WASTECOACH_RABBIT_URL",
        "WASTECOACH_INTERNAL_KEY",
    ):
        # The others given, this one empty (a later --set wins).
        proc = run([*command, *PRODUCTION_SECRETS, "--set", f"secrets.values.{key}="], check=False)
        assert proc.returncode != 0 and f"secrets.values.{key} is required" in proc.stderr, key
    # An existing Secret is the operator's to fill; outside production the embedded backends may run.
    assert run([*command, "--set", "secrets.existingSecret=ops-managed"]).returncode == 0
    assert run([*command, "--set", "config.env=development"]).returncode == 0


def test_service_account_does_not_mount_a_token(rendered: Rendered) -> None:
    sa = rendered.get("ServiceAccount", "wastecoach")
    assert sa["automountServiceAccountToken"] is False
    for d in rendered.kind("Deployment"):
        assert d["spec"]["template"]["spec"]["serviceAccountName"] == "wastecoach"


# ---------------------------------------------------------------- grafana


ALLOWED_METRICS = {
    "wastecoach_http_requests_total",
    "wastecoach_http_request_duration_seconds_bucket",
    "wastecoach_grpc_server_handled_total",
    "wastecoach_grpc_server_handling_seconds_bucket",
    "wastecoach_scans_total",
    "wastecoach_scan_duration_seconds_bucket",
    "wastecoach_queue_depth",
    "wastecoach_job_duration_seconds_bucket",
    "wastecoach_job_duration_seconds_count",
    "wastecoach_vision_seconds_bucket",
    "wastecoach_llm_seconds_bucket",
    "wastecoach_errors_total",
    "rabbitmq_queue_messages_ready",
    "up",
}


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for p in dashboard["panels"]:
        out.append(p)
        out.extend(p.get("panels", []))
    return out


def test_dashboards_ship_as_a_labelled_configmap(rendered: Rendered) -> None:
    import re

    files = sorted(p.name for p in (CHART / "dashboards").glob("*.json"))
    assert {"scans.json", "queues.json", "errors.json"} <= set(files)
    cm = rendered.get("ConfigMap", "wastecoach-dashboards")
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert sorted(cm["data"]) == files
    uids = set()
    for name in files:
        dash = json.loads(cm["data"][name])
        assert dash["uid"] not in uids
        uids.add(dash["uid"])
        for panel in _panels(dash):
            for t in panel.get("targets", []):
                if "expr" in t:
                    used = set(
                        re.findall(r"\b((?:wastecoach|rabbitmq)_[a-z_]+|up)\b(?=\s*[{\[(])", t["expr"])
                    )
                    assert used <= ALLOWED_METRICS, (name, panel["title"], used - ALLOWED_METRICS)
                    assert t["datasource"]["uid"] == "wastecoach-prometheus"


def test_slow_scan_panel_links_to_tempo_through_trace_id_exemplars(rendered: Rendered) -> None:
    scans = json.loads((CHART / "dashboards" / "scans.json").read_text())
    slow = [
        p for p in _panels(scans) if "wastecoach_scan_duration_seconds_bucket" in json.dumps(p.get("targets"))
    ]
    assert slow, "no scan latency panel"
    (panel,) = slow
    assert any(t.get("exemplar") for t in panel["targets"]), "exemplars must be on to link to traces"
    assert any("wastecoach-tempo" in link["url"] for link in panel["links"])
    ds = yaml.safe_load(
        rendered.get("ConfigMap", "wastecoach-datasources")["data"]["wastecoach-datasources.yaml"]
    )
    assert (
        rendered.get("ConfigMap", "wastecoach-datasources")["metadata"]["labels"]["grafana_datasource"] == "1"
    )
    by_uid = {d["uid"]: d for d in ds["datasources"]}
    assert by_uid["wastecoach-tempo"]["type"] == "tempo"
    assert by_uid["wastecoach-prometheus"]["jsonData"]["exemplarTraceIdDestinations"] == [
        {"name": "trace_id", "datasourceUid": "wastecoach-tempo"}
    ]
    titles = {
        json.loads((CHART / "dashboards" / f).read_text())["title"]
        for f in ("scans.json", "queues.json", "errors.json")
    }
    assert len(titles) == 3


def test_values_parse_and_chart_metadata() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2" and chart["name"] == "wastecoach"
    assert (REPO / "helm" / "README.md").is_file()


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("components.edge.type=web", "components.edge.type"),
        ("components.edge.autoscalng.enabled=true", "autoscalng"),
        ("securityContext.readOnlyRootFilesystem=false", "readOnlyRootFilesystem"),
        ("components.consumer-q-ai.autoscaling.queue=q.nope", "queue"),
    ],
)
def test_values_schema_rejects_mistakes(setting: str, message: str) -> None:
    proc = run(
        [tool("helm"), "template", "x", str(CHART), *PRODUCTION_SECRETS, "--set", setting], check=False
    )
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr[-2000:]


def test_scrape_annotations_and_optional_pod_monitor(rendered: Rendered) -> None:
    for d in rendered.kind("Deployment"):
        ann = d["spec"]["template"]["metadata"]["annotations"]
        assert ann["prometheus.io/scrape"] == "true" and ann["prometheus.io/port"] == str(METRICS_PORT)
    assert not rendered.kind("PodMonitor")
    (pm,) = render("--set", "metrics.podMonitor.enabled=true").kind("PodMonitor")
    assert pm["spec"]["podMetricsEndpoints"][0]["port"] == "metrics"
    assert pm["spec"]["scrapeProtocols"][0].startswith("OpenMetrics")


def test_grpc_services_can_be_headless() -> None:
    r = render("--set", "components.waste.headless=true")
    assert r.get("Service", "wastecoach-waste")["spec"]["clusterIP"] == "None"
    assert "clusterIP" not in r.get("Service", "wastecoach-coach")["spec"]
