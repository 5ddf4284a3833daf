"""Typed, frozen views of what the API returns (field names in snake_case).

Each class has ``from_api(data)``, building it from the GraphQL object of the same name as the
fragments in :mod:`open_sdk.queries` select it. Timestamps are aware UTC ``datetime`` objects;
durations are seconds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class ExecutionStatus(enum.StrEnum):
    """The status of an execution (the API's ``ExecutionStatus``)."""

    QUEUED = "QUEUED"  # created, not started
    RUNNING = "RUNNING"  # started
    SUCCEEDED = "SUCCEEDED"  # every node succeeded or was skipped
    FAILED = "FAILED"  # some node failed
    CANCELLED = "CANCELLED"  # cancelled by request
    TIMED_OUT = "TIMED_OUT"  # the run timeout expired

    @property
    def ended(self) -> bool:
        """Whether the execution can change no more."""
        return self not in {ExecutionStatus.QUEUED, ExecutionStatus.RUNNING}


def _time(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _maybe_time(value: Any) -> datetime | None:
    return None if value is None else _time(value)


@dataclass(frozen=True)
class DagVersion:
    """One immutable, numbered definition of a DAG."""

    id: str
    dag_id: str
    version: int  # 1, 2, ... consecutive
    definition: dict[str, Any]  # the canonical JSON definition
    content_hash: str  # sha256:<hex> of the canonical definition
    message: str
    created_at: datetime
    node_count: int

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> DagVersion:
        return cls(
            id=data["id"],
            dag_id=data["dagId"],
            version=data["version"],
            definition=data["definition"],
            content_hash=data["contentHash"],
            message=data["message"],
            created_at=_time(data["createdAt"]),
            node_count=data["nodeCount"],
        )


@dataclass(frozen=True)
class Dag:
    """A named workflow and its latest (and active, once activated) version."""

    id: str
    name: str
    description: str
    status: str  # DRAFT, ACTIVE or ARCHIVED
    created_at: datetime
    updated_at: datetime
    latest_version: DagVersion
    active_version: DagVersion | None  # None until first activated

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Dag:
        active = data.get("activeVersion")
        return cls(
            id=data["id"],
            name=data["name"],
            description=data["description"],
            status=data["status"],
            created_at=_time(data["createdAt"]),
            updated_at=_time(data["updatedAt"]),
            latest_version=DagVersion.from_api(data["latestVersion"]),
            active_version=None if active is None else DagVersion.from_api(active),
        )


@dataclass(frozen=True)
class NodeExecution:
    """The record of one node (or one instance of a mapped node) in an execution."""

    node_id: str
    map_index: int | None  # None for a node; the item position of a mapped instance
    status: str  # PENDING, QUEUED, RUNNING, RETRYING, SUCCEEDED, FAILED, UPSTREAM_FAILED, ...
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_s: float | None  # seconds of the final attempt
    result: Any  # JSON; None when absent or kept as an artifact (see result_ref)
    result_ref: str | None
    error: dict[str, Any] | None  # {type, message, traceback}

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> NodeExecution:
        return cls(
            node_id=data["nodeId"],
            map_index=data["mapIndex"],
            status=data["status"],
            attempts=data["attempts"],
            started_at=_maybe_time(data["startedAt"]),
            finished_at=_maybe_time(data["finishedAt"]),
            duration_s=data["durationS"],
            result=data["result"],
            result_ref=data["resultRef"],
            error=data["error"],
        )


@dataclass(frozen=True)
class Execution:
    """One run of a DAG version with its parameters and its node records."""

    id: str
    dag_id: str
    dag_version_id: str
    status: ExecutionStatus
    params: dict[str, Any]  # defaults filled in
    idempotency_key: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    retry_of_id: str | None
    nodes: tuple[NodeExecution, ...]

    @property
    def ended(self) -> bool:
        """Whether the execution can change no more."""
        return self.status.ended

    @property
    def results(self) -> dict[str, Any]:
        """The inline results of the succeeded (unmapped) nodes, by node id."""
        return {n.node_id: n.result for n in self.nodes if n.map_index is None and n.status == "SUCCEEDED"}

    def node(self, node_id: str) -> NodeExecution:
        """The record of the (unmapped) node ``node_id``.

        Raises:
            KeyError: no such node in this execution.
        """
        for record in self.nodes:
            if record.node_id == node_id and record.map_index is None:
                return record
        raise KeyError(f"execution {self.id} has no node {node_id!r}")

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Execution:
        return cls(
            id=data["id"],
            dag_id=data["dagId"],
            dag_version_id=data["dagVersionId"],
            status=ExecutionStatus(data["status"]),
            params=data["params"],
            idempotency_key=data["idempotencyKey"],
            created_at=_time(data["createdAt"]),
            started_at=_maybe_time(data["startedAt"]),
            finished_at=_maybe_time(data["finishedAt"]),
            retry_of_id=data["retryOfId"],
            nodes=tuple(NodeExecution.from_api(node) for node in data["nodes"]),
        )


@dataclass(frozen=True)
class ExecutionEvent:
    """One event of an execution's log (kinds and fields: docs/events.md)."""

    sequence: int  # 0, 1, 2, ... with no gap
    kind: str  # run_started, node_started, node_succeeded, ..., run_finished
    ts: datetime
    payload: dict[str, Any]  # the whole event as core_engine's event_to_dict gives it

    @property
    def node_id(self) -> str | None:
        """The node the event is about; None for run-level events."""
        value = self.payload.get("node_id")
        return value if isinstance(value, str) else None

    @property
    def map_index(self) -> int | None:
        value = self.payload.get("map_index")
        return value if isinstance(value, int) else None

    @property
    def is_final(self) -> bool:
        """Whether this is the log's last event (``run_finished``)."""
        return self.kind == "run_finished"

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> ExecutionEvent:
        return cls(
            sequence=data["sequence"], kind=data["kind"], ts=_time(data["ts"]), payload=data["payload"]
        )


@dataclass(frozen=True)
class DeployResult:
    """What :meth:`~open_sdk.AsyncClient.deploy` did with one definition."""

    dag: Dag
    version: DagVersion  # the new version, or the latest one when unchanged
    created_dag: bool  # the DAG did not exist and was created (its version 1)
    created_version: bool  # a version was added (True also when the DAG was created)

    @property
    def changed(self) -> bool:
        """Whether anything was created."""
        return self.created_version

    @property
    def outcome(self) -> str:
        """``created`` (new DAG), ``updated`` (new version) or ``unchanged``."""
        if self.created_dag:
            return "created"
        return "updated" if self.created_version else "unchanged"
