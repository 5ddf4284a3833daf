from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from core_engine.limits import MAX_NODES
from open_backend.settings import (
    DEVELOPMENT_SECRET_KEY,
    MIN_SECRET_KEY_BYTES,
    Environment,
    Settings,
    get_settings,
    normalize_database_url,
)

STRONG_KEY = "k" * MIN_SECRET_KEY_BYTES


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No backend variable set, the working directory in tmp_path, and no cached settings."""
    for name in list(os.environ):
        if name.startswith("OPEN_") or name in {"DATABASE_URL", "REDIS_URL"}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_defaults_describe_a_development_setup_on_embedded_sqlite(tmp_path: Path) -> None:
    settings = Settings()
    assert settings.env is Environment.DEVELOPMENT
    assert settings.data_dir == tmp_path / ".data"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/.data/open.db"
    assert settings.database_backend == "sqlite"
    assert settings.redis_url is None
    assert settings.secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY
    assert settings.graphiql is True
    assert (settings.jwt_issuer, settings.jwt_audience) == ("open", "open")
    assert (settings.access_token_ttl_s, settings.refresh_token_ttl_s) == (900, 30 * 86_400)
    assert (settings.max_request_bytes, settings.max_definition_bytes, settings.max_dag_nodes) == (
        2 * 1024 * 1024,
        1024 * 1024,
        10_000,
    )
    assert (settings.db_pool_size, settings.db_max_overflow) == (10, 10)


def test_every_variable_is_parsed_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    values = {
        "OPEN_ENV": "test",
        "OPEN_DATA_DIR": str(tmp_path / "state"),
        "DATABASE_URL": "postgresql://open:pw@db.internal:5433/open",
        "REDIS_URL": "redis://cache:6379/1",
        "OPEN_SECRET_KEY": STRONG_KEY,
        "OPEN_JWT_ISSUER": "https://open.example.org",
        "OPEN_JWT_AUDIENCE": "open-api",
        "OPEN_ACCESS_TOKEN_TTL_S": "300",
        "OPEN_REFRESH_TOKEN_TTL_S": "3600",
        "OPEN_GRAPHIQL": "true",
        "OPEN_MAX_REQUEST_BYTES": "4096",
        "OPEN_MAX_DEFINITION_BYTES": "2048",
        "OPEN_MAX_DAG_NODES": "50",
        "OPEN_DB_POOL_SIZE": "3",
        "OPEN_DB_MAX_OVERFLOW": "0",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.env is Environment.TEST
    assert settings.data_dir == tmp_path / "state"
    assert settings.database_url == "postgresql+asyncpg://open:pw@db.internal:5433/open"
    assert settings.database_backend == "postgresql"
    assert settings.redis_url == "redis://cache:6379/1"
    assert settings.secret_key.get_secret_value() == STRONG_KEY
    assert (settings.jwt_issuer, settings.jwt_audience) == ("https://open.example.org", "open-api")
    assert (settings.access_token_ttl_s, settings.refresh_token_ttl_s) == (300, 3600)
    assert settings.graphiql is True
    assert (settings.max_request_bytes, settings.max_definition_bytes, settings.max_dag_nodes) == (
        4096,
        2048,
        50,
    )
    assert (settings.db_pool_size, settings.db_max_overflow) == (3, 0)


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "")
    monkeypatch.setenv("OPEN_ACCESS_TOKEN_TTL_S", "")
    settings = Settings()
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/.data/open.db"
    assert settings.access_token_ttl_s == 900


def test_a_relative_data_dir_is_resolved_against_the_working_directory_and_moves_the_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OPEN_DATA_DIR", "var/open")
    settings = Settings()
    assert settings.data_dir == tmp_path / "var" / "open"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/var/open/open.db"


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_ENV", "staging")
    with pytest.raises(ValidationError, match="OPEN_ENV"):
        Settings()


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(ValidationError, match="OPEN_SECRET_KEY is the development default"):
        Settings(env=Environment.PRODUCTION)


def test_production_refuses_a_secret_key_shorter_than_32_bytes() -> None:
    with pytest.raises(ValidationError, match="OPEN_SECRET_KEY is 31 bytes"):
        Settings(env=Environment.PRODUCTION, secret_key="k" * 31)


def test_production_accepts_a_32_byte_secret_key() -> None:
    assert Settings(env=Environment.PRODUCTION, secret_key=STRONG_KEY).env is Environment.PRODUCTION


def test_the_secret_key_length_is_counted_in_bytes_not_characters() -> None:
    eleven_three_byte_characters = "€" * 11  # 33 bytes of UTF-8
    settings = Settings(env=Environment.PRODUCTION, secret_key=eleven_three_byte_characters)
    assert settings.secret_key.get_secret_value() == eleven_three_byte_characters


def test_development_accepts_the_default_secret_key() -> None:
    assert Settings(env=Environment.DEVELOPMENT).secret_key.get_secret_value() == DEVELOPMENT_SECRET_KEY


def test_secrets_and_urls_with_passwords_are_hidden_from_the_settings_repr() -> None:
    settings = Settings(
        secret_key=STRONG_KEY,
        database_url="postgresql://open:db-password@db/open",
        redis_url="redis://:redis-password@cache:6379/0",
    )
    for secret in (STRONG_KEY, "db-password", "redis-password"):
        assert secret not in repr(settings)


@pytest.mark.parametrize(
    ("env", "graphiql"),
    [(Environment.DEVELOPMENT, True), (Environment.TEST, False), (Environment.PRODUCTION, False)],
)
def test_graphiql_defaults_to_on_in_development_only(env: Environment, graphiql: bool) -> None:
    assert Settings(env=env, secret_key=STRONG_KEY).graphiql is graphiql


def test_graphiql_can_be_turned_off_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_GRAPHIQL", "false")
    assert Settings().graphiql is False


def test_graphiql_can_be_turned_on_in_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_ENV", "test")
    monkeypatch.setenv("OPEN_GRAPHIQL", "1")
    assert Settings().graphiql is True


def test_graphiql_is_forced_off_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_ENV", "production")
    monkeypatch.setenv("OPEN_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("OPEN_GRAPHIQL", "true")
    assert Settings().graphiql is False


@pytest.mark.parametrize(
    ("given", "normalised"),
    [
        ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgres://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgresql+asyncpg://u@h/db?ssl=require", "postgresql+asyncpg://u@h/db?ssl=require"),
        ("postgresql://u:p%40ss%2Fw@h/db", "postgresql+asyncpg://u:p%40ss%2Fw@h/db"),
        ("sqlite:////srv/open/open.db", "sqlite+aiosqlite:////srv/open/open.db"),
        ("sqlite+aiosqlite:///relative.db", "sqlite+aiosqlite:///relative.db"),
    ],
)
def test_database_urls_are_normalised_to_the_async_drivers(given: str, normalised: str) -> None:
    assert normalize_database_url(given) == normalised


def test_database_url_from_the_environment_is_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://open@db/open")
    assert Settings().database_url == "postgresql+asyncpg://open@db/open"


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "postgresql+psycopg2://u@h/db", "sqlite+pysqlite:///x.db", "not a url"]
)
def test_database_urls_of_other_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="DATABASE_URL"):
        normalize_database_url(url)


def test_a_redis_url_must_use_a_redis_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://cache:6379")
    with pytest.raises(ValidationError, match="REDIS_URL"):
        Settings()


def test_the_refresh_token_must_outlive_the_access_token() -> None:
    with pytest.raises(ValidationError, match="OPEN_REFRESH_TOKEN_TTL_S"):
        Settings(access_token_ttl_s=600, refresh_token_ttl_s=600)


def test_a_definition_cannot_be_allowed_to_exceed_the_request_body_limit() -> None:
    with pytest.raises(ValidationError, match="OPEN_MAX_DEFINITION_BYTES"):
        Settings(max_request_bytes=1000, max_definition_bytes=1001)


def test_the_node_limit_cannot_exceed_the_engines() -> None:
    assert Settings(max_dag_nodes=MAX_NODES).max_dag_nodes == MAX_NODES
    with pytest.raises(ValidationError):
        Settings(max_dag_nodes=MAX_NODES + 1)


@pytest.mark.parametrize("name", ["OPEN_ACCESS_TOKEN_TTL_S", "OPEN_MAX_REQUEST_BYTES", "OPEN_DB_POOL_SIZE"])
def test_limits_must_be_positive(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "0")
    with pytest.raises(ValidationError):
        Settings()


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.max_dag_nodes = 5


def test_get_settings_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_MAX_DAG_NODES", "7")
    first = get_settings()
    monkeypatch.setenv("OPEN_MAX_DAG_NODES", "8")
    assert get_settings() is first
    assert first.max_dag_nodes == 7


def test_every_setting_documents_its_variable_and_default() -> None:
    for name, field in Settings.model_fields.items():
        assert isinstance(field.validation_alias, str), name
        assert field.description is not None, name
        assert field.description.startswith(f"{field.validation_alias}: "), name
        assert "Default: " in field.description, name
