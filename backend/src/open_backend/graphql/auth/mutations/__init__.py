"""The authentication mutations, one per module."""

from __future__ import annotations

import strawberry

from open_backend.graphql.auth.mutations.refresh_token import refresh_token
from open_backend.graphql.auth.mutations.sign_in import sign_in
from open_backend.graphql.auth.mutations.sign_out import sign_out
from open_backend.graphql.auth.mutations.sign_up import sign_up


@strawberry.type
class AuthMutations:
    sign_up = sign_up
    sign_in = sign_in
    refresh_token = refresh_token
    sign_out = sign_out
