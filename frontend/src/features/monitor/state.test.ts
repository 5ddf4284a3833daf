import { describe, expect, it } from "vitest";

import { type EventPayload, applyEvent, applyEvents, emptyMonitorState, makespan, progress } from "./state";

// The events of docs/events.md for a run: extract succeeds, load retries then fails,
// report never runs, and a mapped node with two instances.
function runEvents(): EventPayload[] {
  const events: Omit<EventPayload, "seq">[] = [
    { kind: "run_started", ts: 100, node_count: 4, params: {} },
    { kind: "node_queued", ts: 100.1, node_id: "extract", map_index: null },
    { kind: "node_started", ts: 100.2, node_id: "extract", map_index: null, attempt: 1 },
    { kind: "node_log", ts: 100.3, node_id: "extract", map_index: null, attempt: 1, line: "read 3 rows" },
    { kind: "node_succeeded", ts: 100.5, node_id: "extract", map_index: null, attempt: 1, duration: 0.3, result: [1, 2], resumed: false },
    { kind: "node_mapped", ts: 100.6, node_id: "square", instances: 2 },
    { kind: "node_started", ts: 100.7, node_id: "square", map_index: 1, attempt: 1 },
    { kind: "node_succeeded", ts: 100.8, node_id: "square", map_index: 1, attempt: 1, duration: 0.1, result: 4, resumed: false },
    { kind: "node_queued", ts: 100.9, node_id: "load", map_index: null },
    { kind: "node_started", ts: 101, node_id: "load", map_index: null, attempt: 1 },
    { kind: "node_retrying", ts: 101.5, node_id: "load", map_index: null, attempt: 1, duration: 0.5, delay: 1, error: { type: "ConnectionError", message: "down", traceback: "" } },
    { kind: "node_started", ts: 102.5, node_id: "load", map_index: null, attempt: 2 },
    { kind: "node_failed", ts: 103, node_id: "load", map_index: null, attempt: 2, duration: 0.5, error: { type: "ConnectionError", message: "still down", traceback: "Traceback ...\n" } },
    { kind: "node_upstream_failed", ts: 103.1, node_id: "report", upstream_id: "load" },
    { kind: "run_finished", ts: 103.2, status: "failed", duration: 3.2 },
  ];
  return events.map((event, seq) => ({ ...event, seq }) as EventPayload);
}

describe("applyEvent", () => {
  it("follows the replay rules of docs/events.md for every node", () => {
    const state = applyEvents(emptyMonitorState(), runEvents());
    expect(state.status).toBe("failed");
    expect(state.startedAt).toBe(100);
    expect(state.duration).toBe(3.2);
    expect(state.nodeCount).toBe(4);
    expect(state.lastSeq).toBe(14);
    expect(state.nodes.extract).toMatchObject({ state: "succeeded", attempts: 1, result: [1, 2], hasResult: true, startedAt: 100.2, finishedAt: 100.5, duration: 0.3 });
    expect(state.nodes.load).toMatchObject({ state: "failed", attempts: 2, startedAt: 101, finishedAt: 103 });
    expect(state.nodes.load?.error?.message).toBe("still down");
    expect(state.nodes.report).toMatchObject({ state: "upstream_failed", reason: "load" });
    expect(state.nodes.square?.state).toBe("running");
    expect(state.nodes.square?.instances?.map((i) => i.state)).toEqual(["pending", "succeeded"]);
  });

  it("sets a node retrying with the attempt's error between attempts", () => {
    const state = applyEvents(emptyMonitorState(), runEvents().slice(0, 11));
    expect(state.nodes.load).toMatchObject({ state: "retrying", attempts: 1 });
    expect(state.nodes.load?.error?.type).toBe("ConnectionError");
  });

  it("records one timeline span per attempt with its outcome", () => {
    const state = applyEvents(emptyMonitorState(), runEvents());
    expect(state.spans.load).toEqual([
      { attempt: 1, startedAt: 101, finishedAt: 101.5, outcome: "retrying" },
      { attempt: 2, startedAt: 102.5, finishedAt: 103, outcome: "failed" },
    ]);
    expect(state.spans["square[1]"]).toEqual([{ attempt: 1, startedAt: 100.7, finishedAt: 100.8, outcome: "succeeded" }]);
    expect(state.spans.report).toBeUndefined();
  });

  it("keeps log lines without changing node state", () => {
    const before = applyEvents(emptyMonitorState(), runEvents().slice(0, 3));
    const after = applyEvent(before, runEvents()[3] as EventPayload);
    expect(after.nodes).toBe(before.nodes);
    expect(after.logs).toEqual([{ sequence: 3, ts: 100.3, nodeId: "extract", mapIndex: null, attempt: 1, line: "read 3 rows" }]);
  });

  it("ignores an event already applied (a resubscription repeats it)", () => {
    const events = runEvents();
    const state = applyEvents(emptyMonitorState(), events.slice(0, 5));
    expect(applyEvent(state, events[2] as EventPayload)).toBe(state);
  });

  it("refuses an event after a gap and marks the state out of sync", () => {
    const events = runEvents();
    const state = applyEvents(emptyMonitorState(), events.slice(0, 2));
    const gapped = applyEvent(state, events[4] as EventPayload);
    expect(gapped.outOfSync).toBe(true);
    expect(gapped.lastSeq).toBe(1);
    expect(gapped.nodes.extract?.state).toBe("queued");
    const resumed = applyEvent(gapped, events[2] as EventPayload);
    expect(resumed.outOfSync).toBe(false);
    expect(resumed.nodes.extract?.state).toBe("running");
  });

  it("does not mutate the state it is given", () => {
    const events = runEvents();
    const state = applyEvents(emptyMonitorState(), events.slice(0, 3));
    const snapshot = JSON.parse(JSON.stringify(state));
    applyEvents(state, events.slice(3));
    expect(state).toEqual(snapshot);
  });

  it("marks a resumed result and a cancelled node", () => {
    const state = applyEvents(emptyMonitorState(), [
      { kind: "run_started", seq: 0, ts: 1, node_count: 2 },
      { kind: "node_succeeded", seq: 1, ts: 1, node_id: "a", map_index: null, attempt: 0, duration: 0, result: 7, resumed: true },
      { kind: "node_cancelled", seq: 2, ts: 2, node_id: "b", map_index: null, attempt: 0 },
      { kind: "run_finished", seq: 3, ts: 2, status: "cancelled", duration: 1 },
    ]);
    expect(state.nodes.a).toMatchObject({ state: "succeeded", resumed: true, attempts: 0, result: 7 });
    expect(state.nodes.b).toMatchObject({ state: "cancelled", finishedAt: 2 });
    expect(state.status).toBe("cancelled");
  });
});

describe("progress and makespan", () => {
  it("counts ended nodes of the total", () => {
    const state = applyEvents(emptyMonitorState(), runEvents().slice(0, 10));
    expect(progress(state, 4)).toEqual({ ended: 1, total: 4 });
  });

  it("measures a running run up to now and a finished one by its duration", () => {
    const running = applyEvents(emptyMonitorState(), runEvents().slice(0, 3));
    expect(makespan(running, 102)).toBe(2);
    expect(makespan(applyEvents(emptyMonitorState(), runEvents()), 500)).toBe(3.2);
    expect(makespan(emptyMonitorState(), 500)).toBeNull();
  });
});
