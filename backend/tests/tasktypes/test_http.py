"""The ``http`` task type against a real local HTTP server: requests built from placeholders,
results by media type, statuses, limits, timeouts and network failures."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from open_backend.tasktypes import HttpTask
from open_backend.tasktypes.http import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT_S,
    MAX_RESPONSE_BYTES,
    MAX_TIMEOUT_S,
    ResponseTooLarge,
    UnexpectedStatus,
    config_problems,
    shown_url,
)
from open_backend.tasktypes.placeholders import MissingParameter


async def call(config: dict[str, Any], **params: Any) -> Any:
    """Run an ``http`` node with ``config`` and ``params``; its result."""
    task = HttpTask()
    assert task.config_problems(config) == []
    return await task.bind(config)(**params)


async def test_a_get_returns_the_parsed_json_body(web: str) -> None:
    echo = await call({"url": f"{web}/echo"})
    assert (echo["method"], echo["path"], echo["body"]) == ("GET", "/echo", None)


async def test_url_placeholders_are_filled_and_percent_encoded(web: str) -> None:
    echo = await call({"url": f"{web}/echo/{{name}}?q={{q}}&n={{n}}"}, name="a/b c", q="x&y=1", n=3)
    assert echo["path"] == "/echo/a%2Fb%20c?q=x%26y%3D1&n=3"


async def test_headers_are_sent_with_placeholders_filled(web: str) -> None:
    config = {"url": f"{web}/echo", "headers": {"Authorization": "Bearer {token}", "X-Trace": "fixed"}}
    echo = await call(config, token="s3cret")
    assert echo["headers"]["authorization"] == "Bearer s3cret"
    assert echo["headers"]["x-trace"] == "fixed"


async def test_a_json_body_gets_placeholders_and_lone_ones_keep_their_type(web: str) -> None:
    config = {
        "method": "POST",
        "url": f"{web}/echo",
        "body": {
            "greeting": "hello {who}",
            "count": "{n}",
            "tags": ["{who}", 1],
            "raw": "{not a placeholder}",
        },
    }
    echo = await call(config, who="Ada", n=3)
    assert echo["method"] == "POST"
    assert echo["headers"]["content-type"] == "application/json"
    assert json.loads(echo["body"]) == {
        "greeting": "hello Ada",
        "count": 3,
        "tags": ["Ada", 1],
        "raw": "{not a placeholder}",
    }


async def test_body_from_inputs_sends_the_inputs(web: str) -> None:
    echo = await call({"method": "PUT", "url": f"{web}/echo", "body_from_inputs": True}, a=1, b=[True, None])
    assert echo["method"] == "PUT"
    assert json.loads(echo["body"]) == {"a": 1, "b": [True, None]}


async def test_a_content_type_header_overrides_the_json_default(web: str) -> None:
    config = {
        "method": "PATCH",
        "url": f"{web}/echo",
        "headers": {"Content-Type": "application/merge-patch+json"},
        "body": {"x": 1},
    }
    echo = await call(config)
    assert echo["headers"]["content-type"] == "application/merge-patch+json"


@pytest.mark.parametrize("method", ["DELETE", "HEAD"])
async def test_other_methods_are_sent(web: str, method: str) -> None:
    result = await call({"method": method, "url": f"{web}/echo"})
    if method == "HEAD":
        assert result is None  # no body
    else:
        assert result["method"] == "DELETE"


async def test_a_text_response_is_returned_as_text(web: str) -> None:
    assert await call({"url": f"{web}/text"}) == "héllo"


async def test_a_plus_json_media_type_is_parsed(web: str) -> None:
    assert await call({"url": f"{web}/problem"}) == {"title": "teapot"}


async def test_an_empty_response_gives_none(web: str) -> None:
    assert await call({"url": f"{web}/empty"}) is None


async def test_invalid_json_fails_showing_the_start(web: str) -> None:
    with pytest.raises(
        ValueError, match=r"GET http://127\.0\.0\.1:\d+/bad-json answered invalid JSON .*: \{nope"
    ):
        await call({"url": f"{web}/bad-json"})


async def test_an_unexpected_status_fails_with_the_status_and_the_start_of_the_body(web: str) -> None:
    with pytest.raises(UnexpectedStatus) as caught:
        await call({"url": f"{web}/status/503?token=hidden"})
    error = caught.value
    assert error.status == 503
    assert error.body == "é" + "x" * 499
    assert str(error) == (
        f"GET {web}/status/503 answered 503 Service Unavailable, expected 2xx: é{'x' * 499}"
    )
    assert "hidden" not in str(error)


async def test_expected_status_replaces_the_2xx_default(web: str) -> None:
    assert await call({"url": f"{web}/status/404", "expected_status": [404]}) == "é" + "x" * 1999
    with pytest.raises(UnexpectedStatus, match="answered 200 OK, expected 201, 202"):
        await call({"url": f"{web}/text", "expected_status": [202, 201]})


async def test_redirects_are_not_followed(web: str) -> None:
    with pytest.raises(UnexpectedStatus, match="answered 302 Found, expected 2xx"):
        await call({"url": f"{web}/redirect"})
    assert await call({"url": f"{web}/redirect", "expected_status": [302]}) is None


async def test_a_declared_length_over_the_limit_fails_before_reading(web: str) -> None:
    with pytest.raises(ResponseTooLarge, match=r"/big/2000: the response has 2000 bytes; the limit is 1000"):
        await call({"url": f"{web}/big/2000", "max_response_bytes": 1000})


async def test_a_streamed_body_over_the_limit_fails(web: str) -> None:
    with pytest.raises(ResponseTooLarge, match="the response is larger than 1000 bytes"):
        await call({"url": f"{web}/stream/5000", "max_response_bytes": 1000})
    assert await call({"url": f"{web}/stream/1000", "max_response_bytes": 1000}) == "y" * 1000


async def test_timeout_s_bounds_the_exchange(web: str) -> None:
    started = time.monotonic()
    with pytest.raises(
        TimeoutError, match=r"GET http://127\.0\.0\.1:\d+/slow did not complete within 0\.2 s"
    ):
        await call({"url": f"{web}/slow", "timeout_s": 0.2})
    assert time.monotonic() - started < 1.5


async def test_a_refused_connection_is_a_connection_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ConnectionError, match=f"GET http://127.0.0.1:{port}/ failed"):
        await call({"url": f"http://127.0.0.1:{port}/"})


async def test_a_placeholder_without_a_parameter_fails_naming_both(web: str) -> None:
    with pytest.raises(MissingParameter) as caught:
        await call({"url": f"{web}/echo/{{id}}"}, other=1)
    assert (
        str(caught.value)
        == "url uses the placeholder {id}, but the node has no parameter 'id' (its parameters: other)"
    )
    with pytest.raises(MissingParameter, match=r"^body.items\[1\] uses the placeholder \{x\}"):
        await call({"method": "POST", "url": f"{web}/echo", "body": {"items": [1, "a{x}"]}})


async def test_a_parameter_cannot_inject_a_header_line(web: str) -> None:
    with pytest.raises(ValueError, match=r"headers\.X-Name: a filled-in parameter put a line break"):
        await call({"url": f"{web}/echo", "headers": {"X-Name": "{name}"}}, name="a\r\nX-Evil: 1")


def test_shown_url_drops_credentials_query_and_fragment() -> None:
    assert shown_url("https://user:pw@example.org:8443/a/b?key=secret#frag") == "https://example.org:8443/a/b"


VALID: list[dict[str, Any]] = [
    {"url": "https://example.org/"},
    {
        "url": "HTTP://example.org/{x}",
        "method": "HEAD",
        "headers": {"X-A": "{y}"},
        "timeout_s": MAX_TIMEOUT_S,
    },
    {"url": "http://h/", "body": None, "expected_status": [200, 599, 100], "max_response_bytes": 1},
    {"url": "http://h/", "body_from_inputs": True, "max_response_bytes": MAX_RESPONSE_BYTES, "timeout_s": 1},
]


@pytest.mark.parametrize("config", VALID)
def test_valid_configs_have_no_problems_and_fit_the_schema(config: dict[str, Any]) -> None:
    assert config_problems(config) == []
    assert list(Draft202012Validator(HttpTask.config_schema).iter_errors(config)) == []


@pytest.mark.parametrize(
    ("config", "problems"),
    [
        ({}, [("url", "must be an http:// or https:// URL")]),
        ({"url": "ftp://example.org/"}, [("url", "must be an http:// or https:// URL")]),
        ({"url": "https:///path"}, [("url", "must have a host and no spaces or control characters")]),
        ({"url": "https://a b/"}, [("url", "must have a host and no spaces or control characters")]),
        (
            {"url": "https://h/", "method": "get"},
            [("method", "must be one of GET, POST, PUT, PATCH, DELETE, HEAD")],
        ),
        (
            {"url": "https://h/", "headers": "X: 1"},
            [("headers", "must be an object of header names to string values")],
        ),
        (
            {"url": "https://h/", "headers": {"Bad Name": "1"}},
            [("headers.Bad Name", "is not a valid header name")],
        ),
        (
            {"url": "https://h/", "headers": {"X": "a\nb"}},
            [("headers.X", "must be a string without line breaks or NUL")],
        ),
        (
            {"url": "https://h/", "headers": {"X": 1}},
            [("headers.X", "must be a string without line breaks or NUL")],
        ),
        ({"url": "https://h/", "body_from_inputs": 1}, [("body_from_inputs", "must be true or false")]),
        (
            {"url": "https://h/", "body_from_inputs": True, "body": {}},
            [("body_from_inputs", "cannot be combined with body: the inputs are the body")],
        ),
        ({"url": "https://h/", "timeout_s": 0}, [("timeout_s", "must be a number of seconds in (0, 3600]")]),
        (
            {"url": "https://h/", "timeout_s": 3601},
            [("timeout_s", "must be a number of seconds in (0, 3600]")],
        ),
        (
            {"url": "https://h/", "timeout_s": "30"},
            [("timeout_s", "must be a number of seconds in (0, 3600]")],
        ),
        (
            {"url": "https://h/", "expected_status": []},
            [("expected_status", "must be a non-empty list of status codes in [100, 599]")],
        ),
        (
            {"url": "https://h/", "expected_status": [200, 600]},
            [("expected_status", "must be a non-empty list of status codes in [100, 599]")],
        ),
        (
            {"url": "https://h/", "expected_status": 200},
            [("expected_status", "must be a non-empty list of status codes in [100, 599]")],
        ),
        (
            {"url": "https://h/", "max_response_bytes": 0},
            [("max_response_bytes", f"must be an integer in [1, {MAX_RESPONSE_BYTES}]")],
        ),
        ({"url": "https://h/", "follow": True}, [("follow", "is not a config field of 'http'")]),
    ],
)
def test_every_bad_field_is_a_problem(config: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    assert config_problems(config) == problems


def test_the_schema_lists_every_field_with_its_default() -> None:
    schema = HttpTask.config_schema
    Draft202012Validator.check_schema(schema)
    properties = schema["properties"]
    assert set(properties) == {
        "method",
        "url",
        "headers",
        "body",
        "body_from_inputs",
        "timeout_s",
        "expected_status",
        "max_response_bytes",
    }
    assert properties["timeout_s"]["default"] == DEFAULT_TIMEOUT_S == 30
    assert properties["max_response_bytes"]["default"] == DEFAULT_MAX_RESPONSE_BYTES == 10 * 1024 * 1024
    assert all(field["description"] for field in properties.values())
