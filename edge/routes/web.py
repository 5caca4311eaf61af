"""The web client at `/`: static HTML, JS and CSS shipped inside the package, no CDN and no build step.

A strict Content-Security-Policy keeps the page to its own origin: scripts, styles, API calls and
images come from the edge alone (Kakao Map is only ever a link the person follows).
"""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from edge.deps import MeshDep, SettingsDep
from edge.errors import ApiError

router = APIRouter(include_in_schema=False)
_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "icon.svg": "image/svg+xml",
}
# blob: for the preview of the photo being scanned; nothing else may come from anywhere but here.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidated on every load (cheap: 304 by ETag), so a new release shows at once.
    "Cache-Control": "no-cache",
}


@functools.cache
def _asset(name: str) -> tuple[bytes, str]:
    """The file and its ETag, read once per process (on first request, never at import)."""
    data = (resources.files("edge") / "web" / name).read_bytes()
    return data, f'"{hashlib.sha256(data).hexdigest()[:16]}"'


def _serve(name: str, request: Request) -> Response:
    data, etag = _asset(name)
    headers = {**_HEADERS, "ETag": etag}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=_TYPES[name], headers=headers)


@router.get("/")
async def index(request: Request) -> Response:
    return _serve("index.html", request)


@router.get("/web/config.json")
async def config(mesh: MeshDep, settings: SettingsDep) -> JSONResponse:
    """What the page offers for sign-in: the dev sign-in outside production, and the providers."""
    return JSONResponse(
        {"dev_sign_in": not mesh.production, "providers": settings.web_sign_in_providers},
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/web/{name}")
async def asset(name: str, request: Request) -> Response:
    if name not in _TYPES or name == "index.html":
        raise ApiError(404, "not found")
    return _serve(name, request)
