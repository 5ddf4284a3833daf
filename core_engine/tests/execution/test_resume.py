"""Resuming a run: succeeded nodes keep their results and are not executed again."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core_engine import (
    DAGBuilder,
    EventKind,
    NodeState,
    RunStatus,
    Strategy,
    TriggerRule,
    execute,
    replay,
    run,
)
from core_engine.state import digest

from ._support import MIXED_BEHAVIOURS, DagSpec, Probe, build, dag_specs, of, one


class Pipeline:
    """extract -> transform -> load, plus an independent audit; transform fails while ``broken``."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.broken = True

    async def extract(self) -> list[int]:
        self.calls["extract"] += 1
        return [1, 2, 3]

    async def transform(self, rows: list[int]) -> list[int]:
        self.calls["transform"] += 1
        if self.broken:
            raise RuntimeError("transform is broken")
        return [r * 10 for r in rows]

    async def load(self, rows: list[int]) -> int:
        self.calls["load"] += 1
        return sum(rows)

    async def audit(self) -> str:
        self.calls["audit"] += 1
        return "audited"

    def dag(self) -> Any:
        b = DAGBuilder("etl")
        e = b.add_node("extract", self.extract)
        t = b.add_node("transform", self.transform, {"rows": e})
        b.add_node("load", self.load, {"rows": t})
        b.add_node("audit", self.audit)
        return b.build()


@pytest.mark.parametrize("strategy", list(Strategy))
async def test_resumed_run_skips_succeeded_nodes_and_reruns_the_failed_part(strategy: Strategy) -> None:
    p = Pipeline()
    first = await execute(p.dag(), strategy=strategy)
    assert first.status is RunStatus.FAILED
    assert first.results == {"extract": [1, 2, 3], "audit": "audited"}

    p.broken = False
    second = await execute(p.dag(), strategy=strategy, resume_from=first.state.results())
    assert second.status is RunStatus.SUCCEEDED
    assert second.results == {
        "extract": [1, 2, 3],
        "audit": "audited",
        "transform": [10, 20, 30],
        "load": 60,
    }
    assert p.calls == Counter({"extract": 1, "audit": 1, "transform": 2, "load": 1})


async def test_resumed_nodes_emit_succeeded_events_marked_resumed() -> None:
    p = Pipeline()
    first = await execute(p.dag())
    p.broken = False
    second = await execute(p.dag(), resume_from=first.state.results())
    for nid in ("extract", "audit"):
        event = one(second.events, EventKind.NODE_SUCCEEDED, nid)
        assert (event.resumed, event.attempt, event.result) == (True, 0, first.results[nid])
        assert of(second.events, EventKind.NODE_STARTED, nid) == []
        node = second.state.nodes[nid]
        assert (node.state, node.resumed, node.attempts) == (NodeState.SUCCEEDED, True, 0)
    assert one(second.events, EventKind.NODE_SUCCEEDED, "transform").resumed is False
    assert second.state.nodes["transform"].resumed is False


async def test_resumed_run_replays_to_its_live_state() -> None:
    p = Pipeline()
    first = await execute(p.dag())
    p.broken = False
    second = await execute(p.dag(), resume_from=first.state.results())
    assert digest(replay(second.events)) == digest(second.state)


async def test_resuming_every_node_runs_nothing_and_succeeds() -> None:
    p = Pipeline()
    p.broken = False
    first = await execute(p.dag())
    second = await execute(p.dag(), resume_from=first.state.results())
    assert second.status is RunStatus.SUCCEEDED
    assert second.results == first.results
    assert sum(p.calls.values()) == 4  # only the first run's calls
    assert of(second.events, EventKind.NODE_STARTED) == []


async def test_resumed_node_downstream_of_another_resumed_node_is_not_run_again() -> None:
    p = Pipeline()
    resumed = {"extract": [1, 2], "transform": [7, 8]}
    result = await execute(p.dag(), resume_from=resumed)
    assert p.calls == Counter({"load": 1, "audit": 1})
    assert result.results["load"] == 15  # computed from the resumed transform result
    assert result.state.nodes["transform"].resumed is True


async def test_resume_ids_that_are_not_nodes_of_the_dag_are_ignored() -> None:
    p = Pipeline()
    p.broken = False
    result = await execute(p.dag(), resume_from={"no_such_node": 1})
    assert result.status is RunStatus.SUCCEEDED
    assert "no_such_node" not in result.state.nodes
    assert sum(p.calls.values()) == 4


@settings(max_examples=30, deadline=None)
@given(
    spec=dag_specs(behaviours=MIXED_BEHAVIOURS, triggers=tuple(TriggerRule)),
    strategy=st.sampled_from(list(Strategy)),
)
def test_resumed_random_run_never_calls_a_resumed_node_and_replays_to_its_state(
    spec: DagSpec, strategy: Strategy
) -> None:
    first = run(build(spec), strategy=strategy)
    resumed = first.state.results()
    probe = Probe()
    second = run(build(spec, probe), strategy=strategy, resume_from=resumed)
    assert not set(probe.calls) & set(resumed)
    for nid, value in resumed.items():
        node = second.state.nodes[nid]
        assert (node.state, node.result, node.resumed) == (NodeState.SUCCEEDED, value, True)
    assert digest(replay(second.events)) == digest(second.state)


async def test_prior_attempts_continue_the_numbering_and_count_toward_the_retry_budget() -> None:
    from core_engine import RetryPolicy

    calls: list[int] = []

    async def flaky() -> None:
        calls.append(1)
        raise RuntimeError("still broken")

    b = DAGBuilder("taken-over")
    b.add_node("flaky", flaky, retry=RetryPolicy(max_attempts=3, backoff_base=0.0, jitter=0.0))
    b.add_node("fresh", flaky, retry=RetryPolicy(max_attempts=2, backoff_base=0.0, jitter=0.0))
    result = await execute(b.build(), prior_attempts={"flaky": 2, "unknown": 5})

    started = [(e.node_id, e.attempt) for e in result.events if e.kind is EventKind.NODE_STARTED]
    assert [a for n, a in started if n == "flaky"] == [3]  # one attempt left of three
    assert [a for n, a in started if n == "fresh"] == [1, 2]
    assert result.state.nodes["flaky"].attempts == 3
    assert len(calls) == 3


async def test_a_node_whose_budget_is_spent_still_gets_one_new_attempt() -> None:
    async def ok() -> int:
        return 7

    b = DAGBuilder("taken-over")
    b.add_node("ok", ok)
    result = await execute(b.build(), prior_attempts={"ok": 1})
    assert result.status is RunStatus.SUCCEEDED
    assert result.state.nodes["ok"].attempts == 2


@pytest.mark.parametrize("bad", [-1, True, 1.5])
async def test_prior_attempts_must_be_non_negative_integers(bad: Any) -> None:
    async def ok() -> None:
        return None

    b = DAGBuilder("bad")
    b.add_node("ok", ok)
    with pytest.raises(ValueError, match=r"prior_attempts\['ok'\]"):
        await execute(b.build(), prior_attempts={"ok": bad})
