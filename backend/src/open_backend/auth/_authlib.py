"""authlib's Starlette OAuth client, imported without its httpx deprecation warning.

authlib 1.9.9 prefers the ``httpx2`` package and, when it is missing, falls back to ``httpx`` (the
HTTP client the backend depends on) with an ``AuthlibDeprecationWarning`` raised at import time.
The fallback is supported; the warning is silenced here, for this one import, so it neither
clutters logs nor hides other warnings. Move to ``httpx2`` when the project adopts it.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    # authlib.deprecate installs an "always" filter for its warnings when imported: import it
    # first so that the filter below takes precedence.
    import authlib.deprecate  # type: ignore[import-untyped]  # noqa: F401

    warnings.filterwarnings("ignore", message="The httpx module is deprecated", category=DeprecationWarning)
    from authlib.integrations.base_client import MismatchingStateError, OAuthError  # type: ignore[import-untyped]
    from authlib.integrations.starlette_client import OAuth  # type: ignore[import-untyped]

__all__ = ["MismatchingStateError", "OAuth", "OAuthError"]
