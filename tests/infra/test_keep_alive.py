"""Connections survive (issue 19): the edge keeps an idle connection open longer than the load balancer
does, from one number set in terraform and in the chart, which must agree."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from fastapi import FastAPI

from edge.context import attach
from edge.serving import EdgeServer
from edge.settings import EdgeSettings

from .conftest import REPO, Rendered, run, tool
from .test_terraform import PARSE_SCRIPT, resources

INGRESS = REPO / "terraform" / "modules" / "ingress"


def _terraform_idle_timeout() -> int:
    parsed = json.loads(run([tool("tools-python"), "-c", PARSE_SCRIPT, str(INGRESS)]).stdout)
    lb = resources(parsed)["aws_lb.api"]
    assert lb["idle_timeout"] == "${var.idle_timeout_s}", "the ALB takes its idle timeout from the variable"
    (variable,) = [v["idle_timeout_s"] for v in parsed["variables.tf"]["variable"] if "idle_timeout_s" in v]
    return int(variable["default"])


def test_the_edge_keeps_idle_connections_longer_than_the_load_balancer(
    rendered: Rendered, values: dict[str, Any]
) -> None:
    idle = _terraform_idle_timeout()
    assert values["config"]["loadBalancerIdleTimeoutS"] == idle, "chart and terraform disagree"
    keep_alive = int(rendered.get("ConfigMap", "wastecoach-config")["data"]["WASTECOACH_HTTP_KEEPALIVE_S"])
    assert keep_alive > idle

    app = FastAPI()
    # EdgeServer reads only the settings and the draining flag of what the edge was built with.
    attach(app, SimpleNamespace(settings=EdgeSettings(http_keepalive_s=keep_alive), draining=None))
    assert EdgeServer(app).config.timeout_keep_alive == keep_alive
    # Without the chart (make up, compose) the default outlasts the balancer too.
    assert EdgeSettings().http_keepalive_s > idle
