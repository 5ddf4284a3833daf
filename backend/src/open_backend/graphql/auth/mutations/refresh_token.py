"""``refreshToken``."""

from __future__ import annotations

import strawberry

from open_backend.auth.cookies import REFRESH_COOKIE_NAME
from open_backend.errors import Unauthenticated
from open_backend.graphql.auth.session import signed_in
from open_backend.graphql.auth.types import AuthPayload
from open_backend.graphql.context import Info
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import accounts, organizations


async def resolve_refresh_token(info: Info, refresh_token: str | None = None) -> AuthPayload:
    context = info.context
    token = refresh_token or context.request.cookies.get(REFRESH_COOKIE_NAME)
    if not token:
        raise Unauthenticated("no refresh token: pass refreshToken or send the open_refresh_token cookie")
    now = context.now()
    async with context.db() as session:
        user_id, rotated = await accounts.rotate_refresh_token(
            session, token, now, ttl_s=context.settings.refresh_token_ttl_s
        )
        user = await organizations.get_user(session, user_id)
    return signed_in(context, user, rotated)


refresh_token = strawberry.mutation(
    resolver=resolve_refresh_token,
    extensions=[CommitOnSuccess()],
    description=(
        "Exchange a refresh token (the argument, else the open_refresh_token cookie) for a new access token "
        "and a new refresh token. A refresh token works once: presenting a used one again ends that sign-in "
        "everywhere (UNAUTHENTICATED)."
    ),
)
