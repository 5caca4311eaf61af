"""Wires svc_auth: engine, repository, providers, signing key bootstrap, servicer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from mesh.cache import Cache, InProcessCache
from mesh.component import ServiceComponent
from mesh.db import create_engine, ping, session_factory
from mesh.grpc_server import ServiceSpec
from mesh.migrate import upgrade_async
from mesh.settings import MeshSettings
from protos.wastecoach.auth.v1 import auth_pb2, auth_pb2_grpc
from svc_auth import domain
from svc_auth.oauth import OAuthProvider
from svc_auth.pending import PendingSignIns
from svc_auth.providers import SPECS
from svc_auth.repo import AuthRepo
from svc_auth.servicer import AuthServicer
from svc_auth.settings import AuthSettings
from svc_auth.signin import FlowConfig, SignIn

MIGRATIONS = Path(__file__).parent / "migrations"
SERVICE_NAME = auth_pb2.DESCRIPTOR.services_by_name["AuthService"].full_name


def _now() -> datetime:
    return datetime.now(UTC)


def configured_providers(settings: AuthSettings) -> dict[str, OAuthProvider]:
    """Only providers with both a client id and a secret; the others answer "not configured"."""
    providers = {}
    for name, spec in SPECS.items():
        client_id = getattr(settings, f"{name}_client_id")
        secret = getattr(settings, f"{name}_client_secret")
        if client_id and secret.get_secret_value():
            providers[name] = OAuthProvider(
                spec.at(getattr(settings, f"{name}_base_url")),
                client_id,
                secret,
                settings.provider_timeout_s,
                sdk_audience=settings.sdk_audience(name),
                accept_unchecked_sdk_tokens=settings.accepts_unchecked_sdk_tokens(name),
            )
    return providers


def build(mesh: MeshSettings, settings: AuthSettings, cache: Cache | None = None) -> ServiceComponent:
    """cache: where started sign-ins wait for their callback; shared (Redis) when several run."""
    url = mesh.database_url_for("auth")
    engine = create_engine(url)
    repo = AuthRepo(session_factory(engine))
    config = FlowConfig(
        redirect_uri_for=settings.redirect_uri_for,
        app_redirect_allowlist=list(settings.app_redirect_allowlist),
        state_ttl=timedelta(seconds=settings.oauth_state_ttl_s),
        code_ttl=timedelta(seconds=settings.one_time_code_ttl_s),
    )
    signin = SignIn(
        repo, PendingSignIns(cache or InProcessCache()), configured_providers(settings), config, _now
    )

    async def ensure_signing_key() -> None:
        if domain.active_key(await repo.keys()) is None:
            await repo.add_key(domain.new_signing_key(_now()))

    return ServiceComponent(
        name="auth",
        specs=[
            ServiceSpec(
                SERVICE_NAME,
                auth_pb2_grpc.add_AuthServiceServicer_to_server,
                AuthServicer(repo, signin, production=mesh.production, clock=_now),
            )
        ],
        startup=ensure_signing_key,
        migrate=lambda: upgrade_async(url, MIGRATIONS, "alembic_version_auth"),
        shutdown=engine.dispose,
        check=lambda: ping(engine),
    )
