"""Settings shared by every component, read from `WASTECOACH_*` variables by entry points only."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from mesh.identity import IdentityKey, load_key

DEFAULT_PORTS = {"auth": 50051, "users": 50052, "waste": 50053, "coach": 50054, "locations": 50055}
# Production never runs on the embedded backends (SQLite, in-process cache and queue).
PRODUCTION_URLS = {
    "database_url": "WASTECOACH_DATABASE_URL",
    "redis_url": "WASTECOACH_REDIS_URL",
    "rabbit_url": "WASTECOACH_RABBIT_URL",
    "internal_key": "WASTECOACH_INTERNAL_KEY",
}


def env_alias(*names: str) -> AliasChoices:
    """The variables a setting is read from, first found wins: its own, then a shared older one."""
    return AliasChoices(*(f"WASTECOACH_{name}" for name in names))


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("wastecoach"))


class MeshSettings(BaseSettings):
    # populate_by_name: settings whose variables have aliases (see `env_alias`) are still set by name.
    model_config = SettingsConfigDict(env_prefix="WASTECOACH_", extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default_factory=_default_data_dir)
    # Unset: each service keeps its tables in its own SQLite file under data_dir.
    database_url: str | None = None
    redis_url: str | None = None
    rabbit_url: str | None = None
    log_level: str = "INFO"
    # Unset: JSON lines when stderr is not a terminal or in production, readable lines otherwise.
    log_json: bool | None = None

    grpc_host: str = "0.0.0.0"
    grpc_port: int | None = None
    grpc_deadline_s: float = 10.0
    grpc_grace_s: float = 5.0
    metrics_port: int | None = None
    # Signs the caller's identity between processes; unset (development), a key file in data_dir.
    internal_key: str = ""

    auth_addr: str = f"127.0.0.1:{DEFAULT_PORTS['auth']}"
    users_addr: str = f"127.0.0.1:{DEFAULT_PORTS['users']}"
    waste_addr: str = f"127.0.0.1:{DEFAULT_PORTS['waste']}"
    coach_addr: str = f"127.0.0.1:{DEFAULT_PORTS['coach']}"
    locations_addr: str = f"127.0.0.1:{DEFAULT_PORTS['locations']}"

    @property
    def production(self) -> bool:
        return self.env == "production"

    def check_production(self) -> None:
        """Stops a production process at its start when a backend URL is missing or empty: the
        embedded fallback would only fail later, after accepting work it cannot keep."""
        missing = [variable for name, variable in PRODUCTION_URLS.items() if not getattr(self, name)]
        if self.production and missing:
            raise SystemExit(f"WASTECOACH_ENV=production needs {', '.join(missing)}; not starting")

    def identity_key(self) -> IdentityKey:
        return load_key(self.internal_key, self.data_dir)

    def database_url_for(self, service: str) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{self.data_dir / f'{service}.sqlite3'}"

    def port_for(self, service: str) -> int:
        return self.grpc_port if self.grpc_port is not None else DEFAULT_PORTS[service]

    def address_of(self, service: str) -> str:
        return getattr(self, f"{service}_addr")
