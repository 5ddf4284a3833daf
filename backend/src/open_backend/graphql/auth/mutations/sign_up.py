"""``signUp``."""

from __future__ import annotations

import strawberry

from open_backend.graphql.auth.inputs import SignUpInput
from open_backend.graphql.auth.session import signed_in
from open_backend.graphql.auth.types import AuthPayload
from open_backend.graphql.context import Info
from open_backend.graphql.transaction import CommitOnSuccess
from open_backend.services import accounts


async def resolve_sign_up(info: Info, input: SignUpInput) -> AuthPayload:
    context = info.context
    now = context.now()
    async with context.db() as session:
        user, _ = await accounts.sign_up(
            session, email=input.email, password=input.password, name=input.name, now=now
        )
        refresh = await accounts.issue_refresh_token(
            session, user.id, now, ttl_s=context.settings.refresh_token_ttl_s
        )
    return signed_in(context, user, refresh)


sign_up = strawberry.mutation(
    resolver=resolve_sign_up,
    extensions=[CommitOnSuccess()],
    description=(
        "Create an account and its personal organization, and sign in. CONFLICT if the email is taken."
    ),
)
