"""Property-based contract test of the REST edge: every operation in /openapi.json, with a signed-in user.

Checks: no 5xx, every status code documented, the documented content type, the response body
and headers conform to the documented schema. Positive and negative inputs, bounded per operation.
"""

from __future__ import annotations

import time

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from edge.settings import EdgeSettings
from mesh.settings import MeshSettings
from tests.faults.conftest import mesh_in_thread, verdict
from tests.mesh.conftest import photo
from wastecoach.settings import Settings

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = 20
# Operations that need one signed-in user per generated case instead of the shared one.
# DELETE /users/me deletes the account it is called with: with the shared token every later case
# would be a 401. It is still fuzzed, but each case signs in a throwaway user first.
FRESH_USER_PER_CASE = {("DELETE", "/api/v1/users/me")}


def _login(base_url: str, nickname: str) -> dict[str, str]:
    reply = httpx.post(f"{base_url}/api/v1/auth/dev/login", json={"nickname": nickname}, timeout=10)
    reply.raise_for_status()
    return {"Authorization": f"Bearer {reply.json()['access_token']}"}


def _fuzz(operation, mode: GenerationMode, base_url: str, headers: dict[str, str], fresh: bool) -> int:
    session = requests.Session()
    calls = [0]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time, the first failure is reported
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        calls[0] += 1
        sent = _login(base_url, f"fz{calls[0]}") if fresh else headers
        case.call_and_validate(base_url=base_url, session=session, headers=sent, checks=CHECKS, timeout=15)

    run()
    return calls[0]


REAL_SCAN_OPERATIONS = [
    ("GET", "/api/v1/scans/{scan_id}"),
    ("GET", "/api/v1/scans/{scan_id}/events"),
    ("GET", "/api/v1/scans"),
    ("GET", "/api/v1/users/me/scans"),
    ("GET", "/api/v1/users/me/stats"),
]


def _real_scan_cases(schema, base_url: str, headers: dict[str, str]) -> dict[str, str]:
    image = photo("trashnet/glass")
    created = httpx.post(
        f"{base_url}/api/v1/scans",
        headers=headers,
        data={"lat": "37.5663", "lon": "126.9019"},
        files={"image": (image.name, image.read_bytes(), "image/jpeg")},
        timeout=30,
    )
    assert created.status_code == 202, created.text
    scan_id = created.json()["scan_id"]
    deadline = time.monotonic() + 60
    while httpx.get(f"{base_url}/api/v1/scans/{scan_id}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline, "the real scan did not finish"
        time.sleep(0.2)
    failures = {}
    for method, path in REAL_SCAN_OPERATIONS:
        operation = schema[path][method]
        params = {"scan_id": scan_id} if "{scan_id}" in path else None
        case = operation.Case(path_parameters=params)
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=15)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            failures[f"{method} {path} [real scan]"] = _describe(exc)
    return failures


def _describe(exc: BaseException) -> str:
    parts = [str(exc)] + [str(sub) for sub in getattr(exc, "exceptions", ())]
    return "\n".join(parts)[:2000]


def test_openapi_contract_holds_for_every_operation(tmp_path):
    settings = Settings(
        mesh=MeshSettings(data_dir=tmp_path / "data", log_json=False),
        edge=EdgeSettings(scan_rate_per_minute=100_000),
    )
    started = time.perf_counter()
    with mesh_in_thread(settings) as mesh:
        headers = _login(mesh.url, "schemathesis")
        schema = schemathesis.openapi.from_url(f"{mesh.url}/openapi.json")
        failures: dict[str, str] = {}
        operations = 0
        calls = 0
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            fresh = (operation.method.upper(), operation.path) in FRESH_USER_PER_CASE
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                label = f"{operation.method.upper()} {operation.path} [{mode.value}]"
                try:
                    calls += _fuzz(operation, mode, mesh.url, headers, fresh)
                except Unsatisfiable:
                    # Nothing to negate (no parameters, no body): the negative mode has no case to send.
                    if mode is not GenerationMode.NEGATIVE:
                        raise
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # a check failed (an exception group): record it, go on
                    failures[label] = _describe(exc)
        # Random ids only ever reach the 404 branch: validate the 200 answers with a real, finished scan.
        for label, reason in _real_scan_cases(schema, mesh.url, headers).items():
            failures[label] = reason
        calls += len(REAL_SCAN_OPERATIONS)
    elapsed = time.perf_counter() - started
    verdict(
        f"schemathesis: {operations} operations, {calls} requests, {len(failures)} failing "
        f"operation/mode pairs, {elapsed:.0f} s"
    )
    for label, reason in failures.items():
        print(f"--- {label}\n{reason}\n")
    if failures:
        pytest.fail(f"{len(failures)} operation/mode pairs violate the contract: {sorted(failures)}")
