"""The demo's user: signed up through the GraphQL API on first use, signed in afterwards."""

from __future__ import annotations

from typing import Any, Final

import httpx

from open_backend.cli.guard import CommandFailed

#: The demo user's email and password (a local demo; printed so the user can sign in).
DEMO_EMAIL: Final = "demo@example.com"
DEMO_PASSWORD: Final = "open-demo-password"  # noqa: S105 (a local demo's printed credentials)

_SIGN_UP: Final = "mutation($i: SignUpInput!) { signUp(input: $i) { accessToken } }"
_SIGN_IN: Final = "mutation($i: SignInInput!) { signIn(input: $i) { accessToken } }"


def _call(client: httpx.Client, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def demo_token(url: str) -> str:
    """An access token of the demo user on the server at ``url`` (signed up if new).

    Raises:
        CommandFailed: neither sign-up nor sign-in worked (the server's message included).
    """
    with httpx.Client(base_url=url, timeout=30.0) as client:
        answer = _call(
            client, _SIGN_UP, {"i": {"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "name": "OPEN demo"}}
        )
        if answer.get("data") and answer["data"].get("signUp"):
            token: str = answer["data"]["signUp"]["accessToken"]
            return token
        answer = _call(client, _SIGN_IN, {"i": {"email": DEMO_EMAIL, "password": DEMO_PASSWORD}})
        if answer.get("data") and answer["data"].get("signIn"):
            signed_in: str = answer["data"]["signIn"]["accessToken"]
            return signed_in
        message = "; ".join(str(e.get("message")) for e in answer.get("errors", []))
        raise CommandFailed(f"the demo user {DEMO_EMAIL} can neither sign up nor sign in: {message}")
