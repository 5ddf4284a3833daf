"""``signOut``."""

from __future__ import annotations

import strawberry

from open_backend.auth.cookies import REFRESH_COOKIE_NAME, clear_refresh_cookie
from open_backend.graphql.context import Info
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import accounts


async def resolve_sign_out(info: Info, refresh_token: str | None = None) -> bool:
    context = info.context
    token = refresh_token or context.request.cookies.get(REFRESH_COOKIE_NAME)
    if token:
        async with context.db() as session:
            await accounts.revoke_refresh_token(session, token, context.now())
    if context.response is not None:
        clear_refresh_cookie(context.response, context.settings)
    return True


sign_out = strawberry.mutation(
    resolver=resolve_sign_out,
    extensions=[CommitOnSuccess()],
    description=(
        "End a sign-in: revoke the refresh token (the argument, else the cookie) and its whole family, and "
        "clear the cookie. Access tokens already issued stay valid until they expire. Always true."
    ),
)
