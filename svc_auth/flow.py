"""Pure rules of the OAuth sign-in flow: state, app redirects, one-time codes, account linking."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

from mesh.errors import InvalidInput, Unauthenticated
from svc_auth.domain import Account, ProviderProfile, hash_secret

DEFAULT_NICKNAME = "user"
# RFC 7636: an S256 challenge is the unpadded base64url SHA-256 of a verifier of 43 to 128
# unreserved characters.
_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
# RFC 6750 b64token, at most 4 KiB: an SDK token travels on to the provider in a header.
_SDK_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]{1,4096}=*")


@dataclass(frozen=True)
class PendingSignIn:
    """A started sign-in, stored under the hash of its state until the callback consumes it."""

    state_hash: str
    provider: str
    # Sent to the provider at authorize; the token request must repeat it exactly.
    redirect_uri: str
    # Where the app wants to land; empty: the callback answers with tokens.
    app_redirect_uri: str
    code_verifier: str
    expires_at: datetime
    # The app's own PKCE challenge (S256): the one-time code is redeemed only with its verifier.
    app_code_challenge: str = ""


@dataclass(frozen=True)
class OneTimeCode:
    code_hash: str
    user_id: str
    expires_at: datetime
    code_challenge: str = ""


def check_app_redirect(uri: str, allowlist: list[str]) -> str:
    """Exact matches only: a prefix or pattern rule is how open redirects creep in."""
    if not uri:
        return ""
    if uri not in allowlist or "#" in uri:
        raise InvalidInput("redirect_uri is not an allowed app redirect")
    return uri


def check_app_challenge(app_redirect_uri: str, challenge: str, method: str) -> str:
    """The app's PKCE challenge, required where the sign-in ends in a one-time code on a deep link.

    A deep link can be caught by another app that registered the same scheme, and a code can be
    pushed into a victim's app (login CSRF): only the app holding the verifier may redeem it.
    """
    if not app_redirect_uri:
        if challenge:
            raise InvalidInput(
                "code_challenge goes with a redirect_uri: only a deep-link sign-in ends in a code"
            )
        return ""
    if not _CHALLENGE.fullmatch(challenge):
        raise InvalidInput(
            "a sign-in to an app link needs PKCE: code_challenge must be the base64url SHA-256 of the "
            "app's code_verifier (43 characters, RFC 7636)"
        )
    if method != "S256":
        raise InvalidInput("code_challenge_method must be S256")
    return challenge


def verifier_matches(challenge: str, verifier: str) -> bool:
    if not challenge or not _VERIFIER.fullmatch(verifier):
        return False
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return hmac.compare_digest(digest, challenge)


def start(
    provider: str,
    redirect_uri: str,
    app_redirect_uri: str,
    pkce: bool,
    now: datetime,
    ttl: timedelta,
    app_code_challenge: str = "",
) -> tuple[str, PendingSignIn]:
    state = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64) if pkce else ""  # 86 characters, within RFC 7636's 43..128
    pending = PendingSignIn(
        hash_secret(state), provider, redirect_uri, app_redirect_uri, verifier, now + ttl, app_code_challenge
    )
    return state, pending


def check_pending(pending: PendingSignIn | None, provider: str, now: datetime) -> PendingSignIn:
    # One message for every case: a caller learns nothing about which states exist.
    if pending is None or pending.provider != provider or pending.expires_at <= now:
        raise Unauthenticated("the sign-in state is unknown, expired or already used; start again")
    return pending


def new_code(
    user_id: str, now: datetime, ttl: timedelta, code_challenge: str = ""
) -> tuple[str, OneTimeCode]:
    code = secrets.token_urlsafe(32)
    return code, OneTimeCode(hash_secret(code), user_id, now + ttl, code_challenge)


def app_redirect_url(app_redirect_uri: str, code: str) -> str:
    parts = urlsplit(app_redirect_uri)
    query = "&".join(q for q in (parts.query, urlencode({"code": code})) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def nickname_of(profile: ProviderProfile) -> str:
    nickname = " ".join(profile.nickname.split())[:32]
    return nickname or DEFAULT_NICKNAME


def choose_account(
    profile: ProviderProfile,
    known: Account | None,
    same_verified_email: Account | None,
    new_user_id: str,
) -> Account:
    """The account this sign-in lands in: the known one, a link by verified e-mail, or a new user.

    Linking needs the e-mail verified on both sides: otherwise whoever types someone's address
    into a provider that does not verify it would walk into that person's history.
    """
    if known is not None:
        return known
    user_id = new_user_id
    if profile.email_verified and same_verified_email is not None:
        user_id = same_verified_email.user_id
    return Account(
        user_id=user_id,
        provider=profile.provider,
        provider_user_id=profile.provider_user_id,
        nickname=nickname_of(profile),
        email=profile.email,
        email_verified=profile.email_verified,
    )


def check_sdk_token(access_token: str) -> str:
    """Refused before any call: a token that cannot be a Bearer token is the caller's mistake, not
    a provider outage (the HTTP client would fail building the request)."""
    if not _SDK_TOKEN.fullmatch(access_token):
        raise InvalidInput("access_token must be the provider's Bearer token (RFC 6750)")
    return access_token
