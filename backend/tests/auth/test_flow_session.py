from __future__ import annotations

import time

import httpx
import jwt
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from open_backend.auth.flow_session import (
    FLOW_COOKIE_NAME,
    FLOW_COOKIE_PATH,
    FLOW_MAX_AGE_S,
    FlowSessionMiddleware,
)

KEY = b"k" * 32


async def _show(request: Request) -> JSONResponse:
    return JSONResponse(dict(request.session))


async def _put(request: Request) -> JSONResponse:
    request.session.update(request.query_params)
    return JSONResponse(dict(request.session))


async def _clear(request: Request) -> JSONResponse:
    request.session.clear()
    return JSONResponse({})


def _client(*, key: bytes = KEY, secure: bool = True) -> httpx.AsyncClient:
    middleware = [Middleware(FlowSessionMiddleware, key=key, secure=secure)]
    app = Starlette(
        routes=[
            Route(f"{FLOW_COOKIE_PATH}/show", _show, middleware=middleware),
            Route(f"{FLOW_COOKIE_PATH}/put", _put, middleware=middleware),
            Route(f"{FLOW_COOKIE_PATH}/clear", _clear, middleware=middleware),
        ]
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://open.test")


async def test_a_session_written_by_one_request_is_read_by_the_next() -> None:
    async with _client() as client:
        await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {"state": "abc"}


async def test_the_cookie_is_http_only_lax_secure_short_lived_and_limited_to_the_flow_routes() -> None:
    async with _client() as client:
        response = await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
    header = response.headers["set-cookie"]
    assert header.startswith(f"{FLOW_COOKIE_NAME}=")
    attributes = {part.strip() for part in header.split(";")[1:]}
    assert attributes == {
        f"Max-Age={FLOW_MAX_AGE_S}",
        f"Path={FLOW_COOKIE_PATH}",
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
    }


async def test_the_cookie_is_not_secure_when_told_so() -> None:
    async with _client(secure=False) as client:
        response = await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
    assert "Secure" not in response.headers["set-cookie"]


async def test_an_unchanged_session_sets_no_cookie() -> None:
    async with _client() as client:
        await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
        response = await client.get(f"{FLOW_COOKIE_PATH}/show")
    assert "set-cookie" not in response.headers


async def test_an_emptied_session_deletes_the_cookie() -> None:
    async with _client() as client:
        await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
        response = await client.get(f"{FLOW_COOKIE_PATH}/clear")
        assert "Max-Age=0" in response.headers["set-cookie"]
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {}


async def test_a_tampered_cookie_reads_as_an_empty_session() -> None:
    async with _client() as client:
        await client.get(f"{FLOW_COOKIE_PATH}/put", params={"state": "abc"})
        value = client.cookies[FLOW_COOKIE_NAME]
        header, _, signature = value.split(".")
        forged_payload = jwt.encode(
            {"session": {"state": "evil"}, "exp": int(time.time()) + 60}, b"x" * 32, algorithm="HS256"
        ).split(".")[1]
        client.cookies.set(FLOW_COOKIE_NAME, f"{header}.{forged_payload}.{signature}", domain="open.test")
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {}


async def test_a_cookie_signed_with_another_key_reads_as_an_empty_session() -> None:
    forged = jwt.encode(
        {"session": {"state": "evil"}, "exp": int(time.time()) + 60}, b"x" * 32, algorithm="HS256"
    )
    async with _client() as client:
        client.cookies.set(FLOW_COOKIE_NAME, forged, domain="open.test")
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {}


async def test_an_expired_cookie_reads_as_an_empty_session() -> None:
    expired = jwt.encode({"session": {"state": "old"}, "exp": int(time.time()) - 1}, KEY, algorithm="HS256")
    async with _client() as client:
        client.cookies.set(FLOW_COOKIE_NAME, expired, domain="open.test")
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {}


async def test_a_cookie_without_expiry_reads_as_an_empty_session() -> None:
    eternal = jwt.encode({"session": {"state": "old"}}, KEY, algorithm="HS256")
    async with _client() as client:
        client.cookies.set(FLOW_COOKIE_NAME, eternal, domain="open.test")
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {}


async def test_a_valid_cookie_made_elsewhere_with_the_same_key_is_read() -> None:
    cookie = jwt.encode({"session": {"state": "ok"}, "exp": int(time.time()) + 60}, KEY, algorithm="HS256")
    async with _client() as client:
        client.cookies.set(FLOW_COOKIE_NAME, cookie, domain="open.test")
        assert (await client.get(f"{FLOW_COOKIE_PATH}/show")).json() == {"state": "ok"}
