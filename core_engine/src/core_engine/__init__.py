"""core_engine: OPEN's pure-Python DAG engine.

Define tasks with :func:`task`, build DAGs with :class:`DAGBuilder` (or load the canonical JSON
definition with :meth:`DAG.from_json`), plan them, run them with :func:`execute` / :func:`run`,
and rebuild any run's state from its events with :func:`replay`.
"""

from core_engine.builder import DAGBuilder, NodeOutput
from core_engine.dag import DAG, SCHEMA_VERSION
from core_engine.errors import (
    DAGValidationError,
    DefinitionError,
    NodeTimeoutError,
    ParamsError,
    SkipNode,
    ValidationIssue,
)
from core_engine.events import ErrorInfo, Event, EventKind, event_from_dict, event_to_dict
from core_engine.execution import (
    FailurePolicy,
    RunHandle,
    RunOptions,
    RunResult,
    Strategy,
    execute,
    resolve_params,
    run,
    start,
)
from core_engine.node import (
    CallableTask,
    Node,
    Param,
    ParamSpec,
    Ref,
    RunIn,
    TriggerRule,
    TypedTask,
)
from core_engine.nodelog import node_log
from core_engine.plan import CriticalPath
from core_engine.replay import ReplayError, replay
from core_engine.retry import RetryPolicy
from core_engine.state import NodeRun, NodeState, RunState, RunStatus, digest
from core_engine.task import TaskFunction, task
from core_engine.tasktypes import TaskType, TaskTypeRegistry

__version__ = "0.1.0"

__all__ = [
    "DAG",
    "SCHEMA_VERSION",
    "CallableTask",
    "CriticalPath",
    "DAGBuilder",
    "DAGValidationError",
    "DefinitionError",
    "ErrorInfo",
    "Event",
    "EventKind",
    "FailurePolicy",
    "Node",
    "NodeOutput",
    "NodeRun",
    "NodeState",
    "NodeTimeoutError",
    "Param",
    "ParamSpec",
    "ParamsError",
    "Ref",
    "ReplayError",
    "RetryPolicy",
    "RunHandle",
    "RunIn",
    "RunOptions",
    "RunResult",
    "RunState",
    "RunStatus",
    "SkipNode",
    "Strategy",
    "TaskFunction",
    "TaskType",
    "TaskTypeRegistry",
    "TriggerRule",
    "TypedTask",
    "ValidationIssue",
    "digest",
    "event_from_dict",
    "event_to_dict",
    "node_log",
    "execute",
    "replay",
    "resolve_params",
    "run",
    "start",
    "task",
]
