"""Who is calling: a signed, short-lived internal identity that every service verifies.

The edge verifies the user's token and names the user in `x-user-id` metadata; the channel's
`SignIdentity` interceptor replaces that claim with `x-wc-identity`, an HMAC over the caller, the
RPC method and an expiry, made with the mesh's shared key. A server's `VerifyIdentity` checks it
and never trusts a plaintext `x-user-id`: a process that merely reaches a service port can act for
nobody, and a token seen on the wire is good for one method for a minute at most.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc

from mesh.grpc_wrap import Behaviour, UnaryWrapper

USER_ID_KEY = "x-user-id"
TOKEN_KEY = "x-wc-identity"
# Workers (queue consumers) call the worker RPCs under this identity.
SYSTEM_CALLER = "system"
TOKEN_TTL_S = 60
# Pods' clocks differ a little; a token is still good this long after its expiry.
LEEWAY_S = 30
KEY_FILE = "internal-identity.key"

_caller: contextvars.ContextVar[str | None] = contextvars.ContextVar("wastecoach_caller", default=None)


class IdentityKey:
    """The mesh's shared secret: signs on the way out, verifies on the way in."""

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("the internal identity key needs at least 16 bytes")
        self._secret = secret

    def _mac(self, caller: str, method: str, expires: int) -> str:
        message = f"{expires}\n{method}\n{caller}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def sign(self, caller: str, method: str, now: float | None = None) -> str:
        expires = int((time.time() if now is None else now) + TOKEN_TTL_S)
        return f"v1:{expires}:{self._mac(caller, method, expires)}:{caller}"

    def verify(self, token: str, method: str, now: float | None = None) -> str:
        """The caller the token names; ValueError when it is forged, for another method or old."""
        version, expires, mac, caller = [*token.split(":", 3), "", "", ""][:4]
        if version != "v1" or not expires.isdigit() or not caller:
            raise ValueError("malformed internal identity")
        if not hmac.compare_digest(mac, self._mac(caller, method, int(expires))):
            raise ValueError("internal identity signature does not match")
        if int(expires) + LEEWAY_S < (time.time() if now is None else now):
            raise ValueError("internal identity expired")
        return caller


def load_key(configured: str, data_dir: Path) -> IdentityKey:
    """The configured key, else one kept in the data dir so every local process shares it."""
    if configured:
        return IdentityKey(configured.encode())
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under another name, then linked into place: a process starting at the same
        # moment sees no key file or a complete one, and the first link wins.
        draft = data_dir / f".{KEY_FILE}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return IdentityKey(path.read_bytes().strip())


def _method_name(method: str | bytes) -> str:
    return method.decode() if isinstance(method, bytes) else method


class SignIdentity(grpc.aio.UnaryUnaryClientInterceptor):
    """Turns the caller's `x-user-id` claim into a signed identity for this one method."""

    def __init__(self, key: IdentityKey) -> None:
        self.key = key

    async def intercept_unary_unary(
        self, continuation: Callable[..., Any], details: grpc.aio.ClientCallDetails, request: Any
    ) -> Any:
        metadata = list(details.metadata or ())
        claims = [value for key, value in metadata if key == USER_ID_KEY]
        if claims:
            token = self.key.sign(str(claims[-1]), _method_name(details.method))
            kept = [(key, value) for key, value in metadata if key not in (USER_ID_KEY, TOKEN_KEY)]
            details = details._replace(metadata=grpc.aio.Metadata(*kept, (TOKEN_KEY, token)))
        return await continuation(details, request)


class VerifyIdentity(UnaryWrapper):
    """Checks the signed identity before the handler runs and hands the caller to `require_*`."""

    def __init__(self, key: IdentityKey) -> None:
        self.key = key

    def wrap(self, inner: Behaviour, details: grpc.HandlerCallDetails) -> Behaviour:
        key, method = self.key, details.method
        tokens = [value for name, value in details.invocation_metadata or () if name == TOKEN_KEY]

        async def verified(request: Any, context: grpc.aio.ServicerContext) -> Any:
            caller = None
            if tokens:
                try:
                    caller = key.verify(str(tokens[-1]), method)
                except ValueError as exc:
                    await context.abort(grpc.StatusCode.UNAUTHENTICATED, str(exc))
            reset = _caller.set(caller)
            try:
                return await inner(request, context)
            finally:
                _caller.reset(reset)

        return verified


def user_metadata(user_id: str) -> tuple[tuple[str, str], ...]:
    return ((USER_ID_KEY, user_id),)


def system_metadata() -> tuple[tuple[str, str], ...]:
    return ((USER_ID_KEY, SYSTEM_CALLER),)


async def require_user(context: grpc.aio.ServicerContext) -> str:
    caller = _caller.get()
    if caller is None or caller == SYSTEM_CALLER:
        await context.abort(grpc.StatusCode.UNAUTHENTICATED, "a signed user identity is required")
    return caller


async def require_system(context: grpc.aio.ServicerContext) -> None:
    if _caller.get() != SYSTEM_CALLER:
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, "only workers may call this method")
