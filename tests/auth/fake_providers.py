"""Spec-faithful stand-ins for Kakao, Naver and Google, served over real HTTP on 127.0.0.1.

Each fake keeps the provider's paths, parameter rules, client authentication, PKCE check and
JSON shapes (successes and errors), so svc_auth talks to them exactly as to the real ones.
One uvicorn server in a background thread hosts all three under /kakao, /naver and /google.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    state: str
    challenge: str
    user: dict[str, Any]


@dataclass
class Issued:
    """An access token the fake handed out: whose it is and which app (client) it was issued to."""

    user: dict[str, Any]
    # Google: the OAuth client id (aud and azp); Kakao: the numeric App ID; Naver: the client id.
    app: str | int
    expires_at: float

    def expires_in(self) -> int:
        return int(self.expires_at - time.time())


@dataclass
class FakeProvider:
    name: str
    client_id: str
    client_secret: str
    pkce: bool
    # Google accepts HTTP Basic too; Kakao and Naver read the secret from the body only.
    basic_auth: bool
    # The app the client id belongs to, as the provider's token introspection names it: Kakao's
    # numeric App ID (the REST API key is client_id); Google and Naver: the client id itself.
    app_id: str | int = ""
    user: dict[str, Any] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Issued] = field(default_factory=dict)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    # Token-introspection calls: method, whether an Authorization header came, the access_token param.
    tokeninfo_requests: list[dict[str, str]] = field(default_factory=list)
    # An outage of the provider's APIs (token, user-info, introspection): each answers 503.
    down: bool = False

    def sign_in_as(self, user_info: dict[str, Any]) -> None:
        """The person who will consent at the next authorize request (the user-info JSON)."""
        self.user = user_info

    def issue_token(
        self, user_info: dict[str, Any], app: str | int | None = None, expires_in: int = 21599
    ) -> str:
        """An access token as the provider's native SDK would hand it to an app.

        `app` is the app it is issued to: ours (app_id) by default; pass another app's id (Kakao
        App ID, Google OAuth client id) for a token that some other app obtained for the same person.
        """
        token = secrets.token_urlsafe(24)
        chosen = (self.app_id or self.client_id) if app is None else app
        self.tokens[token] = Issued(dict(user_info), chosen, time.time() + expires_in)
        return token

    def live(self, token: str) -> Issued | None:
        issued = self.tokens.get(token)
        return issued if issued is not None and issued.expires_in() > 0 else None


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _authorize(fake: FakeProvider):
    async def endpoint(request: Request) -> Response:
        q = dict(request.query_params)
        fake.authorize_requests.append(q)
        # Bad client or redirect: providers show an error page, they never redirect (RFC 6749 4.1.2.1).
        if q.get("client_id") != fake.client_id or not q.get("redirect_uri"):
            return PlainTextResponse("invalid client_id or redirect_uri", status_code=400)
        redirect = q["redirect_uri"]
        state = q.get("state", "")

        def back(**params: str) -> RedirectResponse:
            if state:
                params["state"] = state
            return RedirectResponse(f"{redirect}?{urlencode(params)}", status_code=302)

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        if fake.name == "naver" and not state:
            return back(error="invalid_request", error_description="state is required")
        challenge = q.get("code_challenge", "")
        if challenge and (not fake.pkce or q.get("code_challenge_method") != "S256"):
            return back(error="invalid_request", error_description="unsupported code_challenge_method")
        code = secrets.token_urlsafe(16)
        fake.grants[code] = Grant(fake.client_id, redirect, state, challenge, dict(fake.user))
        return back(code=code)

    return endpoint


def _token_error(fake: FakeProvider, error: str, description: str, status: int) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "error_description": description}
    if fake.name == "kakao":
        body["error_code"] = {"invalid_client": "KOE010", "invalid_grant": "KOE320"}.get(error, "KOE101")
    # Naver answers errors with 200 and the error in the body.
    return JSONResponse(body, status_code=200 if fake.name == "naver" else status)


def _token(fake: FakeProvider):
    async def endpoint(request: Request) -> Response:
        if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return _token_error(fake, "invalid_request", "form-encoded body required", 400)
        form = {k: str(v) for k, v in (await request.form()).items()}
        fake.token_requests.append(form)
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = request.headers.get("authorization", "")
        if fake.basic_auth and basic.lower().startswith("basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
        if client_id != fake.client_id or secret != fake.client_secret:
            return _token_error(fake, "invalid_client", "Bad client credentials", 401)
        if form.get("grant_type") != "authorization_code":
            return _token_error(fake, "unsupported_grant_type", "grant_type not supported", 400)
        grant = fake.grants.pop(form.get("code", ""), None)  # single use, as everywhere
        if grant is None:
            return _token_error(fake, "invalid_grant", "authorization code not found", 400)
        if fake.name == "naver":
            if form.get("state") != grant.state:
                return _token_error(fake, "invalid_request", "no valid data in session", 400)
        elif form.get("redirect_uri") != grant.redirect_uri:
            return _token_error(fake, "invalid_grant", "redirect_uri mismatch", 400)
        if grant.challenge and _challenge(form.get("code_verifier", "")) != grant.challenge:
            return _token_error(fake, "invalid_grant", "code_verifier does not match", 400)
        token = fake.issue_token(grant.user)
        body: dict[str, Any] = {"access_token": token, "token_type": "bearer", "expires_in": 21599}
        if fake.name == "naver":
            body["expires_in"] = "3600"  # Naver sends it as a string
            body["refresh_token"] = secrets.token_urlsafe(16)
        elif fake.name == "kakao":
            body.update(refresh_token=secrets.token_urlsafe(16), scope="account_email profile_nickname")
        else:
            body.update(token_type="Bearer", scope="openid email profile", id_token="unused.by.svc_auth")
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return endpoint


def _userinfo(fake: FakeProvider):
    refusals = {
        "kakao": ({"msg": "this access token does not exist", "code": -401}, {}),
        "naver": ({"resultcode": "024", "message": "Authentication failed / 인증에 실패했습니다."}, {}),
        "google": (
            {"error": "invalid_request", "error_description": "Invalid Credentials"},
            {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
        ),
    }

    async def endpoint(request: Request) -> Response:
        issued = fake.live(_bearer(request))
        if issued is None:
            body, headers = refusals[fake.name]
            return JSONResponse(body, status_code=401, headers=headers)
        if fake.name == "naver":
            return JSONResponse({"resultcode": "00", "message": "success", "response": issued.user})
        return JSONResponse(issued.user)

    return endpoint


def _kakao_token_info(fake: FakeProvider):
    """GET /v1/user/access_token_info with a Bearer token: {id, expires_in, app_id}."""

    async def endpoint(request: Request) -> Response:
        token = _bearer(request)
        fake.tokeninfo_requests.append({"method": request.method, "authorization": str(bool(token))})
        if not token:
            return JSONResponse({"msg": "authorization header is missing", "code": -401}, status_code=401)
        issued = fake.live(token)
        if issued is None:
            return JSONResponse({"msg": "this access token does not exist", "code": -401}, status_code=401)
        return JSONResponse(
            {"id": issued.user["id"], "expires_in": issued.expires_in(), "app_id": issued.app}
        )

    return endpoint


def _google_tokeninfo(fake: FakeProvider):
    """GET (or POST form) /tokeninfo?access_token=…; values are strings, as Google sends them."""

    async def endpoint(request: Request) -> Response:
        params = dict(request.query_params)
        if request.method == "POST":
            params.update({k: str(v) for k, v in (await request.form()).items()})
        token = params.get("access_token", "")
        fake.tokeninfo_requests.append(
            {
                "method": request.method,
                "authorization": str("authorization" in request.headers),
                "access_token": token,
            }
        )
        if not token:
            return JSONResponse(
                {
                    "error": "invalid_request",
                    "error_description": "either access_token, id_token, or token_handle required",
                },
                status_code=400,
            )
        issued = fake.live(token)
        if issued is None:
            return JSONResponse(
                {"error": "invalid_token", "error_description": "Invalid Value"}, status_code=400
            )
        user, left = issued.user, issued.expires_in()
        body = {
            "azp": str(issued.app),
            "aud": str(issued.app),
            "sub": user["sub"],
            "scope": "openid https://www.googleapis.com/auth/userinfo.email "
            "https://www.googleapis.com/auth/userinfo.profile",
            "exp": str(int(issued.expires_at)),
            "expires_in": str(left),
            "access_type": "online",
        }
        if user.get("email"):
            verified = user.get("email_verified")
            body.update(email=user["email"], email_verified="true" if verified in (True, "true") else "false")
        return JSONResponse(body)

    return endpoint


PATHS = {
    "kakao": ("/oauth/authorize", "/oauth/token", "/v2/user/me"),
    "naver": ("/oauth2.0/authorize", "/oauth2.0/token", "/v1/nid/me"),
    "google": ("/o/oauth2/v2/auth", "/token", "/v1/userinfo"),
}
# Token introspection (which app a token was issued to); Naver has none.
TOKEN_INFO = {
    "kakao": ("/v1/user/access_token_info", _kakao_token_info, ["GET"]),
    "google": ("/tokeninfo", _google_tokeninfo, ["GET", "POST"]),
}


def _unless_down(fake: FakeProvider, endpoint):
    async def api(request: Request) -> Response:
        if fake.down:
            return PlainTextResponse("<html>503 Service Temporarily Unavailable</html>", status_code=503)
        return await endpoint(request)

    return api


def _app(fakes: dict[str, FakeProvider]) -> Starlette:
    mounts = []
    for name, fake in fakes.items():
        authorize, token, userinfo = PATHS[name]
        routes = [
            Route(authorize, _authorize(fake), methods=["GET"]),
            Route(token, _unless_down(fake, _token(fake)), methods=["POST"]),
            Route(userinfo, _unless_down(fake, _userinfo(fake)), methods=["GET", "POST"]),
        ]
        if name in TOKEN_INFO:
            path, endpoint, methods = TOKEN_INFO[name]
            routes.append(Route(path, _unless_down(fake, endpoint(fake)), methods=methods))
        mounts.append(Mount(f"/{name}", routes=routes))
    return Starlette(routes=mounts)


class FakeProviders:
    """Starts the three fakes on a free loopback port; `base_url(name)` goes into AuthSettings."""

    def __init__(self) -> None:
        self.kakao = FakeProvider(
            "kakao", "kakao-app-key", "kakao-secret", pkce=True, basic_auth=False, app_id=1001234
        )
        self.naver = FakeProvider("naver", "naver-client", "naver-secret", pkce=False, basic_auth=False)
        self.google = FakeProvider(
            "google", "google-client.apps.googleusercontent.com", "google-secret", pkce=True, basic_auth=True
        )
        self.all = {"kakao": self.kakao, "naver": self.naver, "google": self.google}
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def base_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def start(self) -> FakeProviders:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(_app(self.all), log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="fake-providers", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake providers did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
