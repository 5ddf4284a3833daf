"""The ``AuthPayload`` type."""

from __future__ import annotations

from datetime import datetime

import strawberry

from open_backend.graphql.users.types import User


@strawberry.type(
    description=(
        "A signed-in session. Send the access token as 'Authorization: Bearer <accessToken>' until it "
        "expires, then call refreshToken. The refresh token is also set as the httpOnly cookie "
        "open_refresh_token (browsers use that and never store the token in script-readable storage); "
        "other clients keep `refreshToken` and pass it as the refreshToken argument."
    )
)
class AuthPayload:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str = strawberry.field(description="Single use: refreshToken returns a new one.")
    user: User
