"""The demo's platform in a background thread: uvicorn serving the app and, when the settings
have ``REDIS_URL``, an arq worker taking the executions from the queue, on one event loop.

The thread leaves the main thread free for the blocking SDK client and for Ctrl-C.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Final

import uvicorn

from open_backend.app import create_app
from open_backend.cli.guard import CommandFailed
from open_backend.settings import Settings
from open_backend.worker.service import serve as serve_worker

#: Seconds the server may take to start (migrating a fresh SQLite database included).
START_TIMEOUT_S: Final = 60.0


class DemoServer:
    """The demo's server: :meth:`start` it, :meth:`stop` it (also on errors)."""

    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self.settings = settings
        config = uvicorn.Config(
            create_app(settings), host=host, port=port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="open-demo-server", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._worker_stop: asyncio.Event | None = None
        self._failure: BaseException | None = None
        self._stopped = threading.Event()

    def start(self) -> None:
        """Serve in the background; returns once the server accepts requests.

        Raises:
            CommandFailed: the server did not start within :data:`START_TIMEOUT_S` or failed.
        """
        self._thread.start()
        deadline = START_TIMEOUT_S
        step = 0.05
        while not self._server.started and deadline > 0:
            if self._stopped.wait(step):
                raise CommandFailed(f"the server did not start: {self._failure or 'see its log above'}")
            deadline -= step
        if not self._server.started:
            self.stop()
            raise CommandFailed(f"the server did not start within {START_TIMEOUT_S:.0f} s")

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # reported by __enter__ / stop(); the thread must not die loudly
            self._failure = exc
        finally:
            self._stopped.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        # uvicorn installs signal handlers only in the main thread: Ctrl-C reaches the caller.
        if not self.settings.redis_url:
            await self._server.serve()
            return
        self._worker_stop = asyncio.Event()
        worker = asyncio.create_task(serve_worker(self.settings, stopping=self._worker_stop))
        try:
            await self._server.serve()
        finally:
            self._worker_stop.set()
            await worker

    def wait_stopped(self) -> None:
        """Block until the server stops (Ctrl-C raises ``KeyboardInterrupt`` here)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """Stop serving (runs in flight go back to the queue, events are written) and wait."""
        self._server.should_exit = True
        if self._loop is not None and self._worker_stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                self._loop.call_soon_threadsafe(self._worker_stop.set)
        if self._thread.ident is not None:  # started
            self._thread.join(timeout=30)
