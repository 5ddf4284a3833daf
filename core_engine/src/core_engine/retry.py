"""Retry policies as data, with a pure backoff function.

The backoff is "capped exponential with proportional jitter": attempt ``n`` (the n-th retry,
starting at 1) waits ``min(cap, base * 2 ** (n - 1))`` seconds, then that delay is spread by up
to ``± jitter`` of itself using a random number supplied by the caller. See the AWS
Architecture Blog, "Exponential Backoff And Jitter" (Marc Brooker, 2015).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core_engine.limits import MAX_ATTEMPTS, MAX_BACKOFF_SECONDS


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how often a failed node attempt is tried again.

    Attributes:
        max_attempts: total attempts including the first (1 = no retry), 1..MAX_ATTEMPTS.
        backoff_base: delay before the first retry, in seconds, >= 0.
        backoff_cap: longest delay, in seconds, >= backoff_base.
        jitter: fraction in [0, 1] by which each delay is randomly spread.
        retry_on: exception class names that are retried (matched against the exception's
            class and its bases, by ``__name__`` or ``module.qualname``); empty means every
            ``Exception``. Timeouts raise :class:`~core_engine.errors.NodeTimeoutError`.
    """

    max_attempts: int = 1
    backoff_base: float = 1.0
    backoff_cap: float = 60.0
    jitter: float = 0.0
    retry_on: tuple[str, ...] = field(default=())

    def problems(self) -> list[tuple[str, str]]:
        """Return ``(field, message)`` for every invalid value; empty when valid."""
        out: list[tuple[str, str]] = []
        if not isinstance(self.max_attempts, int) or isinstance(self.max_attempts, bool):
            out.append(("max_attempts", "must be an integer"))
        elif not 1 <= self.max_attempts <= MAX_ATTEMPTS:
            out.append(("max_attempts", f"must be between 1 and {MAX_ATTEMPTS}"))
        if not _is_number(self.backoff_base) or not 0 <= self.backoff_base <= MAX_BACKOFF_SECONDS:
            out.append(("backoff_base", f"must be a number of seconds in [0, {MAX_BACKOFF_SECONDS:g}]"))
        if not _is_number(self.backoff_cap) or not 0 <= self.backoff_cap <= MAX_BACKOFF_SECONDS:
            out.append(("backoff_cap", f"must be a number of seconds in [0, {MAX_BACKOFF_SECONDS:g}]"))
        elif _is_number(self.backoff_base) and self.backoff_cap < self.backoff_base:
            out.append(("backoff_cap", "must be at least backoff_base"))
        if not _is_number(self.jitter) or not 0 <= self.jitter <= 1:
            out.append(("jitter", "must be a fraction in [0, 1]"))
        if not isinstance(self.retry_on, tuple | list) or not all(
            isinstance(name, str) and name for name in self.retry_on
        ):
            out.append(("retry_on", "must be a list of exception class names"))
        return out

    def delay(self, retry_number: int, rand: float) -> float:
        """Seconds to wait before retry ``retry_number`` (1 = first retry).

        ``rand`` is a uniform random number in [0, 1) from the caller's random source; with
        ``jitter == 0`` it is ignored. The result is never negative.
        """
        if retry_number < 1:
            raise ValueError(f"retry_number must be >= 1, got {retry_number}")
        # 2 ** 1100 would overflow a float; the cap is reached long before that exponent.
        exponent = min(retry_number - 1, 1000)
        raw = min(self.backoff_cap, self.backoff_base * 2.0**exponent)
        if self.jitter:
            raw *= 1.0 + self.jitter * (2.0 * rand - 1.0)
        return max(0.0, raw)

    def retries(self, exc: BaseException) -> bool:
        """Whether an attempt that raised ``exc`` may be retried under this policy's filter.

        Only ``Exception`` subclasses are retried; cancellation never is.
        """
        if not isinstance(exc, Exception):
            return False
        if not self.retry_on:
            return True
        wanted = set(self.retry_on)
        for klass in type(exc).__mro__:
            if klass.__name__ in wanted or f"{klass.__module__}.{klass.__qualname__}" in wanted:
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        """Canonical JSON form (all fields, ``retry_on`` as a sorted list)."""
        return {
            "max_attempts": self.max_attempts,
            "backoff_base": float(self.backoff_base),
            "backoff_cap": float(self.backoff_cap),
            "jitter": float(self.jitter),
            "retry_on": sorted(self.retry_on),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RetryPolicy:
        """Inverse of :meth:`to_dict`; missing keys take the defaults. Values are checked later."""
        default = cls()
        return cls(
            max_attempts=data.get("max_attempts", default.max_attempts),
            backoff_base=_as_float(data.get("backoff_base", default.backoff_base)),
            backoff_cap=_as_float(data.get("backoff_cap", default.backoff_cap)),
            jitter=_as_float(data.get("jitter", default.jitter)),
            retry_on=_as_tuple(data.get("retry_on", ())),
        )


NO_RETRY = RetryPolicy()


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not math.isnan(value)


def _as_tuple(value: Any) -> Any:
    """A JSON list becomes a tuple; anything else (a lone string too) is kept for validation."""
    return tuple(value) if isinstance(value, list | tuple) else value


def _as_float(value: Any) -> Any:
    """Ints become floats so 1 and 1.0 hash alike; anything else is kept for validation."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
