"""Access-token verification at the edge: ES256 against a cached JWKS, no gRPC call per request."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from jose import JWTError, jwt

from edge.errors import ApiError

ALGORITHMS = ["ES256"]  # pinned: `none` and HS256-with-a-public-key are refused by construction
ISSUER = "wastecoach"
AUDIENCE = "wastecoach-app"
# Clocks of svc_auth and an edge may disagree a little: nbf, iat and exp get this much slack.
LEEWAY_S = 30
# Every claim our tokens carry must be present: a token without `aud` is not ours to accept.
REQUIRED = {f"require_{claim}": True for claim in ("aud", "iss", "sub", "iat", "nbf", "exp")}
# An unknown kid triggers at most one JWKS refresh per this many seconds (no refresh storms).
MIN_REFRESH_S = 10.0
# Verified tokens are remembered until they expire: the app sends the same token on every call,
# and an ES256 verification costs more than the rest of the edge's work.
VERIFIED_CACHE_SIZE = 10_000


@dataclass(frozen=True)
class Identity:
    user_id: str
    nickname: str


def _unauthorized(detail: str) -> ApiError:
    return ApiError(
        401,
        "token_invalid",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        args={"reason": detail},
    )


class TokenVerifier:
    def __init__(
        self,
        fetch_jwks: Callable[[], Awaitable[str]],
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch_jwks
        self._ttl = ttl_s
        self._clock = clock
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self._verified: dict[str, tuple[float, Identity]] = {}

    async def _refresh(self, force: bool) -> None:
        async with self._lock:
            age = self._clock() - self._fetched_at
            if (not force and age < self._ttl) or (force and age < MIN_REFRESH_S):
                return
            document = json.loads(await self._fetch())
            self._keys = {k["kid"]: k for k in document.get("keys", []) if "kid" in k}
            self._fetched_at = self._clock()

    async def _key(self, kid: str) -> dict[str, Any]:
        await self._refresh(force=False)
        if kid not in self._keys:
            # Maybe the key was rotated since we last looked.
            await self._refresh(force=True)
        if kid not in self._keys:
            raise _unauthorized("the token was signed by an unknown key")
        return self._keys[kid]

    async def verify(self, token: str) -> Identity:
        hit = self._verified.get(token)
        if hit is not None and hit[0] > time.time():
            return hit[1]
        identity, expires_at = await self._verify(token)
        if len(self._verified) >= VERIFIED_CACHE_SIZE:
            now = time.time()
            self._verified = {t: v for t, v in self._verified.items() if v[0] > now}
            if len(self._verified) >= VERIFIED_CACHE_SIZE:
                self._verified.clear()
        self._verified[token] = (expires_at, identity)
        return identity

    async def _verify(self, token: str) -> tuple[Identity, float]:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError as exc:
            raise _unauthorized("the token is malformed") from exc
        if header.get("alg") not in ALGORITHMS:
            raise _unauthorized("the token's algorithm is not accepted")
        key = await self._key(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=ALGORITHMS,
                audience=AUDIENCE,
                issuer=ISSUER,
                options={**REQUIRED, "leeway": LEEWAY_S},
            )
        except JWTError as exc:
            raise _unauthorized(f"the token is not valid: {exc}") from exc
        subject = claims.get("sub")
        if not subject or not isinstance(claims.get("exp"), int) or not isinstance(claims.get("iat"), int):
            raise _unauthorized("the token names no user, no expiry or no issue time")
        # jose checks only that iat is a number; one from the future is no more valid than such an nbf.
        if claims["iat"] > time.time() + LEEWAY_S:
            raise _unauthorized("the token is not valid: it was issued in the future")
        return Identity(str(subject), str(claims.get("nickname", ""))), float(claims["exp"])
