"""The live progress line, fed the events of real runs, with an injected clock."""

from __future__ import annotations

import asyncio
import io

import pytest

from core_engine import DAG, DAGBuilder, Event, Ref, TypedTask, execute, run
from core_engine.cli.progress import Progress


def broken() -> None:
    raise ValueError("no")


def split() -> list[int]:
    return [1, 2, 3]


def double(x: int) -> int:
    return 2 * x


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def mixed_dag() -> DAG:
    """Two nodes succeed, one fails, one never runs because of it."""
    b = DAGBuilder("mixed")
    ok = b.add_node("ok", TypedTask("noop", {"result": 1}))
    b.add_node("after", TypedTask("noop"), depends_on=[ok])
    bad = b.add_node("bad", broken)
    b.add_node("child", TypedTask("noop"), depends_on=[bad])
    return b.build()


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return run(mixed_dag()).events


def test_off_a_terminal_nothing_is_printed_before_the_interval(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=False, interval=5.0, clock=clock)
    for event in events:
        clock.now += 0.1
        progress.on_event(event)
    assert stream.getvalue() == ""


def test_off_a_terminal_a_line_is_printed_once_the_interval_has_passed(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=False, interval=5.0, clock=clock)
    progress.on_event(events[0])
    clock.now += 5.0
    progress.on_event(events[1])
    clock.now += 1.0
    progress.on_event(events[2])
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().startswith("mixed  5.0s  0/4 nodes ended")
    assert "\r" not in stream.getvalue()


def test_close_prints_the_final_counts_by_state(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=False, clock=clock)
    for event in events:
        progress.on_event(event)
    clock.now += 1.5
    progress.close()
    assert stream.getvalue() == "mixed  1.5s  4/4 nodes ended  succeeded 2  failed 1  upstream_failed 1\n"


def test_close_can_show_a_summary_instead_of_the_counts(events):
    stream = io.StringIO()
    progress = Progress(stream, "mixed", tty=False, clock=Clock())
    for event in events:
        progress.on_event(event)
    progress.close("mixed: all done")
    assert stream.getvalue() == "mixed: all done\n"


def test_on_a_terminal_the_line_is_rewritten_in_place(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=True, interval=0.1, clock=clock)
    for event in events:
        clock.now += 0.2
        progress.on_event(event)
    drawn = stream.getvalue()
    assert drawn.count("\r") == len(events) - 1  # RunStarted itself resets the clock
    assert "\n" not in drawn
    progress.close()
    assert stream.getvalue().endswith("succeeded 2  failed 1  upstream_failed 1\n")


def test_on_a_terminal_redraws_are_throttled_to_the_interval(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=True, interval=0.1, clock=clock)
    progress.on_event(events[0])
    clock.now += 0.1
    for event in events[1:]:
        clock.now += 0.001
        progress.on_event(event)
    assert stream.getvalue().count("\r") == 1


def test_a_shorter_line_blanks_out_the_rest_of_the_longer_one(events):
    stream, clock = io.StringIO(), Clock()
    progress = Progress(stream, "mixed", tty=True, interval=0.1, clock=clock)
    progress.on_event(events[0])
    clock.now += 0.1
    progress.draw()
    first = stream.getvalue()
    progress.close("done")
    assert stream.getvalue() == first + "\r" + "done".ljust(len(first) - 1) + "\n"


def test_instances_of_a_mapped_node_are_not_counted():
    b = DAGBuilder("mapped")
    items = b.add_node("split", split)
    b.add_node("double", double, {"x": Ref(items.node_id)}, map_over="x")
    result = run(b.build())
    stream = io.StringIO()
    progress = Progress(stream, "mapped", tty=False, clock=Clock())
    for event in result.events:
        progress.on_event(event)
    progress.close()
    assert stream.getvalue().endswith("2/2 nodes ended  succeeded 2\n")


async def test_on_a_terminal_a_change_inside_the_interval_is_drawn_when_it_ends():
    stream = io.StringIO()
    progress = Progress(stream, "mixed", tty=True, interval=0.02)
    result = await execute(mixed_dag())
    for event in result.events[:2]:  # run_started, then the first change: no redraw yet
        progress.on_event(event)
    assert stream.getvalue() == ""
    await asyncio.sleep(0.1)
    assert "\r" in stream.getvalue()
    assert "pending 3  queued 1" in stream.getvalue()
    progress.close()
