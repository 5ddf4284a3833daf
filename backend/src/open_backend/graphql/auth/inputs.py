"""Inputs of the authentication mutations."""

from __future__ import annotations

import strawberry


@strawberry.input(description="A new account; it gets a personal organization that it owns.")
class SignUpInput:
    email: str
    password: str = strawberry.field(description="10 to 1024 characters.")
    name: str


@strawberry.input(description="Email and password of an account.")
class SignInInput:
    email: str
    password: str
