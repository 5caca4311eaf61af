"""A spec-faithful stand-in for Kakao Local's place search, on real HTTP at 127.0.0.1 port 0.

It checks the `Authorization: KakaoAK <key>` header, validates parameters the way Kakao does
(x/y/radius ranges, size 1–15, page 1–45, sort), pages and sorts by distance, and answers with
Kakao's JSON shapes: `{"meta": {...}, "documents": [...]}` or `{"errorType": ..., "message": ...}`.
Tests can queue failures (status, body, headers) that the next requests get first.
"""

from __future__ import annotations

import json
import math
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

CATEGORY_GROUPS = set("MT1 CS2 PS3 SC4 AC5 PK6 OL7 SW8 BK9 CT1 AG2 PO3 AT4 AD5 FD6 CE7 HP8 PM9".split())


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@dataclass
class FakeKakao:
    key: str
    places: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[int, dict[str, Any], dict[str, str]]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_place(self, pid: str, name: str, lat: float, lon: float, **extra: str) -> None:
        self.places.append(
            {
                "id": pid,
                "place_name": name,
                "category_name": extra.get("category_name", "서비스,산업 > 환경,에너지 > 재활용센터"),
                "category_group_code": extra.get("category_group_code", ""),
                "category_group_name": extra.get("category_group_name", ""),
                "phone": extra.get("phone", "02-000-0000"),
                "address_name": extra.get("address_name", "서울 중구 태평로1가 31"),
                "road_address_name": extra.get("road_address_name", "서울 중구 세종대로 110"),
                "x": f"{lon:.14f}",
                "y": f"{lat:.14f}",
                "place_url": f"http://place.map.kakao.com/{pid}",
            }
        )

    def fail_next(
        self, status: int, error_type: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        self.failures.append((status, {"errorType": error_type, "message": message}, headers or {}))

    def answer(
        self, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        self.requests.append((path, params, headers))
        auth = headers.get("authorization", "")
        if not auth.startswith("KakaoAK "):
            return 401, {
                "errorType": "AccessDeniedError",
                "message": "cannot find Authorization : KakaoAK header",
            }
        if auth.removeprefix("KakaoAK ") != self.key:
            return 401, {"errorType": "InvalidArgument", "message": "wrong appKey format or appKey not found"}
        if path not in ("/v2/local/search/keyword.json", "/v2/local/search/category.json"):
            return 404, {"errorType": "NotFound", "message": f"no such path {path}"}
        error = self._validate(path, params)
        if error:
            return 400, {"errorType": error[0], "message": error[1]}
        return 200, self._search(path, params)

    def _validate(self, path: str, params: dict[str, str]) -> tuple[str, str] | None:
        if path.endswith("keyword.json") and not params.get("query", "").strip():
            return "MissingParameter", "query parameter required"
        code = params.get("category_group_code")
        if path.endswith("category.json") and not code:
            return "MissingParameter", "category_group_code parameter required"
        if code and code not in CATEGORY_GROUPS:
            return "InvalidArgument", f"category_group_code is invalid: {code}"
        try:
            x, y = float(params.get("x", "0")), float(params.get("y", "0"))
            radius = int(params.get("radius", "0"))
            page, size = int(params.get("page", "1")), int(params.get("size", "15"))
        except ValueError:
            return "InvalidArgument", "x, y, radius, page and size must be numbers"
        if not (-180 <= x <= 180 and -90 <= y <= 90):
            return "InvalidArgument", "x or y is out of range"
        if not 0 <= radius <= 20000:
            return "InvalidArgument", "radius must be between 0 and 20000"
        if path.endswith("category.json") and ("x" not in params or "radius" not in params):
            return "MissingParameter", "x, y, radius or rect parameter required"
        if not 1 <= page <= 45:
            return "InvalidArgument", "page is more than max"
        if not 1 <= size <= 15:
            return "InvalidArgument", "size is more than max"
        if params.get("sort", "accuracy") not in ("accuracy", "distance"):
            return "InvalidArgument", "sort is invalid"
        return None

    def _search(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        has_centre = "x" in params and "y" in params
        x, y = float(params.get("x", "0")), float(params.get("y", "0"))
        radius = int(params.get("radius", "0"))
        page, size = int(params.get("page", "1")), int(params.get("size", "15"))
        query = params.get("query", "")
        code = params.get("category_group_code", "")
        hits = []
        for place in self.places:
            if query and query not in place["place_name"] and query not in place["category_name"]:
                continue
            if code and place["category_group_code"] != code:
                continue
            d = _distance_m(y, x, float(place["y"]), float(place["x"])) if has_centre else None
            if d is not None and radius and d > radius:
                continue
            hits.append((d, place))
        if params.get("sort") == "distance":
            hits.sort(key=lambda h: (h[0] or 0.0, h[1]["id"]))
        pageable = hits[: 45 * size]
        chunk = pageable[(page - 1) * size : page * size]
        documents = [{**p, "distance": str(round(d)) if d is not None else ""} for d, p in chunk]
        return {
            "meta": {
                "total_count": len(hits),
                "pageable_count": len(pageable),
                "is_end": page * size >= len(pageable),
                "same_name": {"region": [], "keyword": query, "selected_region": ""} if query else None,
            },
            "documents": documents,
        }


def start(fake: FakeKakao) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            if fake.failures:
                fake.requests.append((url.path, params, headers))
                status, body, extra = fake.failures.pop(0)
            else:
                status, body, extra = *fake.answer(url.path, params, headers), {}
            payload = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.port = server.server_address[1]
    # A short poll interval: shutdown() waits for the loop to notice, once per test.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server
