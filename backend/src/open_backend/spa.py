"""Serving the built web app (``frontend/dist``) at ``/``, with the fallback a single-page app needs.

The folder is ``OPEN_FRONTEND_DIR``; unset, it is ``frontend/dist`` of the checkout this package
is installed from (``<repo>/backend/src/open_backend/spa.py`` -> ``<repo>/frontend/dist``) when
that folder has an ``index.html``, else the backend serves the API alone (build the app with
``cd frontend && npm run build``). An ``OPEN_FRONTEND_DIR`` without ``index.html`` is a startup
error.

Routing (mounted after every other route, so ``/graphql``, ``/healthz``, ``/readyz``, ``/metrics``
and ``/auth/...`` keep working):

* a file of the folder is served as is; files under ``/assets/`` (Vite's content-hashed bundles)
  are cacheable forever, everything else must be revalidated;
* any other ``GET``/``HEAD`` path (``/dags/42``: a route of the app) gets ``index.html`` with
  status 200, so deep links and reloads work;
* except paths under the API's prefixes (:data:`API_PREFIXES`) and paths whose last segment has
  a file extension (``/favicon.png``, a stale ``/assets/x.js``), which stay 404: a missing
  script must not come back as HTML.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from open_backend.settings import Settings

#: ``frontend/dist`` of the checkout holding this package.
DEFAULT_FRONTEND_DIR: Final = Path(__file__).resolve().parents[3] / "frontend" / "dist"

#: Path prefixes that belong to the backend: never answered with ``index.html``.
API_PREFIXES: Final = ("/graphql", "/healthz", "/readyz", "/metrics", "/auth")

#: ``Cache-Control`` of content-hashed bundles, and of everything else (``index.html`` first).
IMMUTABLE: Final = "public, max-age=31536000, immutable"
REVALIDATE: Final = "no-cache"

INDEX: Final = "index.html"


class FrontendDirError(ValueError):
    """``OPEN_FRONTEND_DIR`` names a folder without ``index.html``."""


def frontend_dir(settings: Settings) -> Path | None:
    """The folder to serve: ``OPEN_FRONTEND_DIR``, else :data:`DEFAULT_FRONTEND_DIR` if it has an
    ``index.html``, else ``None`` (no web app).

    Raises:
        FrontendDirError: ``OPEN_FRONTEND_DIR`` is set but has no ``index.html``.
    """
    if settings.frontend_dir is not None:
        if not (settings.frontend_dir / INDEX).is_file():
            raise FrontendDirError(
                f"OPEN_FRONTEND_DIR={settings.frontend_dir} has no {INDEX}: build the web app "
                "(cd frontend && npm run build) or unset OPEN_FRONTEND_DIR"
            )
        return settings.frontend_dir
    return DEFAULT_FRONTEND_DIR if (DEFAULT_FRONTEND_DIR / INDEX).is_file() else None


def _falls_back(path: str) -> bool:
    """Whether a missing ``path`` (URL path, starting with ``/``) is a route of the app."""
    if any(path == prefix or path.startswith(prefix + "/") for prefix in API_PREFIXES):
        return False
    return "." not in path.rsplit("/", 1)[-1]


class SpaFiles(StaticFiles):
    """:class:`StaticFiles` answering the app's own routes with ``index.html`` (see the module)."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """The file, with the ``Cache-Control`` its path calls for."""
        response = super().file_response(full_path, stat_result, scope, status_code)
        hashed = scope["path"].startswith("/assets/")
        response.headers["cache-control"] = IMMUTABLE if hashed else REVALIDATE
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file at ``path``, else ``index.html`` for an app route.

        Raises:
            HTTPException: 405 for other methods than GET and HEAD; 404 for a missing file that
                is not an app route.
        """
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or not _falls_back(scope["path"]):
                raise
        full_path, stat_result = self.lookup_path(INDEX)
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):
            raise HTTPException(status_code=404)
        response = FileResponse(full_path, stat_result=stat_result)
        response.headers["cache-control"] = REVALIDATE
        return response


def spa_routes(settings: Settings) -> list[BaseRoute]:
    """The mount serving the web app at ``/`` (empty without a web app); put it after every
    other route.

    Raises:
        FrontendDirError: as :func:`frontend_dir`.
    """
    directory = frontend_dir(settings)
    if directory is None:
        return []
    return [Mount("/", app=SpaFiles(directory=directory), name="spa")]
