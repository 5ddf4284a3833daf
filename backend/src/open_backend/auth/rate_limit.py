"""Sign-in throttling: failed attempts counted per account and per client IP in a sliding window.

By default an account accepts 5 failed sign-ins and an IP 20 within any 15 minutes; while either
count is at its limit, every sign-in of that account or from that IP is refused (even with the
right password) until the oldest counted failure leaves the window. A successful sign-in clears
the account's failures, not the IP's. The clock is passed in (``now``), so behaviour is
deterministic.

The state lives in the process (one :class:`SignInLimiter` per application, on
``app.state.sign_in_limiter``): with several backend processes each counts its own attempts, so
the effective limit is multiplied by the number of processes. At most ``max_tracked`` keys are
kept; beyond that the least recently failed keys are forgotten, so memory stays bounded under
a flood of distinct IPs or emails.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from open_backend.errors import RateLimited

#: Failed sign-ins allowed per account within the window.
ACCOUNT_FAILURE_LIMIT: Final = 5

#: Failed sign-ins allowed per client IP within the window.
IP_FAILURE_LIMIT: Final = 20

#: The sliding window, in seconds (15 minutes).
WINDOW_S: Final = 15 * 60

#: Most account and IP keys remembered at once.
MAX_TRACKED_KEYS: Final = 100_000


@dataclass(frozen=True, slots=True)
class SignInLimits:
    """How many failures are tolerated (``account``, ``ip``) within ``window_s`` seconds."""

    account: int = ACCOUNT_FAILURE_LIMIT
    ip: int = IP_FAILURE_LIMIT
    window_s: float = WINDOW_S

    def __post_init__(self) -> None:
        if self.account < 1 or self.ip < 1 or self.window_s <= 0:
            raise ValueError("sign-in limits and their window must be positive")


class SignInLimiter:
    """Counts failed sign-ins per account (normalized email) and per IP.

    Use :meth:`check` before verifying a password, :meth:`record_failure` after a failure and
    :meth:`record_success` after a success. Not thread-safe: use it from one event loop.
    """

    def __init__(self, limits: SignInLimits | None = None, *, max_tracked: int = MAX_TRACKED_KEYS) -> None:
        if max_tracked < 1:
            raise ValueError("max_tracked must be positive")
        self.limits = limits if limits is not None else SignInLimits()
        self._max_tracked = max_tracked
        # key -> failure times in seconds since the epoch, oldest first; least recent key first.
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def check(self, *, email: str, ip: str, now: datetime) -> None:
        """Allow a sign-in attempt for ``email`` from ``ip`` at ``now``, or refuse it.

        Raises:
            RateLimited: the account or the IP reached its limit; ``details["retry_after"]`` is
                the whole number of seconds (at least 1) until an attempt is allowed again.
        """
        moment = now.timestamp()
        waits = [
            self._wait(_account_key(email), self.limits.account, moment),
            self._wait(_ip_key(ip), self.limits.ip, moment),
        ]
        wait = max(waits)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise RateLimited(
                f"too many failed sign-ins; try again in {retry_after} seconds",
                {"retry_after": retry_after},
            )

    def record_failure(self, *, email: str, ip: str, now: datetime) -> None:
        """Count a failed sign-in for ``email`` from ``ip`` at ``now``."""
        moment = now.timestamp()
        for key in (_account_key(email), _ip_key(ip)):
            times = self._failures.pop(key, None) or deque()
            self._prune(times, moment)
            times.append(moment)
            self._failures[key] = times  # now the most recent key
        while len(self._failures) > self._max_tracked:
            self._failures.popitem(last=False)

    def record_success(self, *, email: str) -> None:
        """Forget the failures of ``email`` after it signed in."""
        self._failures.pop(_account_key(email), None)

    def tracked_keys(self) -> int:
        """How many account and IP keys have failures remembered."""
        return len(self._failures)

    def _wait(self, key: str, limit: int, moment: float) -> float:
        times = self._failures.get(key)
        if times is None:
            return 0.0
        self._prune(times, moment)
        if not times:
            del self._failures[key]
            return 0.0
        if len(times) < limit:
            return 0.0
        # Allowed again once enough failures have left the window to drop below the limit.
        return times[len(times) - limit] + self.limits.window_s - moment

    def _prune(self, times: deque[float], moment: float) -> None:
        while times and times[0] <= moment - self.limits.window_s:
            times.popleft()


def _account_key(email: str) -> str:
    return "account:" + email.strip().lower()


def _ip_key(ip: str) -> str:
    return "ip:" + ip.strip()
