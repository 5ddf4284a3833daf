"""RunOptions validation and option overrides passed to start/execute/run."""

from __future__ import annotations

import pytest

from core_engine import DAGBuilder, Event, FailurePolicy, RunOptions, RunStatus, Strategy, execute, start


async def _ok() -> int:
    return 1


def _dag() -> DAGBuilder:
    b = DAGBuilder("options")
    b.add_node("ok", _ok)
    return b


@pytest.mark.parametrize("limit", [0, -1, 1.5])
def test_max_concurrency_must_be_a_positive_integer(limit: object) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        RunOptions(max_concurrency=limit)  # type: ignore[arg-type]


@pytest.mark.parametrize("timeout", [0.0, -1.0, 8 * 86_400.0])
def test_run_timeout_must_be_positive_and_within_the_limit(timeout: float) -> None:
    with pytest.raises(ValueError, match="timeout"):
        RunOptions(timeout=timeout)


def test_strategy_and_failure_policy_accept_their_names() -> None:
    options = RunOptions(strategy="level", failure_policy="fail_fast")  # type: ignore[arg-type]
    assert options.strategy is Strategy.LEVEL
    assert options.failure_policy is FailurePolicy.FAIL_FAST


def test_unknown_strategy_name_is_refused() -> None:
    with pytest.raises(ValueError):
        RunOptions(strategy="random")  # type: ignore[arg-type]


async def test_unknown_option_override_raises_type_error_naming_it() -> None:
    with pytest.raises(TypeError, match="unknown run option\\(s\\): colour"):
        await execute(_dag().build(), colour="red")


async def test_overrides_apply_on_top_of_given_options() -> None:
    seen: list[Event] = []
    result = await execute(_dag().build(), None, RunOptions(run_id="base"), on_event=seen.append)
    assert result.state.run_id == "base"
    assert seen == result.events
    assert result.status is RunStatus.SUCCEEDED


async def test_run_id_defaults_to_a_fresh_hex_id_per_run() -> None:
    first = await execute(_dag().build())
    second = await execute(_dag().build())
    assert first.state.run_id != second.state.run_id
    assert len(first.state.run_id) == 32
    int(first.state.run_id, 16)


async def test_single_on_event_callable_in_run_options_is_accepted() -> None:
    seen: list[Event] = []
    result = await execute(_dag().build(), None, RunOptions(on_event=seen.append))  # type: ignore[arg-type]
    assert seen == result.events


def test_start_outside_a_running_event_loop_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError):
        start(_dag().build())


def test_run_timeout_that_is_not_a_number_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="timeout"):
        RunOptions(timeout="5")  # type: ignore[arg-type]
