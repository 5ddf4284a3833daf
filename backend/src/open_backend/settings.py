"""The backend's configuration: one typed, frozen object read from the environment once.

Every setting is an environment variable; its field description names the variable and its default.
An empty variable counts as unset. :func:`get_settings` reads the environment on first call and
returns the same object afterwards; tests build :class:`Settings` directly instead.

Production mode fails fast: it refuses the development secret key and any key shorter than
:data:`MIN_SECRET_KEY_BYTES`, and it turns GraphiQL off whatever ``OPEN_GRAPHIQL`` says.
"""

from __future__ import annotations

import enum
import functools
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from core_engine.limits import MAX_NODES
from open_backend.observability.logging import LogFormat

#: The secret key used when ``OPEN_SECRET_KEY`` is unset; refused in production.
DEVELOPMENT_SECRET_KEY: Final = "open-development-secret-key-never-use-in-production"  # noqa: S105

#: Shortest secret key accepted in production, in bytes of its UTF-8 encoding.
MIN_SECRET_KEY_BYTES: Final = 32

#: File name of the embedded SQLite database inside ``OPEN_DATA_DIR``.
SQLITE_FILE_NAME: Final = "open.db"

#: The async drivers the backend runs on, by SQLAlchemy driver name.
_ASYNC_DRIVERS: Final = {"postgresql": "postgresql+asyncpg", "sqlite": "sqlite+aiosqlite"}
_DRIVER_ALIASES: Final = {
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
}

DatabaseBackend = Literal["postgresql", "sqlite"]


class Environment(enum.StrEnum):
    """The mode the backend runs in (``OPEN_ENV``)."""

    DEVELOPMENT = "development"  # local work: GraphiQL on by default, development secret allowed
    TEST = "test"  # automated tests: GraphiQL off by default
    PRODUCTION = "production"  # real deployments: strong secret required, GraphiQL forced off


def normalize_database_url(url: str) -> str:
    """Return ``url`` rewritten for the async driver of its database.

    ``postgres://`` and ``postgresql://`` become ``postgresql+asyncpg://``; ``sqlite://`` becomes
    ``sqlite+aiosqlite://``; URLs already naming those drivers are returned unchanged in meaning.

    Raises:
        ValueError: the URL cannot be parsed, or names a database or driver other than PostgreSQL
            via asyncpg or SQLite via aiosqlite.
    """
    try:
        parsed = make_url(url)
    except Exception as exc:  # SQLAlchemy raises ArgumentError, or ValueError from the port
        raise ValueError(f"DATABASE_URL is not a database URL: {exc}") from exc
    driver = _DRIVER_ALIASES.get(parsed.drivername)
    if driver is None:
        supported = ", ".join(sorted(_ASYNC_DRIVERS.values()))
        raise ValueError(
            f"DATABASE_URL uses the unsupported driver {parsed.drivername!r}; use one of: {supported}"
        )
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def sqlite_url(path: Path) -> str:
    """The aiosqlite URL of the SQLite database file at ``path`` (made absolute)."""
    return f"sqlite+aiosqlite:///{path.resolve().as_posix()}"


class Settings(BaseSettings):
    """Everything the backend reads from its environment, validated once and frozen.

    Build it with no arguments to read the environment, or pass fields by name (tests do).
    Durations are in seconds and sizes in bytes.

    Raises:
        pydantic.ValidationError: a variable does not parse, a limit is out of range, or the
            production secret key is the development default or shorter than 32 bytes.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        case_sensitive=True,
        env_ignore_empty=True,
        validate_by_name=True,
        validate_by_alias=True,
    )

    env: Environment = Field(
        default=Environment.DEVELOPMENT,
        validation_alias="OPEN_ENV",
        description="OPEN_ENV: development | test | production. Default: development.",
    )
    data_dir: Path = Field(
        default=Path(".data"),
        validation_alias="OPEN_DATA_DIR",
        description=(
            "OPEN_DATA_DIR: folder for the embedded database and local artifacts, made absolute "
            "against the working directory at load time. Default: .data"
        ),
    )
    database_url: str = Field(
        default="",
        validate_default=True,
        repr=False,  # may hold a password
        validation_alias="DATABASE_URL",
        description=(
            "DATABASE_URL: SQLAlchemy URL of the database; postgresql:// and postgres:// are "
            "rewritten to postgresql+asyncpg://, sqlite:// to sqlite+aiosqlite://. "
            "Default: SQLite (aiosqlite) at <OPEN_DATA_DIR>/open.db, migrated automatically."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        repr=False,  # may hold a password
        validation_alias="REDIS_URL",
        description=(
            "REDIS_URL: redis://, rediss:// or unix:// URL of the Redis used by the arq workers. "
            "Default: unset, executions run in-process."
        ),
    )
    secret_key: SecretStr = Field(
        default=SecretStr(DEVELOPMENT_SECRET_KEY),
        validation_alias="OPEN_SECRET_KEY",
        description=(
            "OPEN_SECRET_KEY: key signing tokens. Default: a fixed development value, refused in "
            "production, where at least 32 bytes are required."
        ),
    )
    jwt_issuer: str = Field(
        default="open",
        min_length=1,
        validation_alias="OPEN_JWT_ISSUER",
        description="OPEN_JWT_ISSUER: the iss claim of issued tokens. Default: open",
    )
    jwt_audience: str = Field(
        default="open",
        min_length=1,
        validation_alias="OPEN_JWT_AUDIENCE",
        description="OPEN_JWT_AUDIENCE: the aud claim of issued tokens. Default: open",
    )
    access_token_ttl_s: int = Field(
        default=900,
        gt=0,
        validation_alias="OPEN_ACCESS_TOKEN_TTL_S",
        description="OPEN_ACCESS_TOKEN_TTL_S: lifetime of an access token, seconds. Default: 900",
    )
    refresh_token_ttl_s: int = Field(
        default=30 * 86_400,
        gt=0,
        validation_alias="OPEN_REFRESH_TOKEN_TTL_S",
        description=(
            "OPEN_REFRESH_TOKEN_TTL_S: lifetime of a refresh token, seconds; must exceed the access "
            "token's. Default: 2592000 (30 days)"
        ),
    )
    graphiql: bool = Field(
        default=None,
        validate_default=True,
        validation_alias="OPEN_GRAPHIQL",
        description=(
            "OPEN_GRAPHIQL: serve the GraphiQL IDE. Default: on in development, off otherwise; "
            "always off in production."
        ),
    )
    max_request_bytes: int = Field(
        default=2 * 1024 * 1024,
        gt=0,
        validation_alias="OPEN_MAX_REQUEST_BYTES",
        description="OPEN_MAX_REQUEST_BYTES: largest accepted request body, bytes. Default: 2097152",
    )
    max_definition_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        validation_alias="OPEN_MAX_DEFINITION_BYTES",
        description=(
            "OPEN_MAX_DEFINITION_BYTES: largest DAG definition (canonical JSON), bytes; at most "
            "OPEN_MAX_REQUEST_BYTES. Default: 1048576"
        ),
    )
    max_dag_nodes: int = Field(
        default=10_000,
        gt=0,
        le=MAX_NODES,
        validation_alias="OPEN_MAX_DAG_NODES",
        description=(
            f"OPEN_MAX_DAG_NODES: most nodes in one DAG definition, at most the engine's {MAX_NODES}. "
            "Default: 10000"
        ),
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        validation_alias="OPEN_DB_POOL_SIZE",
        description="OPEN_DB_POOL_SIZE: PostgreSQL connections kept open per process. Default: 10",
    )
    db_max_overflow: int = Field(
        default=10,
        ge=0,
        validation_alias="OPEN_DB_MAX_OVERFLOW",
        description=(
            "OPEN_DB_MAX_OVERFLOW: extra PostgreSQL connections opened under load beyond the pool. "
            "Default: 10"
        ),
    )
    jwt_previous_keys: SecretStr = Field(
        default=SecretStr(""),
        validation_alias="OPEN_JWT_PREVIOUS_KEYS",
        description=(
            "OPEN_JWT_PREVIOUS_KEYS: comma-separated earlier values of OPEN_SECRET_KEY whose access "
            "tokens still verify after a key rotation (new tokens always use OPEN_SECRET_KEY); remove "
            "a key once OPEN_ACCESS_TOKEN_TTL_S has passed since the rotation. Production applies the "
            "OPEN_SECRET_KEY rules to each. Default: none"
        ),
    )
    public_url: str | None = Field(
        default=None,
        validation_alias="OPEN_PUBLIC_URL",
        description=(
            "OPEN_PUBLIC_URL: the backend's base URL as browsers reach it (e.g. "
            "https://open.example.org), used to build OAuth redirect URIs behind a proxy. "
            "Default: unset, taken from each request"
        ),
    )
    app_url: str = Field(
        default="/",
        min_length=1,
        validation_alias="OPEN_APP_URL",
        description=(
            "OPEN_APP_URL: where the browser is sent after an OAuth sign-in (the web app); a failed "
            "sign-in adds ?auth_error=<reason>. Default: /"
        ),
    )
    oidc_issuer: str | None = Field(
        default=None,
        validation_alias="OPEN_OIDC_ISSUER",
        description=(
            "OPEN_OIDC_ISSUER: issuer URL of a generic OpenID Connect provider (its discovery "
            "document is <issuer>/.well-known/openid-configuration); enables sign-in at "
            "/auth/oidc/oidc/login. Needs OPEN_OIDC_CLIENT_ID and OPEN_OIDC_CLIENT_SECRET; https in "
            "production. Default: unset (no generic provider)"
        ),
    )
    oidc_client_id: str | None = Field(
        default=None,
        validation_alias="OPEN_OIDC_CLIENT_ID",
        description="OPEN_OIDC_CLIENT_ID: OPEN's client id at the OpenID Connect provider. Default: unset",
    )
    oidc_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias="OPEN_OIDC_CLIENT_SECRET",
        description="OPEN_OIDC_CLIENT_SECRET: OPEN's client secret at that provider. Default: unset",
    )
    oidc_scopes: str = Field(
        default="openid email profile",
        validation_alias="OPEN_OIDC_SCOPES",
        description=(
            "OPEN_OIDC_SCOPES: space-separated scopes requested from the OpenID Connect provider; "
            "must include openid. Default: openid email profile"
        ),
    )
    github_client_id: str | None = Field(
        default=None,
        validation_alias="OPEN_GITHUB_CLIENT_ID",
        description=(
            "OPEN_GITHUB_CLIENT_ID: client id of a GitHub OAuth app; enables sign-in at "
            "/auth/oidc/github/login. Needs OPEN_GITHUB_CLIENT_SECRET. Default: unset"
        ),
    )
    github_client_secret: SecretStr | None = Field(
        default=None,
        validation_alias="OPEN_GITHUB_CLIENT_SECRET",
        description="OPEN_GITHUB_CLIENT_SECRET: client secret of that GitHub OAuth app. Default: unset",
    )
    github_url: str = Field(
        default="https://github.com",
        min_length=1,
        validation_alias="OPEN_GITHUB_URL",
        description=(
            "OPEN_GITHUB_URL: GitHub's web URL, hosting /login/oauth/authorize and "
            "/login/oauth/access_token (change it for GitHub Enterprise Server). "
            "Default: https://github.com"
        ),
    )
    github_api_url: str = Field(
        default="https://api.github.com",
        min_length=1,
        validation_alias="OPEN_GITHUB_API_URL",
        description=(
            "OPEN_GITHUB_API_URL: GitHub's REST API URL, for /user and /user/emails (GitHub "
            "Enterprise Server: https://<host>/api/v3). Default: https://api.github.com"
        ),
    )

    max_result_bytes: int = Field(
        default=64 * 1024,
        gt=0,
        validation_alias="OPEN_MAX_RESULT_BYTES",
        description=(
            "OPEN_MAX_RESULT_BYTES: largest node result (its JSON, bytes) kept inline in the database; "
            "larger results go to OPEN_ARTIFACT_DIR and the row keeps a reference. Default: 65536"
        ),
    )
    artifact_dir: Path | None = Field(
        default=None,
        validation_alias="OPEN_ARTIFACT_DIR",
        description=(
            "OPEN_ARTIFACT_DIR: folder of the results larger than OPEN_MAX_RESULT_BYTES, made absolute "
            "at load time. Default: <OPEN_DATA_DIR>/artifacts"
        ),
    )
    allowed_callable_modules: str = Field(
        default="",
        validation_alias="OPEN_ALLOWED_CALLABLE_MODULES",
        description=(
            "OPEN_ALLOWED_CALLABLE_MODULES: comma-separated Python modules (or packages, their "
            'submodules included) whose functions {"callable": "module:fn"} tasks and "python" '
            "task-type nodes may run; any other module fails at run time without being imported. "
            "Default: empty (no callable task runs)"
        ),
    )
    event_flush_interval_s: float = Field(
        default=0.05,
        gt=0,
        le=0.1,
        validation_alias="OPEN_EVENT_FLUSH_INTERVAL_S",
        description=(
            "OPEN_EVENT_FLUSH_INTERVAL_S: seconds between writes of a running execution's buffered "
            "events (and their projections), at most 0.1. Default: 0.05"
        ),
    )
    lease_ttl_s: float = Field(
        default=3.0,
        ge=0.5,
        le=300,
        validation_alias="OPEN_LEASE_TTL_S",
        description=(
            "OPEN_LEASE_TTL_S: seconds a worker's lease on a running execution lasts without renewal "
            "(database clock); a run whose worker died is taken over this long after its last "
            "heartbeat. Default: 3"
        ),
    )
    heartbeat_interval_s: float = Field(
        default=0.75,
        gt=0,
        le=60,
        validation_alias="OPEN_HEARTBEAT_INTERVAL_S",
        description=(
            "OPEN_HEARTBEAT_INTERVAL_S: seconds between lease renewals (and cancellation checks) of a "
            "running execution; must be below OPEN_LEASE_TTL_S / 2. Default: 0.75"
        ),
    )
    reconcile_interval_s: float = Field(
        default=0.5,
        gt=0,
        le=60,
        validation_alias="OPEN_RECONCILE_INTERVAL_S",
        description=(
            "OPEN_RECONCILE_INTERVAL_S: seconds between scans of the reconciler (one active at a "
            "time): runs whose lease expired are handed to the queue again. Default: 0.5"
        ),
    )
    redispatch_after_s: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        validation_alias="OPEN_REDISPATCH_AFTER_S",
        description=(
            "OPEN_REDISPATCH_AFTER_S: seconds after which a queued execution whose queue job is gone "
            "(e.g. Redis restarted without persistence) is handed to the queue again. Default: 10"
        ),
    )
    worker_concurrency: int = Field(
        default=16,
        ge=1,
        le=10_000,
        validation_alias="OPEN_WORKER_CONCURRENCY",
        description="OPEN_WORKER_CONCURRENCY: executions one worker process runs at once. Default: 16",
    )
    worker_drain_timeout_s: float = Field(
        default=20.0,
        ge=0,
        le=3600,
        validation_alias="OPEN_WORKER_DRAIN_TIMEOUT_S",
        description=(
            "OPEN_WORKER_DRAIN_TIMEOUT_S: on SIGTERM, seconds a worker waits for its runs to finish "
            "before handing the rest back to the queue (their finished nodes are kept). Default: 20"
        ),
    )
    frontend_dir: Path | None = Field(
        default=None,
        validation_alias="OPEN_FRONTEND_DIR",
        description=(
            "OPEN_FRONTEND_DIR: folder of the built web app (index.html and assets/) served at /, made "
            "absolute at load time; it must hold index.html. Default: frontend/dist of the checkout "
            "the backend is installed from, when built; otherwise the API is served alone"
        ),
    )
    queue_name: str = Field(
        default="open:queue",
        min_length=1,
        max_length=200,
        validation_alias="OPEN_QUEUE_NAME",
        description=(
            "OPEN_QUEUE_NAME: the Redis queue (arq) the API and the workers share. Default: open:queue"
        ),
    )
    log_format: LogFormat = Field(
        default=None,
        validate_default=True,
        validation_alias="OPEN_LOG_FORMAT",
        description=(
            "OPEN_LOG_FORMAT: json (one JSON object per line, with trace, span and execution ids) or "
            "text (readable lines). Default: json in production, text otherwise"
        ),
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO",
        validation_alias="OPEN_LOG_LEVEL",
        description="OPEN_LOG_LEVEL: DEBUG | INFO | WARNING | ERROR | CRITICAL. Default: INFO",
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        validation_alias="OPEN_WORKER_METRICS_PORT",
        description=(
            "OPEN_WORKER_METRICS_PORT: TCP port where a worker process serves its Prometheus metrics "
            "(/metrics; 0 picks a free port). Default: unset, no metrics server"
        ),
    )
    worker_metrics_addr: str = Field(
        default="127.0.0.1",
        min_length=1,
        validation_alias="OPEN_WORKER_METRICS_ADDR",
        description=(
            "OPEN_WORKER_METRICS_ADDR: address the worker's metrics server listens on (0.0.0.0 in a "
            "container). Default: 127.0.0.1"
        ),
    )

    @field_validator("log_format", mode="before")
    @classmethod
    def _default_log_format(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return LogFormat.JSON if info.data.get("env") is Environment.PRODUCTION else LogFormat.TEXT
        return value.lower() if isinstance(value, str) else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("artifact_dir", "frontend_dir", mode="after")
    @classmethod
    def _absolute_artifact_dir(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @property
    def artifact_path(self) -> Path:
        """Where large results are written: ``OPEN_ARTIFACT_DIR`` or ``<OPEN_DATA_DIR>/artifacts``."""
        return self.artifact_dir if self.artifact_dir is not None else self.data_dir / "artifacts"

    @property
    def callable_module_allow_list(self) -> tuple[str, ...]:
        """The modules of ``OPEN_ALLOWED_CALLABLE_MODULES`` (blank entries dropped)."""
        return tuple(m.strip() for m in self.allowed_callable_modules.split(",") if m.strip())

    @field_validator("data_dir", mode="after")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("database_url", mode="after")
    @classmethod
    def _resolve_database_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            data_dir = info.data.get("data_dir")
            if not isinstance(data_dir, Path):  # data_dir failed its own validation
                raise ValueError("DATABASE_URL has no default without a valid OPEN_DATA_DIR")
            return sqlite_url(data_dir / SQLITE_FILE_NAME)
        return normalize_database_url(value)

    @field_validator("redis_url", mode="after")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @field_validator("graphiql", mode="before")
    @classmethod
    def _default_graphiql(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return info.data.get("env") is Environment.DEVELOPMENT
        return value

    @field_validator("graphiql", mode="after")
    @classmethod
    def _graphiql_off_in_production(cls, value: bool, info: ValidationInfo) -> bool:
        return value and info.data.get("env") is not Environment.PRODUCTION

    @model_validator(mode="after")
    def _check_consistency(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            key = self.secret_key.get_secret_value()
            if key == DEVELOPMENT_SECRET_KEY:
                raise ValueError(
                    "OPEN_SECRET_KEY is the development default; production needs its own random key "
                    f"of at least {MIN_SECRET_KEY_BYTES} bytes, e.g. the output of "
                    "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
                )
            if len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
                raise ValueError(
                    f"OPEN_SECRET_KEY is {len(key.encode('utf-8'))} bytes; production needs at least "
                    f"{MIN_SECRET_KEY_BYTES}"
                )
        if self.refresh_token_ttl_s <= self.access_token_ttl_s:
            raise ValueError("OPEN_REFRESH_TOKEN_TTL_S must be longer than OPEN_ACCESS_TOKEN_TTL_S")
        if self.max_definition_bytes > self.max_request_bytes:
            raise ValueError(
                "OPEN_MAX_DEFINITION_BYTES cannot exceed OPEN_MAX_REQUEST_BYTES: a definition arrives "
                "inside a request"
            )
        if self.heartbeat_interval_s * 2 >= self.lease_ttl_s:
            raise ValueError(
                "OPEN_HEARTBEAT_INTERVAL_S must be below half of OPEN_LEASE_TTL_S, or a single late "
                "heartbeat would lose the lease"
            )
        return self

    @model_validator(mode="after")
    def _check_sign_in_settings(self) -> Settings:
        if self.env is Environment.PRODUCTION:
            for index, key in enumerate(self.previous_secret_keys, start=1):
                if key == DEVELOPMENT_SECRET_KEY or len(key.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
                    raise ValueError(
                        f"OPEN_JWT_PREVIOUS_KEYS key {index} is the development default or shorter than "
                        f"{MIN_SECRET_KEY_BYTES} bytes; a weak previous key lets anyone forge tokens"
                    )
        oidc = (self.oidc_issuer, self.oidc_client_id, self.oidc_client_secret)
        if any(value is not None for value in oidc) and any(value is None for value in oidc):
            raise ValueError(
                "OPEN_OIDC_ISSUER, OPEN_OIDC_CLIENT_ID and OPEN_OIDC_CLIENT_SECRET are set together or "
                "not at all"
            )
        if self.oidc_issuer is not None:
            if not self.oidc_issuer.startswith(("https://", "http://")):
                raise ValueError("OPEN_OIDC_ISSUER must be an http(s) URL")
            if self.env is Environment.PRODUCTION and not self.oidc_issuer.startswith("https://"):
                raise ValueError("OPEN_OIDC_ISSUER must use https in production")
        if "openid" not in self.oidc_scopes.split():
            raise ValueError("OPEN_OIDC_SCOPES must include openid")
        if (self.github_client_id is None) != (self.github_client_secret is None):
            raise ValueError("OPEN_GITHUB_CLIENT_ID and OPEN_GITHUB_CLIENT_SECRET are set together")
        return self

    @property
    def previous_secret_keys(self) -> tuple[str, ...]:
        """The keys of ``OPEN_JWT_PREVIOUS_KEYS``, in the order given (blank entries dropped)."""
        keys = self.jwt_previous_keys.get_secret_value().split(",")
        return tuple(key.strip() for key in keys if key.strip())

    @property
    def database_backend(self) -> DatabaseBackend:
        """``"postgresql"`` or ``"sqlite"``: which database :attr:`database_url` points at."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"


@functools.cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first call and cached.

    Raises:
        pydantic.ValidationError: as :class:`Settings` does.
    """
    return Settings()
