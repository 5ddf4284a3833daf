"""``signIn``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.auth.inputs import SignInInput
from open_backend.graphql.auth.session import signed_in
from open_backend.graphql.auth.types import AuthPayload
from open_backend.graphql.context import Info
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import accounts


async def resolve_sign_in(info: Info, input: SignInInput) -> AuthPayload:
    context = info.context
    now = context.now()
    async with context.db() as session:
        user = await accounts.sign_in(
            session,
            context.limiter,
            email=input.email,
            password=input.password,
            ip=context.client_ip,
            now=now,
        )
        refresh = await accounts.issue_refresh_token(
            session, user.id, now, ttl_s=context.settings.refresh_token_ttl_s
        )
    return signed_in(context, user, refresh)


sign_in = strawberry.mutation(
    resolver=resolve_sign_in,
    extensions=[CommitOnSuccess()],
    description=(
        "Sign in with email and password. UNAUTHENTICATED with one message for any wrong pair; "
        "RATE_LIMITED (extensions.details.retry_after, seconds) after repeated failures."
    ),
)
