"""A real HTTP server for the ``http`` task type tests (``http.server`` in a thread).

Fixtures:
    web: the base URL (``http://127.0.0.1:<port>``) of a server, shared by the session, with:

    * ``/echo...`` (any method): JSON ``{"method", "path", "headers", "body"}`` of the request
      (``path`` raw, query included; header names lower-cased; ``body`` as text or ``null``);
    * ``/status/<code>``: that status, a text body of 2,000 characters;
    * ``/text``: ``text/plain`` ``héllo``; ``/problem``: ``application/problem+json``;
      ``/bad-json``: ``application/json`` that does not parse; ``/empty``: 204;
    * ``/big/<n>``: ``n`` bytes with a Content-Length; ``/stream/<n>``: ``n`` bytes without one;
    * ``/slow``: answers after 2 s; ``/redirect``: 302 to ``/echo``.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, content_type: str, length: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _handle(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/echo"):
            size = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(size) if size else b""
            echo = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": raw.decode("utf-8") if raw else None,
            }
            self._send(200, json.dumps(echo).encode(), "application/json")
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, ("é" + "x" * 1999).encode(), "text/plain; charset=utf-8")
        elif path == "/text":
            self._send(200, "héllo".encode(), "text/plain; charset=utf-8")
        elif path == "/problem":
            self._send(200, b'{"title": "teapot"}', "application/problem+json")
        elif path == "/bad-json":
            self._send(200, b"{nope", "application/json")
        elif path == "/empty":
            self.send_response(204)
            self.end_headers()
        elif path.startswith("/big/"):
            self._send(200, b"x" * int(path.rsplit("/", 1)[1]), "text/plain")
        elif path.startswith("/stream/"):
            self._send(200, b"y" * int(path.rsplit("/", 1)[1]), "text/plain", length=False)
        elif path == "/slow":
            time.sleep(2)
            self._send(200, b"late", "text/plain")
        elif path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/echo")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(404, b"no such route", "text/plain")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up early (the timeout tests) is expected


@pytest.fixture(scope="session")
def web() -> Iterator[str]:
    """The base URL of the test server."""
    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
