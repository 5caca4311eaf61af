"""Pure token rules: claims, signing keys, refresh-token hashing and family reuse detection."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jose import jwk, jwt

from mesh.errors import InvalidInput, Unauthenticated

ALGORITHM = "ES256"
ISSUER = "wastecoach"
AUDIENCE = "wastecoach-app"
ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
# Verifiers may run a little behind our clock; a retired key outlives its tokens by this much.
CLOCK_SKEW = timedelta(minutes=1)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None = None


@dataclass(frozen=True)
class Account:
    user_id: str
    provider: str
    provider_user_id: str
    nickname: str
    email: str = ""
    email_verified: bool = False


@dataclass(frozen=True)
class ProviderProfile:
    """What a provider's user-info says about a person, in one shape for every provider."""

    provider: str
    provider_user_id: str
    email: str
    email_verified: bool
    nickname: str


@dataclass(frozen=True)
class RefreshRecord:
    token_hash: str
    family_id: str
    user_id: str
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str
    refresh_hash: str
    family_id: str
    expires_in: int
    user_id: str
    nickname: str


def new_signing_key(now: datetime) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    kid = uuid.uuid4().hex[:16]
    public = jwk.construct(public_pem, ALGORITHM).to_dict()
    public = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in public.items()}
    public.update({"kid": kid, "use": "sig", "alg": ALGORITHM})
    return SigningKey(kid, pem, public, now)


def active_key(keys: list[SigningKey]) -> SigningKey | None:
    live = [k for k in keys if k.retired_at is None]
    return max(live, key=lambda k: k.created_at) if live else None


def retire(key: SigningKey, now: datetime) -> SigningKey:
    return key if key.retired_at is not None else replace(key, retired_at=now)


def still_verifying(key: SigningKey, now: datetime) -> bool:
    """A retired key stays published until the last access token it signed has expired."""
    return key.retired_at is None or key.retired_at + ACCESS_TTL + CLOCK_SKEW > now


def published(keys: list[SigningKey], now: datetime) -> list[SigningKey]:
    return [k for k in keys if still_verifying(k, now)]


def jwks(keys: list[SigningKey]) -> dict[str, Any]:
    return {"keys": [k.public_jwk for k in sorted(keys, key=lambda k: k.created_at, reverse=True)]}


def hash_refresh(token: str) -> str:
    # Only the hash is stored: a leaked table cannot be replayed as tokens.
    return hashlib.sha256(token.encode()).hexdigest()


# States and one-time codes are bearer secrets too: stored the same way.
hash_secret = hash_refresh


def clean_dev_nickname(value: str) -> str:
    nickname = " ".join(value.split())
    if not 1 <= len(nickname) <= 32:
        raise InvalidInput("nickname must be 1 to 32 characters")
    return nickname


def issue(account: Account, key: SigningKey, now: datetime, family_id: str | None = None) -> IssuedTokens:
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": account.user_id,
        "nickname": account.nickname,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + ACCESS_TTL).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    access = jwt.encode(claims, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid})
    refresh = secrets.token_urlsafe(32)
    return IssuedTokens(
        access_token=access,
        refresh_token=refresh,
        refresh_hash=hash_refresh(refresh),
        family_id=family_id or uuid.uuid4().hex,
        expires_in=int(ACCESS_TTL.total_seconds()),
        user_id=account.user_id,
        nickname=account.nickname,
    )


def check_refresh(record: RefreshRecord | None, now: datetime) -> RefreshRecord:
    """The record if it may be redeemed; a reused token means theft: the caller revokes the family."""
    if record is None:
        raise Unauthenticated("refresh token is not valid")
    if record.revoked_at is not None:
        raise Unauthenticated("refresh token was revoked")
    if record.used_at is not None:
        raise RefreshReuse(record.family_id)
    if record.expires_at <= now:
        raise Unauthenticated("refresh token expired")
    return record


class RefreshReuse(Unauthenticated):
    def __init__(self, family_id: str) -> None:
        super().__init__("refresh token was already used; all sessions of this sign-in are revoked")
        self.family_id = family_id
