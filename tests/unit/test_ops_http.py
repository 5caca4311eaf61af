import httpx

from mesh import metrics
from mesh.ops_http import ops_app


async def _get(app, path):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops") as http:
        return await http.get(path)


async def test_metrics_health_and_readiness():
    metrics.ERRORS.labels("test").inc()
    ok = ops_app()
    body = (await _get(ok, "/metrics")).text
    assert 'wastecoach_errors_total{kind="test"}' in body and body.rstrip().endswith("# EOF")
    assert (await _get(ok, "/healthz")).status_code == 200
    assert (await _get(ok, "/readyz")).status_code == 200

    async def broker_down() -> bool:
        raise ConnectionError("no broker")

    assert (await _get(ops_app(broker_down), "/readyz")).status_code == 503
    assert (await _get(ok, "/nope")).status_code == 404
