"""``http``: one HTTP request per node, built from a config with ``{param}`` placeholders.

``url``, header values and the strings inside ``body`` may hold ``{name}`` placeholders (a name
is a Python identifier; other braces are left alone), filled from the node's parameters when it
runs: text values as they are, other JSON values as JSON text. In the URL each filled value is
percent-encoded (``/`` included), so a parameter cannot change the URL's structure; a body
string that is exactly one placeholder becomes the parameter's value itself, of any JSON type.
A placeholder naming no parameter fails the node with
:class:`~open_backend.tasktypes.placeholders.MissingParameter`.

The result is the response body: parsed when its media type is JSON (``application/json`` or
``*+json``), else text; an empty body gives ``None``. A status outside ``expected_status``
(default: any 2xx) raises :class:`UnexpectedStatus` with the first
:data:`ERROR_BODY_CHARS` characters of the body; redirects are not followed. Network failures
raise ``ConnectionError`` and an expired ``timeout_s`` (which bounds the whole exchange)
``TimeoutError``, so retry policies can name them.
"""

from __future__ import annotations

import asyncio
import functools
import json
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urlsplit

import httpx

from core_engine.tasktypes import TaskCallable
from core_engine.tasktypes.checks import bool_problem, int_problem, is_int, is_number, unknown_fields
from open_backend.tasktypes.placeholders import fill, fill_body

METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")

#: Default ``timeout_s``, in seconds, and the largest a config may set (one hour).
DEFAULT_TIMEOUT_S: Final = 30.0
MAX_TIMEOUT_S: Final = 3600.0

#: Default ``max_response_bytes`` (10 MiB), and the largest a config may set (1 GiB): the body
#: is held in memory. Counted after decompression.
DEFAULT_MAX_RESPONSE_BYTES: Final = 10 * 1024 * 1024
MAX_RESPONSE_BYTES: Final = 1024 * 1024 * 1024

#: How much of an unexpected response's body its error quotes, in characters.
ERROR_BODY_CHARS: Final = 500

_FIELDS: Final = (
    "method",
    "url",
    "headers",
    "body",
    "body_from_inputs",
    "timeout_s",
    "expected_status",
    "max_response_bytes",
)
_HEADER_NAME: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class UnexpectedStatus(Exception):
    """The response's status is not one of ``expected_status``.

    Attributes:
        status: the status code received.
        body: the start of the response body (at most :data:`ERROR_BODY_CHARS` characters).
    """

    def __init__(self, message: str, status: int, body: str) -> None:
        super().__init__(message)
        self.status = status
        self.body = body

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.status, self.body))


class ResponseTooLarge(Exception):
    """The response body is longer than ``max_response_bytes``."""


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """A valid ``http`` config, parsed once (fields: see :class:`HttpTask`'s schema)."""

    url: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    body: Any = None
    has_body: bool = False
    body_from_inputs: bool = False
    timeout_s: float = DEFAULT_TIMEOUT_S
    expected_status: frozenset[int] = frozenset()  # empty: any 2xx
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    @classmethod
    def parse(cls, config: Mapping[str, Any]) -> HttpConfig:
        """The parsed form of ``config``, which :meth:`HttpTask.config_problems` accepted."""
        return cls(
            url=config["url"],
            method=config.get("method", "GET"),
            headers=tuple(sorted(config.get("headers", {}).items())),
            body=config.get("body"),
            has_body="body" in config,
            body_from_inputs=config.get("body_from_inputs", False),
            timeout_s=float(config.get("timeout_s", DEFAULT_TIMEOUT_S)),
            expected_status=frozenset(config.get("expected_status", ())),
            max_response_bytes=config.get("max_response_bytes", DEFAULT_MAX_RESPONSE_BYTES),
        )

    def expects(self, status: int) -> bool:
        """Whether ``status`` is a success for this node."""
        return status in self.expected_status if self.expected_status else 200 <= status < 300

    def expected_text(self) -> str:
        """The expected statuses, for error messages."""
        return ", ".join(map(str, sorted(self.expected_status))) if self.expected_status else "2xx"


def shown_url(url: str) -> str:
    """``url`` for error messages and logs: no credentials, no query, no fragment."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """One TLS context for every request of the process (building one takes about 80 ms)."""
    return httpx.create_ssl_context()


async def _read_body(response: httpx.Response, limit: int, what: str) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(
            f"{what}: the response has {declared} bytes; the limit is {limit} (max_response_bytes)"
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise ResponseTooLarge(f"{what}: the response is larger than {limit} bytes (max_response_bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_start(response: httpx.Response, size: int) -> bytes:
    """At most the first ``size`` bytes of the body."""
    start = bytearray()
    async for chunk in response.aiter_bytes():
        start += chunk
        if len(start) >= size:
            break
    return bytes(start[:size])


def _is_json(response: httpx.Response) -> bool:
    media: str = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


async def send(spec: HttpConfig, params: Mapping[str, Any]) -> Any:
    """Make ``spec``'s request with ``params`` filled in; the response body as the result.

    Raises:
        MissingParameter: a placeholder names no parameter.
        UnexpectedStatus: the status is not expected.
        ResponseTooLarge: the body exceeds ``max_response_bytes``.
        ValueError: a filled-in header value holds a line break, or a JSON response does not parse.
        TimeoutError: the exchange took longer than ``timeout_s``.
        ConnectionError: the request could not be sent or the response not received.
    """
    url = fill(spec.url, params, "url", lambda text: quote(text, safe=""))
    headers = {name: fill(value, params, f"headers.{name}") for name, value in spec.headers}
    for name, value in headers.items():
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"headers.{name}: a filled-in parameter put a line break or NUL in the value")
    what = f"{spec.method} {shown_url(url)}"
    body: dict[str, Any] = {}
    if spec.body_from_inputs:
        body["json"] = dict(params)
    elif spec.has_body:
        body["json"] = fill_body(spec.body, params)
    context = await asyncio.to_thread(_ssl_context)
    try:
        async with (
            asyncio.timeout(spec.timeout_s),
            httpx.AsyncClient(verify=context, timeout=spec.timeout_s) as client,
            client.stream(spec.method, url, headers=headers, **body) as response,
        ):
            if not spec.expects(response.status_code):
                start = await _read_start(response, ERROR_BODY_CHARS * 4)  # UTF-8: up to 4 bytes a char
                text = start.decode(response.encoding or "utf-8", "replace")[:ERROR_BODY_CHARS]
                raise UnexpectedStatus(
                    f"{what} answered {response.status_code} {response.reason_phrase}, expected "
                    f"{spec.expected_text()}: {text}",
                    response.status_code,
                    text,
                )
            raw = await _read_body(response, spec.max_response_bytes, what)
            is_json = _is_json(response)
            encoding = response.encoding or "utf-8"
    except (TimeoutError, httpx.TimeoutException):
        raise TimeoutError(f"{what} did not complete within {spec.timeout_s:g} s (timeout_s)") from None
    except httpx.TransportError as exc:
        raise ConnectionError(f"{what} failed: {exc or type(exc).__name__}") from None
    if not raw:
        return None
    if not is_json:
        return raw.decode(encoding, "replace")
    try:
        return json.loads(raw)
    except ValueError as exc:
        text = raw[:ERROR_BODY_CHARS].decode(encoding, "replace")
        raise ValueError(f"{what} answered invalid JSON ({exc}): {text}") from None


def config_problems(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every problem of an ``http`` config, as ``(field, message)``."""
    out = unknown_fields(config, _FIELDS, "http")
    if config.get("method", "GET") not in METHODS:
        out.append(("method", f"must be one of {', '.join(METHODS)}"))
    url = config.get("url")
    if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
        out.append(("url", "must be an http:// or https:// URL"))
    elif not urlsplit(url).netloc or any(c.isspace() or ord(c) < 32 for c in url):
        out.append(("url", "must have a host and no spaces or control characters"))
    headers = config.get("headers", {})
    if not isinstance(headers, Mapping):
        out.append(("headers", "must be an object of header names to string values"))
    else:
        for name, value in sorted(headers.items()):
            if not _HEADER_NAME.fullmatch(name):
                out.append((f"headers.{name}", "is not a valid header name"))
            elif not isinstance(value, str) or any(c in value for c in "\r\n\0"):
                out.append((f"headers.{name}", "must be a string without line breaks or NUL"))
    out.extend(bool_problem(config, "body_from_inputs"))
    if config.get("body_from_inputs") is True and "body" in config:
        out.append(("body_from_inputs", "cannot be combined with body: the inputs are the body"))
    timeout = config.get("timeout_s", DEFAULT_TIMEOUT_S)
    if not is_number(timeout) or not 0 < timeout <= MAX_TIMEOUT_S:
        out.append(("timeout_s", f"must be a number of seconds in (0, {MAX_TIMEOUT_S:g}]"))
    expected = config.get("expected_status", [100])
    if (
        not isinstance(expected, list)
        or not expected
        or not all(is_int(s) and 100 <= s <= 599 for s in expected)
    ):
        out.append(("expected_status", "must be a non-empty list of status codes in [100, 599]"))
    out.extend(int_problem(config, "max_response_bytes", 1, MAX_RESPONSE_BYTES))
    return out


def _schema() -> Mapping[str, Any]:
    return {
        "type": "object",
        "properties": {
            "method": {"enum": list(METHODS), "default": "GET", "description": "The HTTP method."},
            "url": {
                "type": "string",
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
                "description": "http:// or https:// URL; {param} placeholders are filled, percent-encoded.",
            },
            "headers": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Request headers; values may hold {param} placeholders.",
            },
            "body": {
                "description": (
                    "JSON body; strings inside may hold {param} placeholders ('{x}' alone: the value of x)."
                )
            },
            "body_from_inputs": {
                "type": "boolean",
                "default": False,
                "description": "Send the node's inputs as the JSON body (instead of body).",
            },
            "timeout_s": {
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": MAX_TIMEOUT_S,
                "default": DEFAULT_TIMEOUT_S,
                "description": "Seconds the whole exchange may take.",
            },
            "expected_status": {
                "type": "array",
                "items": {"type": "integer", "minimum": 100, "maximum": 599},
                "minItems": 1,
                "description": "Statuses that count as success. Default: any 2xx.",
            },
            "max_response_bytes": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_RESPONSE_BYTES,
                "default": DEFAULT_MAX_RESPONSE_BYTES,
                "description": "Largest response body accepted, in bytes.",
            },
        },
        "required": ["url"],
        "additionalProperties": False,
    }


class HttpTask:
    """``http``: send one HTTP request; the response body is the node's result."""

    name = "http"
    description = "Send an HTTP request built from the node's inputs; the response body is the result."
    config_schema: Mapping[str, Any] = _schema()

    def config_problems(self, config: Mapping[str, Any]) -> list[tuple[str, str]]:
        return config_problems(config)

    def bind(self, config: Mapping[str, Any]) -> TaskCallable:
        spec = HttpConfig.parse(config)

        async def http(**params: Any) -> Any:
            return await send(spec, params)

        return http
