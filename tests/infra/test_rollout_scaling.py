"""The chart's graceful rollouts, KEDA option, egress policies and proxy trust, as rendered."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from edge.serving import DRAIN_GRACE_S
from edge.settings import EdgeSettings
from mesh.settings import MeshSettings

from .conftest import Rendered, render, run, tool
from .test_gitops import validate_custom

CONSUMER_QUEUES = {"consumer-q-ai": "q.ai", "consumer-q-api": "q.api", "consumer-q-sched": "q.sched"}
CONSUMER_QUEUES["consumer-q-batch"] = "q.batch"


def _pod(r: Rendered, name: str) -> dict[str, Any]:
    return r.get("Deployment", f"wastecoach-{name}")["spec"]["template"]["spec"]


def test_termination_grace_covers_prestop_and_the_servers_drain(rendered: Rendered) -> None:
    # what the processes do on SIGTERM, from the code itself
    drains = {"edge": DRAIN_GRACE_S, "grpc": MeshSettings.model_fields["grpc_grace_s"].default}
    for d in rendered.kind("Deployment"):
        spec = d["spec"]["template"]["spec"]
        (c,) = spec["containers"]
        kind = d["metadata"]["labels"]["wastecoach.io/type"]
        if kind in drains:
            sleep = c["lifecycle"]["preStop"]["sleep"]["seconds"]
            assert sleep >= 3, "endpoint removal needs a few seconds to reach kube-proxy and the ingress"
            # preStop, then the drain, then a margin before SIGKILL
            assert spec["terminationGracePeriodSeconds"] >= sleep + drains[kind] + 5, d["metadata"]["name"]
        else:
            assert "lifecycle" not in c  # nothing routes to consumers or the scheduler
            assert spec["terminationGracePeriodSeconds"] >= 10


def test_keda_scaled_objects_replace_the_queue_hpas(tmp_path: Path) -> None:
    r = render("--set", "keda.enabled=true")
    scaled = {d["metadata"]["name"].removeprefix("wastecoach-"): d for d in r.kind("ScaledObject")}
    assert set(scaled) == set(CONSUMER_QUEUES)
    hpas = {h["metadata"]["name"].removeprefix("wastecoach-") for h in r.kind("HorizontalPodAutoscaler")}
    assert not hpas & set(CONSUMER_QUEUES) and "edge" in hpas  # CPU HPAs stay
    (auth,) = r.kind("TriggerAuthentication")
    assert auth["spec"]["secretTargetRef"] == [
        {"parameter": "host", "name": "wastecoach-secrets", "key": "WASTECOACH_RABBIT_URL"}
    ]
    for name, queue in CONSUMER_QUEUES.items():
        spec = scaled[name]["spec"]
        assert spec["scaleTargetRef"]["name"] == f"wastecoach-{name}"
        (trigger,) = spec["triggers"]
        assert trigger["type"] == "rabbitmq" and trigger["metadata"]["queueName"] == queue
        assert trigger["metadata"]["mode"] == "QueueLength"
        assert trigger["authenticationRef"]["name"] == auth["metadata"]["name"]
        assert "replicas" not in r.get("Deployment", f"wastecoach-{name}")["spec"], "KEDA owns the count"
        assert spec["minReplicaCount"] == (
            0 if name == "consumer-q-batch" else 1 if name != "consumer-q-ai" else 2
        )
    validate_custom([*r.kind("ScaledObject"), *r.kind("TriggerAuthentication")])
    builtin = tmp_path / "keda.yaml"
    builtin.write_text(yaml.safe_dump_all([d for d in r.docs if not d["apiVersion"].startswith("keda.sh/")]))
    run([tool("kubernetes-validate"), "-k", "1.30.0", "--strict", "--quiet", str(builtin)])


def test_hpa_stays_the_default_and_keda_is_per_consumer_too(rendered: Rendered) -> None:
    assert not rendered.kind("ScaledObject") and not rendered.kind("TriggerAuthentication")
    one = render("--set", "components.consumer-q-batch.autoscaling.engine=keda")
    assert [d["metadata"]["name"] for d in one.kind("ScaledObject")] == ["wastecoach-consumer-q-batch"]
    keda_edge = ["--set", "secrets.existingSecret=s", "--set", "components.edge.autoscaling.engine=keda"]
    proc = run([tool("helm"), "template", "x", "helm/wastecoach", *keda_edge], check=False)
    assert proc.returncode != 0 and "keda scales consumers" in proc.stderr


def _egress(r: Rendered) -> dict[str, dict[str, Any]]:
    return {p["metadata"]["name"]: p for p in r.kind("NetworkPolicy") if "Egress" in p["spec"]["policyTypes"]}


def _ports(policy: dict[str, Any]) -> set[Any]:
    return {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}


def test_egress_default_deny_and_per_component_allow_lists(rendered: Rendered) -> None:
    pols = _egress(rendered)
    deny = pols["wastecoach-default-deny-egress"]
    assert deny["spec"]["policyTypes"] == ["Egress"] and not deny["spec"].get("egress")
    workloads = rendered.kind("Deployment") + rendered.kind("Job")
    for w in workloads:
        component = w["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        policy = pols[f"wastecoach-{component}-egress"]
        assert policy["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == component
        assert 53 in _ports(policy), f"{component}: DNS"
    assert _ports(pols["wastecoach-edge-egress"]) == {53, "grpc", 6379, 4318}
    assert _ports(pols["wastecoach-migrate-egress"]) == {53, 5432, 4318}
    assert _ports(pols["wastecoach-users-egress"]) == {53, 5432, 4318}
    assert 5672 in _ports(pols["wastecoach-consumer-q-ai-egress"])
    https = next(
        rule for rule in pols["wastecoach-waste-egress"]["spec"]["egress"] if rule["ports"][0]["port"] == 443
    )
    assert "10.0.0.0/8" in https["to"][0]["ipBlock"]["except"]
    assert not _egress(render("--set", "networkPolicy.egress.enabled=false"))


def test_the_edge_trusts_forwarded_for_only_from_the_configured_peers(rendered: Rendered) -> None:
    data = rendered.get("ConfigMap", "wastecoach-config")["data"]
    variable = "WASTECOACH_" + "forwarded_allow_ips".upper()
    assert variable in data and "forwarded_allow_ips" in EdgeSettings.model_fields
    assert data[variable] == "127.0.0.1"  # loopback only unless the operator names the ingress
    r = render("--set", "config.forwardedAllowIps=192.168.0.0/16")
    assert r.get("ConfigMap", "wastecoach-config")["data"][variable] == "192.168.0.0/16"
