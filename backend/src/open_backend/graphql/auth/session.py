"""What every successful authentication mutation returns: tokens, cookie and user."""

from __future__ import annotations

from open_backend.auth.cookies import set_refresh_cookie
from open_backend.db.models import User as UserRow
from open_backend.graphql.auth.types import AuthPayload
from open_backend.graphql.context import Context
from open_backend.graphql.users.types import User


def signed_in(context: Context, user: UserRow, refresh_token: str) -> AuthPayload:
    """An access token for ``user``, and ``refresh_token`` set as the refresh cookie and returned."""
    access_token, expires_at = context.tokens.issue_access_token(user.id, context.now())
    if context.response is not None:
        set_refresh_cookie(context.response, refresh_token, context.settings)
    return AuthPayload(
        access_token=access_token,
        access_token_expires_at=expires_at,
        refresh_token=refresh_token,
        user=User.of(user),
    )
