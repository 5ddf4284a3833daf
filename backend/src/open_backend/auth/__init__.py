"""Authentication (who is calling) and the principal a request acts as.

* :mod:`~open_backend.auth.principal`: Identity, Principal, Authenticated and the role order.
* :mod:`~open_backend.auth.passwords`: Argon2id hashing and the password rules.
* :mod:`~open_backend.auth.tokens`: JWT access tokens (HS256, ``kid``-based key rotation).
* :mod:`~open_backend.auth.keys`: keys derived from ``OPEN_SECRET_KEY``, random secrets, digests.
* :mod:`~open_backend.auth.api_key_secret`: the ``open_<prefix>_<secret>`` API key format.
* :mod:`~open_backend.auth.rate_limit`: the sign-in limiter (per account and per IP).
* :mod:`~open_backend.auth.resolve`: from request headers to an authenticated principal.
* :mod:`~open_backend.auth.cookies`: the refresh token cookie.
* :mod:`~open_backend.auth.oidc` and :mod:`~open_backend.auth.flow_session`: OAuth / OpenID
  Connect providers and the signed cookie carrying a flow; the routes are in
  :mod:`open_backend.oidc_routes`.

Accounts, refresh tokens and API key management are services:
:mod:`open_backend.services.accounts` and :mod:`open_backend.services.api_keys`.
"""
