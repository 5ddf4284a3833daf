"""The built web app served at ``/`` with the single-page-app fallback (:mod:`open_backend.spa`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp

from open_backend.app import create_app
from open_backend.settings import Environment, Settings
from open_backend.spa import DEFAULT_FRONTEND_DIR, FrontendDirError, frontend_dir, spa_routes

Serve = Callable[[ASGIApp], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]

INDEX = "<!doctype html><title>OPEN test app</title><div id=root></div>"
SCRIPT = "console.log('bundle')"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A tiny built app: index.html, a hashed bundle and a root file."""
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX, encoding="utf-8")
    (folder / "assets" / "index-abc123.js").write_text(SCRIPT, encoding="utf-8")
    (folder / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    return folder


@pytest.fixture
def settings(dist: Path, sqlite_url: str) -> Settings:
    return Settings(env=Environment.TEST, database_url=sqlite_url, frontend_dir=dist)


async def test_root_serves_index_html_to_be_revalidated(serve: Serve, settings: Settings) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.get("/")
    assert (response.status_code, response.text) == (200, INDEX)
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


async def test_hashed_assets_are_served_cacheable_forever(serve: Serve, settings: Settings) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.get("/assets/index-abc123.js")
    assert (response.status_code, response.text) == (200, SCRIPT)
    assert "immutable" in response.headers["cache-control"]


async def test_a_root_file_is_served_as_is(serve: Serve, settings: Settings) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.get("/robots.txt")
    assert (response.status_code, response.text) == (200, "User-agent: *\n")


@pytest.mark.parametrize(
    "path", ["/dags", "/dags/3f1c/edit", "/executions/abc", "/settings/api-keys", "/signin"]
)
async def test_app_routes_fall_back_to_index_html(serve: Serve, settings: Settings, path: str) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.get(path)
    assert (response.status_code, response.text) == (200, INDEX)


@pytest.mark.parametrize(
    "path", ["/assets/missing-1.js", "/favicon.ico", "/graphql/nothing", "/auth/unknown", "/metrics/x"]
)
async def test_missing_files_and_api_paths_stay_404(serve: Serve, settings: Settings, path: str) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.get(path)
    assert response.status_code == 404
    assert INDEX not in response.text


async def test_api_routes_keep_working_beside_the_app(serve: Serve, settings: Settings) -> None:
    async with serve(create_app(settings)) as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        graphql = await client.post("/graphql", json={"query": "{ authProviders { name } }"})
        provider = await client.get("/auth/oidc/github/login")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert ready.status_code == 200
    assert graphql.json() == {"data": {"authProviders": []}}
    assert provider.status_code == 404  # the OIDC route's own answer: no such provider configured
    assert "no sign-in provider" in provider.text


async def test_other_methods_on_app_paths_are_405(serve: Serve, settings: Settings) -> None:
    async with serve(create_app(settings)) as client:
        response = await client.post("/dags")
    assert response.status_code == 405


def test_a_frontend_dir_without_index_html_is_a_clear_startup_error(tmp_path: Path) -> None:
    settings = Settings(env=Environment.TEST, frontend_dir=tmp_path)
    with pytest.raises(FrontendDirError, match=r"OPEN_FRONTEND_DIR=.* has no index.html"):
        spa_routes(settings)


def test_the_default_is_frontend_dist_of_the_checkout_when_built() -> None:
    settings = Settings(env=Environment.TEST)
    expected = DEFAULT_FRONTEND_DIR if (DEFAULT_FRONTEND_DIR / "index.html").is_file() else None
    assert Path(__file__).resolve().parents[2] / "frontend" / "dist" == DEFAULT_FRONTEND_DIR
    assert frontend_dir(settings) == expected


def test_open_frontend_dir_is_read_from_the_environment(dist: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_FRONTEND_DIR", str(dist))
    assert frontend_dir(Settings()) == dist
