from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from open_backend.auth.rate_limit import (
    ACCOUNT_FAILURE_LIMIT,
    IP_FAILURE_LIMIT,
    WINDOW_S,
    SignInLimiter,
    SignInLimits,
)
from open_backend.errors import ErrorCode, RateLimited

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def _fail(
    limiter: SignInLimiter, times: int, *, email: str = "ada@example.org", ip: str = "10.0.0.1", at: float = 0
) -> None:
    for _ in range(times):
        limiter.record_failure(email=email, ip=ip, now=_at(at))


def _retry_after(
    limiter: SignInLimiter, *, email: str = "ada@example.org", ip: str = "10.0.0.1", at: float = 0
) -> int:
    with pytest.raises(RateLimited) as raised:
        limiter.check(email=email, ip=ip, now=_at(at))
    assert raised.value.code is ErrorCode.RATE_LIMITED
    retry_after = raised.value.details["retry_after"]
    assert isinstance(retry_after, int)
    return retry_after


def test_the_documented_defaults_are_5_per_account_and_20_per_ip_in_15_minutes() -> None:
    assert (ACCOUNT_FAILURE_LIMIT, IP_FAILURE_LIMIT, WINDOW_S) == (5, 20, 900)
    assert SignInLimiter().limits == SignInLimits(account=5, ip=20, window_s=900)


def test_attempts_below_the_account_limit_are_allowed() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT - 1)
    limiter.check(email="ada@example.org", ip="10.0.0.1", now=_at(1))


def test_the_account_limit_refuses_further_attempts_for_the_whole_window() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT)
    assert _retry_after(limiter, at=0) == WINDOW_S
    assert _retry_after(limiter, at=WINDOW_S - 1) == 1


def test_the_account_is_allowed_again_once_the_failures_leave_the_window() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT)
    limiter.check(email="ada@example.org", ip="10.0.0.1", now=_at(WINDOW_S))


def test_the_window_slides_with_the_oldest_failure() -> None:
    limiter = SignInLimiter()
    for second in range(ACCOUNT_FAILURE_LIMIT):  # failures at 0, 100, 200, 300, 400
        _fail(limiter, 1, at=second * 100)
    assert _retry_after(limiter, at=400) == WINDOW_S - 400  # until the failure at 0 leaves
    limiter.check(email="ada@example.org", ip="10.0.0.1", now=_at(WINDOW_S))
    _fail(limiter, 1, at=WINDOW_S)  # back at the limit: failures at 100..400 and 900
    assert _retry_after(limiter, at=WINDOW_S) == 100


def test_the_retry_after_is_rounded_up_to_whole_seconds() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT)
    assert _retry_after(limiter, at=WINDOW_S - 0.25) == 1
    assert _retry_after(limiter, at=10.5) == WINDOW_S - 10


def test_the_account_limit_applies_from_any_ip() -> None:
    limiter = SignInLimiter()
    for index in range(ACCOUNT_FAILURE_LIMIT):
        _fail(limiter, 1, ip=f"10.0.0.{index}")
    _retry_after(limiter, ip="192.0.2.7")


def test_the_account_key_ignores_case_and_surrounding_spaces() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT, email=" Ada@Example.ORG ")
    _retry_after(limiter, email="ada@example.org", ip="192.0.2.7")


def test_one_locked_account_does_not_lock_another() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT)
    limiter.check(email="grace@example.org", ip="192.0.2.7", now=_at(1))


def test_the_ip_limit_refuses_an_ip_trying_many_accounts() -> None:
    limiter = SignInLimiter()
    for index in range(IP_FAILURE_LIMIT):
        _fail(limiter, 1, email=f"user{index}@example.org")
    assert _retry_after(limiter, email="fresh@example.org") == WINDOW_S


def test_the_ip_limit_does_not_affect_other_ips() -> None:
    limiter = SignInLimiter()
    for index in range(IP_FAILURE_LIMIT):
        _fail(limiter, 1, email=f"user{index}@example.org")
    limiter.check(email="fresh@example.org", ip="10.0.0.2", now=_at(1))


def test_a_success_clears_the_account_failures() -> None:
    limiter = SignInLimiter()
    _fail(limiter, ACCOUNT_FAILURE_LIMIT - 1)
    limiter.record_success(email="ada@example.org")
    _fail(limiter, ACCOUNT_FAILURE_LIMIT - 1, at=1)
    limiter.check(email="ada@example.org", ip="10.0.0.9", now=_at(2))


def test_a_success_does_not_clear_the_ip_failures() -> None:
    limiter = SignInLimiter(SignInLimits(account=100, ip=3))
    _fail(limiter, 3, email="victim@example.org")
    limiter.record_success(email="victim@example.org")
    _retry_after(limiter, email="attacker@example.org")


def test_custom_limits_apply() -> None:
    limiter = SignInLimiter(SignInLimits(account=2, ip=50, window_s=60))
    _fail(limiter, 2)
    assert _retry_after(limiter) == 60


def test_the_number_of_tracked_keys_is_bounded_by_forgetting_the_least_recent() -> None:
    limiter = SignInLimiter(SignInLimits(account=1, ip=1000), max_tracked=4)
    _fail(limiter, 1, email="first@example.org", ip="10.0.0.1", at=0)
    _fail(limiter, 1, email="second@example.org", ip="10.0.0.2", at=1)
    _fail(limiter, 1, email="third@example.org", ip="10.0.0.3", at=2)
    assert limiter.tracked_keys() == 4
    limiter.check(email="first@example.org", ip="10.0.0.9", now=_at(3))  # forgotten
    _retry_after(limiter, email="third@example.org", ip="10.0.0.9", at=3)


def test_keys_whose_failures_all_expired_are_dropped() -> None:
    limiter = SignInLimiter()
    _fail(limiter, 1)
    assert limiter.tracked_keys() == 2
    limiter.check(email="ada@example.org", ip="10.0.0.1", now=_at(WINDOW_S))
    assert limiter.tracked_keys() == 0


@pytest.mark.parametrize("limits", [{"account": 0}, {"ip": 0}, {"window_s": 0}, {"window_s": -1}])
def test_limits_must_be_positive(limits: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="positive"):
        SignInLimits(**limits)  # type: ignore[arg-type]
