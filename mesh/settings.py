"""Settings shared by every component, and how a section of settings is read from the environment.

Each component has its own section (a `SettingsSection` holding only its fields); `MeshSettings`
is what every process shares. Entry points alone read the `WASTECOACH_*` variables (`read_env`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal, TypeVar

import platformdirs
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import EnvSettingsSource
from pydantic_settings.exceptions import SettingsError

from mesh.identity import IdentityKey, load_key

ENV_PREFIX = "WASTECOACH_"
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
    return AliasChoices(*(f"{ENV_PREFIX}{name}" for name in names))


class SettingsSection(BaseModel):
    """One component's settings. Built in code it has its defaults and never looks at the
    environment; `read_env` fills it from the variables."""

    # populate_by_name: settings whose variables have aliases (see `env_alias`) are still set by name;
    # forbid: a setting given to the wrong section fails rather than being dropped.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


Section = TypeVar("Section", bound=SettingsSection)


class InvalidSetting(SystemExit):
    """A variable with a value its setting cannot take: one line naming the variable, not a traceback."""


def env_names(section: type[SettingsSection]) -> set[str]:
    """The variables that set the section's settings (their `env_alias` names included)."""
    names = set()
    for name, field in section.model_fields.items():
        alias = field.validation_alias
        names.update(alias.choices if isinstance(alias, AliasChoices) else [f"{ENV_PREFIX}{name}".upper()])
    return {str(n).upper() for n in names}


def read_env(section: type[Section]) -> Section:
    """A section from `WASTECOACH_<SETTING>` (or its `env_alias` names): the variables stay flat,
    whichever section holds a setting. For entry points only."""
    try:
        values = EnvSettingsSource(section, env_prefix=ENV_PREFIX, case_sensitive=False)()
        return section.model_validate(values)
    except SettingsError as exc:  # a list or an object that is not JSON
        field = str(exc).split('"')[1] if '"' in str(exc) else "?"
        raise InvalidSetting(
            f'{ENV_PREFIX}{field.upper()}: not valid JSON (a list looks like ["a", "b"])'
        ) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{str(e['loc'][0]).upper()}={e.get('input')!r}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidSetting(f"{problems}; not starting") from exc


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("wastecoach"))


class MeshSettings(SettingsSection):
    """What every process shares: where it runs, its backends, the services' addresses."""

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

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, level: str) -> str:
        if level.upper() not in logging.getLevelNamesMapping():
            raise ValueError("should be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level.upper()

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
