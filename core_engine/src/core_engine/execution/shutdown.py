"""Ending a run: early (cancellation, run timeout, fail-fast) and normally."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

from core_engine.events import NodeCancelled, NodeFailed, NodeUpstreamFailed, RunFinished
from core_engine.state import NodeState, RunStatus

if TYPE_CHECKING:
    from core_engine.execution.scheduler import Run

# Node states that make a run that ends by itself end ``failed``.
_FAILURES = frozenset({NodeState.FAILED, NodeState.UPSTREAM_FAILED})
_state_of = attrgetter("state")


def stop_now(run: Run) -> None:
    """Cancel running attempts and end every open node (see :meth:`Run.stop`)."""
    if run.done.done():
        return
    for timer in run.retry_timers.values():
        timer.cancel()
    run.retry_timers.clear()
    for timer in run.timers.values():
        timer.cancel()
    run.timers.clear()
    inflight, run.inflight = run.inflight, {}
    for fut in inflight.values():
        fut.cancel()
    run.running = 0
    run.ready.clear()
    run.heap.clear()
    for i in run.dag.order:
        rec = run.recs[i]
        if rec.state.is_terminal:
            continue
        ts = run.clock()
        nid = run.ids[i]
        if rec.instances is not None:
            for k, inst in enumerate(rec.instances):
                if not inst.state.is_terminal:
                    inst.state, inst.finished_at = NodeState.CANCELLED, ts
                    run.emit(NodeCancelled(run.next_seq(), ts, nid, k, inst.attempts))
            failed = next((x for x in rec.instances if x.state is NodeState.FAILED), None)
            if failed is not None:
                duration = run.mono() - run.mapped[i].t0 if i in run.mapped else 0.0
                rec.state, rec.error, rec.duration, rec.finished_at = (
                    NodeState.FAILED,
                    failed.error,
                    duration,
                    ts,
                )
                run.emit(NodeFailed(run.next_seq(), ts, nid, None, 0, duration, failed.error))  # type: ignore[arg-type]
                continue
        culprit = next(
            (run.ids[u] for u in run.dag.upstream[i] if run.recs[u].state in _FAILURES),
            None,
        )
        rec.finished_at = ts
        if culprit is not None and rec.state is NodeState.PENDING:
            rec.state, rec.reason = NodeState.UPSTREAM_FAILED, culprit
            run.emit(NodeUpstreamFailed(run.next_seq(), ts, nid, culprit))
        else:
            rec.state = NodeState.CANCELLED
            run.emit(NodeCancelled(run.next_seq(), ts, nid, None, rec.attempts))
    run.mapped.clear()
    run.outstanding = 0
    finish(run)


def finish(run: Run) -> None:
    """Emit ``run_finished`` with the final status and resolve ``run.done``."""
    if run.done.done():
        return
    if run.run_timer is not None:
        run.run_timer.cancel()
    status = run.end_status
    if status is None or status is RunStatus.FAILED:
        clean = _FAILURES.isdisjoint(map(_state_of, run.recs))  # iterates in C: once per run, n nodes
        status = RunStatus.SUCCEEDED if clean else RunStatus.FAILED
    run.end_status = status
    run.stopping = True  # before the event: a listener cancelling now changes nothing
    duration = run.mono() - run.started_mono
    run.emit(RunFinished(run.next_seq(), run.clock(), status.value, duration))
    for pool in run._own_pools:
        pool.shutdown(wait=False, cancel_futures=True)
    run.done.set_result(None)
