"""RetryPolicy: the backoff function, the exception filter, value checks and the JSON form."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core_engine import NodeTimeoutError, RetryPolicy
from core_engine.limits import MAX_ATTEMPTS, MAX_BACKOFF_SECONDS

ALMOST_ONE = 1.0 - 2.0**-53


class BaseProblem(Exception):
    pass


class DerivedProblem(BaseProblem):
    pass


class Outer:
    class NestedProblem(Exception):
        pass


# --- delay() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("retry_number", "expected"), [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (6, 32.0)])
def test_delay_doubles_from_the_base_for_each_retry(retry_number: int, expected: float) -> None:
    policy = RetryPolicy(max_attempts=10, backoff_base=1.0, backoff_cap=60.0)
    assert policy.delay(retry_number, rand=0.3) == expected


def test_delay_uses_the_base_for_the_first_retry() -> None:
    assert RetryPolicy(backoff_base=2.5, backoff_cap=100.0).delay(1, rand=0.0) == 2.5


def test_delay_is_capped() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=60.0)
    assert policy.delay(7, rand=0.0) == 60.0  # 64 s uncapped
    assert policy.delay(50, rand=0.0) == 60.0


def test_delay_of_a_huge_retry_number_is_the_cap_without_overflow() -> None:
    policy = RetryPolicy(backoff_base=MAX_BACKOFF_SECONDS, backoff_cap=MAX_BACKOFF_SECONDS)
    assert policy.delay(10**6, rand=0.5) == MAX_BACKOFF_SECONDS


def test_delay_with_zero_base_is_zero() -> None:
    assert RetryPolicy(backoff_base=0.0, backoff_cap=0.0).delay(5, rand=0.9) == 0.0


def test_delay_ignores_rand_without_jitter() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=60.0, jitter=0.0)
    assert {policy.delay(3, rand=r) for r in (0.0, 0.5, ALMOST_ONE)} == {4.0}


def test_jitter_with_rand_zero_gives_the_lower_bound() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=60.0, jitter=0.5)
    assert policy.delay(3, rand=0.0) == 2.0


def test_jitter_with_rand_one_half_gives_the_plain_delay() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=60.0, jitter=0.5)
    assert policy.delay(3, rand=0.5) == 4.0


def test_jitter_with_rand_just_below_one_reaches_the_upper_bound_and_no_further() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=60.0, jitter=0.5)
    delay = policy.delay(3, rand=ALMOST_ONE)
    assert 5.999 < delay <= 6.0


def test_jitter_applies_to_the_capped_delay() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=10.0, jitter=0.2)
    assert policy.delay(20, rand=0.0) == pytest.approx(8.0)


def test_full_jitter_with_rand_zero_waits_zero_never_negative() -> None:
    policy = RetryPolicy(backoff_base=3.0, backoff_cap=3.0, jitter=1.0)
    assert policy.delay(1, rand=0.0) == 0.0


@pytest.mark.parametrize("retry_number", [0, -1])
def test_delay_of_a_retry_number_below_one_raises(retry_number: int) -> None:
    with pytest.raises(ValueError, match="retry_number must be >= 1"):
        RetryPolicy().delay(retry_number, rand=0.5)


@given(
    base=st.floats(0, 100),
    extra=st.floats(0, 1000),
    jitter=st.floats(0, 1),
    retry_number=st.integers(1, 200),
    rand=st.floats(0, 1, exclude_max=True),
)
def test_delay_stays_within_the_jitter_band_around_the_capped_exponential(
    base: float, extra: float, jitter: float, retry_number: int, rand: float
) -> None:
    policy = RetryPolicy(backoff_base=base, backoff_cap=base + extra, jitter=jitter)
    plain = min(base + extra, base * 2.0 ** (retry_number - 1))
    delay = policy.delay(retry_number, rand)
    assert delay >= 0.0
    assert plain * (1 - jitter) - 1e-9 <= delay <= plain * (1 + jitter) + 1e-9


# --- retries() -------------------------------------------------------------------------------


@pytest.mark.parametrize("exc", [ValueError(), OSError(), NodeTimeoutError("n", 1.0), BaseProblem()])
def test_empty_filter_retries_every_exception(exc: Exception) -> None:
    assert RetryPolicy(max_attempts=3).retries(exc)


@pytest.mark.parametrize("exc", [asyncio.CancelledError(), KeyboardInterrupt(), SystemExit(1)])
def test_base_exceptions_are_never_retried(exc: BaseException) -> None:
    assert not RetryPolicy(max_attempts=3).retries(exc)


@pytest.mark.parametrize(
    "names", [("CancelledError",), ("BaseException",), ("asyncio.exceptions.CancelledError",)]
)
def test_cancellation_is_not_retried_even_when_named(names: tuple[str, ...]) -> None:
    assert not RetryPolicy(max_attempts=3, retry_on=names).retries(asyncio.CancelledError())


def test_filter_by_class_name() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=("ValueError",))
    assert policy.retries(ValueError("x"))
    assert not policy.retries(KeyError("x"))


def test_filter_by_qualified_name() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=(f"{__name__}.BaseProblem",))
    assert policy.retries(BaseProblem())
    assert not policy.retries(ValueError())


def test_filter_by_qualified_name_of_a_nested_class() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=(f"{__name__}.Outer.NestedProblem",))
    assert policy.retries(Outer.NestedProblem())


def test_qualified_name_must_match_the_module() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=("elsewhere.BaseProblem",))
    assert not policy.retries(BaseProblem())


def test_filter_matches_base_classes_by_name() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=("LookupError",))
    assert policy.retries(KeyError("k"))
    assert policy.retries(IndexError())
    assert not policy.retries(ValueError())


def test_filter_matches_base_classes_by_qualified_name() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=(f"{__name__}.BaseProblem",))
    assert policy.retries(DerivedProblem())


def test_filter_on_a_subclass_does_not_retry_its_base() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=("DerivedProblem",))
    assert not policy.retries(BaseProblem())


def test_filter_can_name_timeouts() -> None:
    policy = RetryPolicy(max_attempts=3, retry_on=("TimeoutError",))
    assert policy.retries(NodeTimeoutError("n", 2.0))
    assert not policy.retries(RuntimeError())


# --- problems() ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy",
    [
        RetryPolicy(),
        RetryPolicy(max_attempts=MAX_ATTEMPTS, backoff_base=0, backoff_cap=0, jitter=1),
        RetryPolicy(max_attempts=2, backoff_base=MAX_BACKOFF_SECONDS, backoff_cap=MAX_BACKOFF_SECONDS),
        RetryPolicy(retry_on=("ValueError", "pkg.mod.Error")),
        RetryPolicy(retry_on=["ValueError"]),  # type: ignore[arg-type]
    ],
)
def test_valid_policies_have_no_problems(policy: RetryPolicy) -> None:
    assert policy.problems() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": MAX_ATTEMPTS + 1}, "max_attempts"),
        ({"max_attempts": 2.0}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"max_attempts": "3"}, "max_attempts"),
        ({"backoff_base": -0.1}, "backoff_base"),
        ({"backoff_base": math.nan}, "backoff_base"),
        ({"backoff_base": "1"}, "backoff_base"),
        ({"backoff_base": True}, "backoff_base"),
        ({"backoff_cap": -1.0, "backoff_base": 0.0}, "backoff_cap"),
        ({"backoff_cap": MAX_BACKOFF_SECONDS + 1}, "backoff_cap"),
        ({"backoff_cap": math.inf}, "backoff_cap"),
        ({"backoff_cap": 0.5, "backoff_base": 1.0}, "backoff_cap"),
        ({"jitter": -0.1}, "jitter"),
        ({"jitter": 1.5}, "jitter"),
        ({"jitter": math.nan}, "jitter"),
        ({"retry_on": ("",)}, "retry_on"),
        ({"retry_on": (ValueError,)}, "retry_on"),
        ({"retry_on": "ValueError"}, "retry_on"),
        ({"retry_on": 5}, "retry_on"),
    ],
)
def test_each_bad_value_is_reported_on_its_field(changes: dict[str, Any], field: str) -> None:
    problems = RetryPolicy(**changes).problems()
    assert [f for f, _ in problems] == [field]
    assert all(message for _, message in problems)


def test_every_bad_field_is_reported_at_once() -> None:
    policy = RetryPolicy(max_attempts=0, backoff_base=-1, backoff_cap=-1, jitter=2, retry_on=("",))
    assert [f for f, _ in policy.problems()] == [
        "max_attempts",
        "backoff_base",
        "backoff_cap",
        "jitter",
        "retry_on",
    ]


def test_out_of_range_attempts_message_names_the_limit() -> None:
    ((_, message),) = RetryPolicy(max_attempts=0).problems()
    assert str(MAX_ATTEMPTS) in message


# --- JSON form -------------------------------------------------------------------------------


def test_to_dict_writes_floats_and_a_sorted_retry_on() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=2, backoff_cap=30, jitter=0, retry_on=("b", "a"))
    data = policy.to_dict()
    assert data == {
        "max_attempts": 3,
        "backoff_base": 2.0,
        "backoff_cap": 30.0,
        "jitter": 0.0,
        "retry_on": ["a", "b"],
    }
    assert all(isinstance(data[k], float) for k in ("backoff_base", "backoff_cap", "jitter"))


def test_from_dict_round_trips_to_dict() -> None:
    policy = RetryPolicy(max_attempts=4, backoff_base=0.5, backoff_cap=9.0, jitter=0.25, retry_on=("a", "b"))
    assert RetryPolicy.from_dict(policy.to_dict()) == policy


def test_from_dict_fills_missing_keys_with_defaults() -> None:
    assert RetryPolicy.from_dict({}) == RetryPolicy()
    assert RetryPolicy.from_dict({"max_attempts": 2}) == RetryPolicy(max_attempts=2)


def test_from_dict_turns_integer_seconds_into_floats() -> None:
    policy = RetryPolicy.from_dict({"backoff_base": 2, "backoff_cap": 10, "jitter": 1})
    assert (policy.backoff_base, policy.backoff_cap, policy.jitter) == (2.0, 10.0, 1.0)
    assert isinstance(policy.backoff_base, float)


def test_from_dict_keeps_bad_values_for_problems_to_report() -> None:
    policy = RetryPolicy.from_dict({"max_attempts": "x", "backoff_base": True, "retry_on": "ValueError"})
    assert [f for f, _ in policy.problems()] == ["max_attempts", "backoff_base", "retry_on"]


def test_from_dict_with_a_non_list_retry_on_reports_it_instead_of_raising() -> None:
    assert [f for f, _ in RetryPolicy.from_dict({"retry_on": 5}).problems()] == ["retry_on"]
