"""Ansible, offline: syntax-check per inventory and ansible-lint (production profile) without network."""

from __future__ import annotations

import pytest
import yaml

from .conftest import REPO, run, tool

ANSIBLE = REPO / "ansible"
ROLES = (
    "common",
    "containerd",
    "kube_packages",
    "kubeadm_init",
    "kubeadm_join",
    "calico",
    "gitops",
    "wastecoach_chart",
)
ENVIRONMENTS = ("prod", "staging")


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_syntax_check(env: str) -> None:
    run(
        [tool("ansible-playbook"), "-i", f"inventories/{env}/hosts.yml", "--syntax-check", "site.yml"],
        cwd=ANSIBLE,
    )


def test_ansible_lint_offline() -> None:
    proc = run([tool("ansible-lint"), "--offline", "--nocolor"], cwd=ANSIBLE, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-6000:]
    assert "Profile 'production' was required, and it passed" in proc.stderr + proc.stdout


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_inventory_groups(env: str) -> None:
    inv = yaml.safe_load((ANSIBLE / "inventories" / env / "hosts.yml").read_text())["all"]["children"]
    assert set(inv["k8s_cluster"]["children"]) == {"control_plane", "workers", "storage"}
    assert inv["control_plane"]["hosts"] and inv["workers"]["hosts"] and inv["storage"]["hosts"]
    assert len(inv["control_plane"]["hosts"]) in (1, 3)
    gv = yaml.safe_load((ANSIBLE / "inventories" / env / "group_vars" / "all.yml").read_text())
    for key in ("kubernetes_version", "pod_network_cidr", "control_plane_endpoint", "kubernetes_apt_repo"):
        assert gv.get(key), f"{env}: {key} unset"


def test_roles_and_site_order() -> None:
    for role in ROLES:
        assert (ANSIBLE / "roles" / role / "tasks" / "main.yml").is_file(), role
    plays = yaml.safe_load((ANSIBLE / "site.yml").read_text())
    order = [r["role"] for play in plays for r in play["roles"]]
    assert order == list(ROLES)
