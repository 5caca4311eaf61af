"""The OpenAPI document as generators need it, and the docs pages working with no internet."""

import re

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


async def _spec(env) -> dict:
    reply = await env.http.get("/openapi.json")
    assert reply.status_code == 200
    return reply.json()


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


async def test_every_error_is_the_one_problem_schema(edge_env):
    spec = await _spec(edge_env)
    errors = 0
    for path, method, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                errors += 1
                assert response["content"] == {"application/problem+json": {"schema": PROBLEM_REF}}, (
                    path,
                    method,
                    status,
                )
    assert errors > 100
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "code", "detail"} <= set(problem["required"])
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def test_short_operation_ids_bearer_scheme_and_languages(edge_env):
    spec = await _spec(edge_env)
    ids = {(path, method): op["operationId"] for path, method, op in _operations(spec)}
    assert len(set(ids.values())) == len(ids)
    assert all(re.fullmatch(r"[a-z][A-Za-z]{1,30}", i) for i in ids.values()), ids
    assert ids[("/api/v1/scans", "post")] == "createScan"
    assert ids[("/api/v1/scans/{scan_id}", "get")] == "getScan"
    assert ids[("/api/v1/scans/{scan_id}/answer", "post")] == "answerScan"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for path, method, operation in _operations(spec):
        public = not path.startswith("/api/v1/") or path.startswith("/api/v1/auth/")
        assert ("security" in operation) != public, (path, method)
        if path.startswith("/api/v1/"):
            assert {"$ref": "#/components/parameters/AcceptLanguage"} in operation["parameters"]


async def test_photo_etag_retry_after_idempotency_and_events_are_documented(edge_env):
    spec = await _spec(edge_env)
    create = spec["paths"]["/api/v1/scans"]["post"]
    form = create["requestBody"]["content"]["multipart/form-data"]["schema"]
    image = spec["components"]["schemas"][form["$ref"].rsplit("/", 1)[1]]["properties"]["image"]
    assert image["type"] == "string" and image["format"] == "binary"
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"] if "name" in p)
    assert "Location" in create["responses"]["202"]["headers"]
    get = spec["paths"]["/api/v1/scans/{scan_id}"]["get"]
    assert any(p["name"] == "If-None-Match" for p in get["parameters"] if "name" in p)
    assert {"ETag", "Retry-After"} <= set(get["responses"]["200"]["headers"])
    assert "ETag" in get["responses"]["304"]["headers"]
    assert "Retry-After" in create["responses"]["429"]["headers"]
    events = spec["paths"]["/api/v1/scans/{scan_id}/events"]["get"]["responses"]["200"]["content"]
    stream = events["text/event-stream"]
    assert stream["itemSchema"]["properties"]["event"]["enum"] == ["status"]
    assert stream["itemSchema"]["properties"]["data"]["contentSchema"] == {
        "$ref": "#/components/schemas/Scan"
    }


async def test_lists_share_one_envelope(edge_env):
    spec = await _spec(edge_env)
    schemas = spec["components"]["schemas"]
    lists = [name for name in schemas if name.endswith(("List", "Page"))]
    assert len(lists) >= 5
    for name in lists:
        assert {"items", "next_cursor"} <= set(schemas[name]["required"]), name


async def test_docs_pages_load_nothing_from_another_host(edge_env):
    for page in ("/docs", "/redoc"):
        html = (await edge_env.http.get(page)).text
        sources = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(
            r"""url: ['"]([^'"]+)['"]""", html
        )
        assert sources, page
        assert not [s for s in sources if "//" in s], (page, sources)
        assert "http" not in html.replace("http-equiv", ""), page
        for source in sources:
            if source.startswith("/docs/assets/"):
                asset = await edge_env.http.get(source)
                assert asset.status_code == 200 and len(asset.content) > 1000, source
