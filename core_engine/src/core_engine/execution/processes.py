"""A process pool whose running calls can be stopped: cancelling one kills its worker process.

:class:`concurrent.futures.ProcessPoolExecutor` cannot stop a call once a worker has taken it:
a ``run_in="process"`` attempt that blocks past its timeout would hold its worker for good.
:class:`ProcessPool` is an :class:`~concurrent.futures.Executor` with one worker process per
slot, each driven by one thread of this process over a pipe, so it always knows which process
runs which call. ``future.cancel()`` on a *running* call kills that process (``SIGKILL`` on
POSIX, ``TerminateProcess`` on Windows); the future then fails with :class:`WorkerKilled`
(``cancel()`` returns ``False``, as for any running future) and the slot starts a fresh process
for its next call. Other calls, and the rest of the pool, are not affected.

``loop.run_in_executor`` cancels the pool's future when its asyncio future is cancelled, which
is what the scheduler does on a node timeout, on cancellation and on fail-fast.

Processes start on demand, at most ``max_workers``, with the platform's default start method;
an idle process stays for the next call. At interpreter exit the processes of every pool still
open are killed, so a call that never returns cannot hold up the exit.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import os
import queue
import threading
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any, TypeVar

T = TypeVar("T")

_GONE: Any = object()  # what a slot reads from the pipe of a dead process

_open_pools: weakref.WeakSet[ProcessPool] = weakref.WeakSet()


class WorkerKilled(RuntimeError):
    """The call's worker process was killed because the call was cancelled while running."""


class WorkerDied(RuntimeError):
    """The call's worker process ended by itself before answering (a crash, ``os._exit``,
    the out-of-memory killer)."""


class RemoteTraceback(Exception):
    """The formatted traceback of an exception raised in a worker process (its ``__cause__``)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class _Call(Future[Any]):
    """One submitted call; cancelling it while it runs kills the process running it."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.slot: _Slot | None = None  # set while a process runs it

    def cancel(self) -> bool:
        """Cancel a pending call (``True``), or kill the process of a running one (``False``:
        the future then fails with :class:`WorkerKilled`)."""
        if super().cancel():
            return True
        slot = self.slot
        if slot is not None:
            slot.kill(self)
        return False


def _serve(conn: Connection) -> None:
    """A worker process: answer ``(fn, args, kwargs)`` messages with ``(True, result)`` or
    ``(False, (exception, formatted traceback))`` until ``None`` or a closed pipe."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        fn, args, kwargs = message
        try:
            answer: tuple[bool, Any] = (True, fn(*args, **kwargs))
        except BaseException as exc:  # reported to the caller, whatever it is
            answer = (False, (exc, "".join(traceback.format_exception(exc))))
        try:
            conn.send(answer)
        except Exception as exc:  # the result or the exception does not pickle
            conn.send((False, (RuntimeError(f"the call's outcome could not be sent back: {exc!r}"), "")))


class _Slot:
    """One worker process and the thread of this process that feeds it calls."""

    def __init__(self, pool: ProcessPool) -> None:
        self.pool = pool
        self.lock = threading.Lock()
        self.process: BaseProcess | None = None
        self.conn: Connection | None = None
        self.current: _Call | None = None
        self.killed = False  # the process was killed (by a cancel or at exit)
        self.doomed = False  # the current call was cancelled while running
        self.thread = threading.Thread(target=self._run, name="core-engine-process-slot", daemon=True)

    def _start_process(self) -> None:
        parent, child = self.pool._context.Pipe()
        process = self.pool._context.Process(target=_serve, args=(child,), name="core-engine-worker")
        process.start()
        child.close()
        with self.lock:
            self.process, self.conn, self.killed = process, parent, False

    def _reap(self) -> int | None:
        """Close the pipe and wait for the (dead or dying) process; its exit code."""
        with self.lock:
            process, conn = self.process, self.conn
            self.process = self.conn = None
        if conn is not None:
            conn.close()
        if process is None:
            return None
        process.join()
        code = process.exitcode
        process.close()
        return code

    def kill(self, call: _Call) -> None:
        """Kill the process if it is still running ``call`` (called from any thread); a call
        whose process is still starting is killed as soon as it has been sent."""
        with self.lock:
            if self.current is call:
                self.doomed = True
                self._kill_locked()

    def _kill_locked(self) -> None:
        if self.process is not None and self.conn is not None and not self.killed:
            self.killed = True
            self.process.kill()

    def _send(self, call: _Call) -> Connection:
        """Send ``call`` to the process (started if needed, restarted once if it died idle)."""
        message = (call.fn, call.args, call.kwargs)
        for retry in (False, True):
            if self.process is None:
                self._start_process()
            assert self.conn is not None
            try:
                self.conn.send(message)  # pickles first: a pickling error sends nothing
                return self.conn
            except OSError:
                if retry:
                    raise
                self._reap()
        raise AssertionError("unreachable")

    def _run(self) -> None:
        pool = self.pool
        try:
            while (call := pool._queue.get()) is not None:
                if call.set_running_or_notify_cancel():
                    self._call(call)
                pool._slot_idle()
        finally:
            if self.conn is not None:
                with contextlib.suppress(OSError):
                    self.conn.send(None)
            self._reap()
            pool._slot_ended(self)

    def _call(self, call: _Call) -> None:
        with self.lock:
            self.current, call.slot, self.doomed = call, self, False
        try:
            conn = self._send(call)
        except Exception as exc:  # it does not pickle, or no process could start
            with self.lock:
                self.current, call.slot = None, None
            call.set_exception(exc)
            return
        assert self.process is not None
        pid = self.process.pid
        with self.lock:
            if self.doomed:  # cancelled while its process was starting
                self._kill_locked()
        try:
            ok, value = conn.recv()
        except (EOFError, OSError):
            ok, value = False, _GONE
        except Exception as exc:  # the answer arrived whole but does not unpickle here
            ok, value = False, (exc, "")
        with self.lock:
            self.current, call.slot = None, None
            killed = self.killed
        if value is _GONE:
            code = self._reap()
            if killed:
                value = WorkerKilled(f"the call was cancelled while running: worker process {pid} was killed")
            else:
                value = WorkerDied(f"worker process {pid} ended before answering (exit code {code})")
        elif killed:  # killed just after it answered: start another process for the next call
            self._reap()
        if ok:
            call.set_result(value)
        elif isinstance(value, BaseException):
            call.set_exception(value)
        else:
            error, remote = value
            if remote:
                error.__cause__ = RemoteTraceback(remote)
            call.set_exception(error)

    def kill_process(self) -> None:
        """Kill the process whatever it does (interpreter exit)."""
        with self.lock:
            self._kill_locked()


class ProcessPool(Executor):
    """An executor of worker processes where cancelling a running call kills its process.

    Args:
        max_workers: most processes at once (default: ``os.cpu_count()``).
        mp_context: the :mod:`multiprocessing` context to start processes with (default: the
            platform's default start method).

    Raises:
        ValueError: ``max_workers`` below 1.
    """

    def __init__(self, max_workers: int | None = None, mp_context: BaseContext | None = None) -> None:
        if max_workers is not None and max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self._max_workers = max_workers or os.cpu_count() or 1
        self._context: Any = mp_context if mp_context is not None else multiprocessing.get_context()
        self._queue: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._slots: set[_Slot] = set()
        self._free = 0  # idle slots minus calls waiting for one
        self._closed = False
        _open_pools.add(self)

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Run ``fn(*args, **kwargs)`` in a worker process (everything must pickle).

        Raises:
            RuntimeError: the pool was shut down.
        """
        call = _Call(fn, args, kwargs)
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._free -= 1
            self._queue.put(call)
            if self._free < 0 and len(self._slots) < self._max_workers:
                slot = _Slot(self)
                self._slots.add(slot)
                self._free += 1
                slot.thread.start()
        return call

    def _slot_idle(self) -> None:
        with self._lock:
            self._free += 1

    def _slot_ended(self, slot: _Slot) -> None:
        with self._lock:
            self._slots.discard(slot)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking calls; idle processes exit, busy ones after their call.

        Args:
            wait: wait until every slot's thread and process have ended.
            cancel_futures: cancel the calls not started yet (running ones are left running;
                cancel their futures to kill them).
        """
        with self._lock:
            if self._closed:
                slots = list(self._slots)
            else:
                self._closed = True
                if cancel_futures:
                    while True:
                        try:
                            pending = self._queue.get_nowait()
                        except queue.Empty:
                            break
                        if pending is not None:
                            pending.cancel()
                slots = list(self._slots)
                for _ in slots:
                    self._queue.put(None)
        if wait:
            for slot in slots:
                slot.thread.join()

    def _kill_all(self) -> None:
        for slot in list(self._slots):
            slot.kill_process()


@atexit.register
def _kill_open_pools() -> None:
    for pool in list(_open_pools):
        pool._kill_all()
