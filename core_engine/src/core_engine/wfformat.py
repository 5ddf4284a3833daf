"""Import real workflow instances in WfCommons' WfFormat, and replay them as sleep DAGs.

Two shapes are read (github.com/wfcommons/WfFormat):

* WfFormat 1.5 and later: ``workflow.specification.tasks[]`` (``id``, ``parents``, ``children``)
  and ``workflow.execution.tasks[]`` (``id``, ``runtimeInSeconds``), with the original wall time in
  ``workflow.execution.makespanInSeconds``;
* WfFormat 1.3/1.4: ``workflow.tasks[]`` (``name``, optional ``id``, ``parents``, ``children``,
  ``runtimeInSeconds`` or, in 1.3, ``runtime``) and ``workflow.makespanInSeconds`` (1.3:
  ``makespan``). Tasks refer to each other by name (or id); the node id is the name.

A dependency counts whether it is declared on the parent (``children``) or on the child
(``parents``). Anything else raises :class:`WfFormatError` naming the file and the field.

Each task becomes one node ``TypedTask("sleep", {"seconds": runtime * scale})``. Task ids that
already fit :data:`~core_engine.limits.NODE_ID_PATTERN` and
:data:`~core_engine.limits.MAX_NODE_ID_LENGTH` are kept as they are (true of every bundled
instance); any other id is mapped by :func:`node_id_for`.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core_engine.dag import DAG
from core_engine.errors import DAGValidationError
from core_engine.events import Event
from core_engine.execution import RunOptions, Strategy, execute
from core_engine.limits import MAX_NODE_ID_LENGTH, NODE_ID_PATTERN
from core_engine.node import Node, TypedTask
from core_engine.plan import CriticalPath

#: Environment variable naming the directory of WfFormat instances.
DATA_DIR_ENV = "OPEN_WFCOMMONS_DIR"

#: Where the bundled instances sit, relative to the repository root (or the current directory).
DATA_DIR_RELATIVE = Path("..", "shared", "data", "wfcommons")

_NOT_IN_ID = re.compile(r"[^A-Za-z0-9_.:\-]")
_HASH_CHARS = 8


class WfFormatError(ValueError):
    """A file that is not a WfFormat instance this importer reads.

    Attributes:
        path: the file.
        field: where in it the problem is, e.g. ``workflow.specification.tasks[3].parents``.
    """

    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path = path
        self.field = field
        super().__init__(f"{path}: {field}: {message}" if field else f"{path}: {message}")


@dataclass(frozen=True, slots=True)
class WfInstance:
    """One imported instance.

    Attributes:
        name: the file stem.
        path: the file.
        dag: one ``sleep`` node per task, sleeping ``runtime * scale`` seconds; edges from parents.
        runtimes: unscaled ``runtimeInSeconds`` by node id.
        scale: the factor applied to every runtime.
        original_makespan: the wall seconds of the original execution, if the file records it.
    """

    name: str
    path: Path
    dag: DAG
    runtimes: dict[str, float]
    scale: float
    original_makespan: float | None

    def critical_path(self) -> CriticalPath:
        """The runtime-weighted longest path, in unscaled seconds."""
        return self.dag.critical_path(self.runtimes)


@dataclass(frozen=True, slots=True)
class Measurement:
    """One timed replay of an instance (seconds throughout).

    Attributes:
        critical_path: the scaled critical path: no scheduler can finish sooner.
        makespan: seconds from the run's ``run_started`` event to its ``run_finished`` event.
        ratio: ``makespan / critical_path`` (``inf`` when the critical path is 0).
        status: the run's final :class:`~core_engine.state.RunStatus` value.
    """

    instance: str
    strategy: str
    nodes: int
    edges: int
    critical_path: float
    makespan: float
    ratio: float
    status: str


@dataclass(frozen=True, slots=True)
class _Task:
    ref: str  # the id (1.5) or name (1.3/1.4) other tasks use to refer to it
    parents: tuple[str, ...]
    children: tuple[str, ...]
    runtime: float
    where: str  # field path, for errors


def node_id_for(task_id: str) -> str:
    """The node id for a WfFormat task id (deterministic).

    An id that fits the node id pattern and length is kept. Otherwise every character outside
    ``[A-Za-z0-9_.:-]`` becomes ``_``, a leading ``.``, ``:`` or ``-`` (or an empty id) gets a
    ``_`` in front, the result is cut to leave room for a suffix, and ``_`` plus the first 8 hex
    digits of the SHA-256 of the original id is appended, so distinct ids stay distinct.
    """
    if len(task_id) <= MAX_NODE_ID_LENGTH and NODE_ID_PATTERN.fullmatch(task_id):
        return task_id
    clean = _NOT_IN_ID.sub("_", task_id)
    if not clean or clean[0] in ".:-":
        clean = "_" + clean
    suffix = hashlib.sha256(task_id.encode("utf-8")).hexdigest()[:_HASH_CHARS]
    return f"{clean[: MAX_NODE_ID_LENGTH - _HASH_CHARS - 1]}_{suffix}"


def load_instance(path: str | Path, scale: float = 1.0) -> WfInstance:
    """Read a WfFormat file and build its sleep DAG, each runtime multiplied by ``scale``.

    Raises:
        WfFormatError: the file cannot be read, is not JSON, or lacks or misshapes a field
            (the message names the file and the field), or its dependencies form a cycle.
        ValueError: ``scale`` is negative or not finite.
    """
    if not isinstance(scale, int | float) or not math.isfinite(scale) or scale < 0:
        raise ValueError(f"scale must be a finite number >= 0, got {scale!r}")
    path = Path(path)
    data = _read_json(path)
    workflow = _obj(data, "workflow", path, "")
    if "specification" in workflow or "execution" in workflow:
        tasks, makespan = _tasks_v15(workflow, path)
    elif "tasks" in workflow:
        tasks, makespan = _tasks_legacy(workflow, path)
    else:
        raise WfFormatError(
            path,
            "workflow",
            "expected 'specification' and 'execution' (WfFormat 1.5) or 'tasks' (WfFormat 1.3/1.4)",
        )
    return _build(path, tasks, makespan, float(scale))


def scale_for_critical_path(path: str | Path, target_seconds: float) -> float:
    """The scale at which the instance's critical path lasts ``target_seconds``.

    Raises:
        WfFormatError: as :func:`load_instance`.
        ValueError: ``target_seconds`` is not positive, or the critical path is 0 s long.
    """
    if not target_seconds > 0:
        raise ValueError(f"target_seconds must be positive, got {target_seconds!r}")
    length = load_instance(path).critical_path().length
    if length <= 0:
        raise ValueError(f"{path}: the critical path is 0 s long and cannot be scaled")
    return target_seconds / length


async def measure(
    instance: WfInstance,
    strategy: Strategy | str = "dataflow",
    max_concurrency: int | None = None,
    *,
    on_event: Callable[[Event], None] | None = None,
) -> Measurement:
    """Run ``instance.dag`` once and time it.

    The makespan is the run's own monotonic ``run_finished.duration``: seconds from the
    ``run_started`` event (emitted once the run is prepared) to ``run_finished``.
    ``on_event`` (optional) receives every event, e.g. to show progress.

    Raises:
        ValueError: an unknown strategy or a bad ``max_concurrency``.
    """
    chosen = Strategy(strategy)
    options = RunOptions(
        strategy=chosen,
        max_concurrency=max_concurrency,
        on_event=(on_event,) if on_event is not None else (),
    )
    bound = instance.critical_path().length * instance.scale
    # The definition's hash is computed once per DAG and cached (a stored definition carries
    # it); computing it here keeps that one-off cost out of the first timed run.
    _ = instance.dag.content_hash
    result = await execute(instance.dag, options=options)
    makespan = result.state.duration
    if makespan is None:  # execute() returns finished runs only
        raise RuntimeError("the run did not finish")
    return Measurement(
        instance=instance.name,
        strategy=chosen.value,
        nodes=len(instance.dag),
        edges=len(instance.dag.edges),
        critical_path=bound,
        makespan=makespan,
        ratio=makespan / bound if bound > 0 else math.inf,
        status=result.status.value,
    )


def data_dir_candidates() -> list[Path]:
    """Where :func:`default_data_dir` looks, in order (see there)."""
    configured = os.environ.get(DATA_DIR_ENV)
    if configured:
        return [Path(configured).expanduser().resolve()]
    out = [(Path.cwd() / DATA_DIR_RELATIVE).resolve()]
    root = _repo_root()
    if root is not None and (root / DATA_DIR_RELATIVE).resolve() not in out:
        out.append((root / DATA_DIR_RELATIVE).resolve())
    return out


def default_data_dir() -> Path:
    """The directory of bundled WfFormat instances.

    ``$OPEN_WFCOMMONS_DIR`` when set (returned even if missing: it was asked for); else
    ``../shared/data/wfcommons`` relative to the current directory if that is a directory; else the
    same path relative to the repository root, found by walking up from this file to the first
    directory holding ``core_engine/pyproject.toml``. When none exists, the first candidate is
    returned: callers check ``is_dir()`` and report :func:`data_dir_candidates`.
    """
    candidates = data_dir_candidates()
    return next((c for c in candidates if c.is_dir()), candidates[0])


def instance_files(directory: Path) -> list[Path]:
    """The ``*.json`` files directly in ``directory``, sorted by name."""
    return sorted(p for p in directory.glob("*.json") if p.is_file())


def _repo_root() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        if (parent / "core_engine" / "pyproject.toml").is_file():
            return parent
    return None


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise WfFormatError(path, "", f"cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise WfFormatError(path, "", f"not UTF-8 text: {exc.reason}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise WfFormatError(
            path, "", f"not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None


def _obj(parent: Any, key: str, path: Path, where: str) -> Mapping[str, Any]:
    here = f"{where}.{key}" if where else key
    if not isinstance(parent, Mapping):
        raise WfFormatError(path, where or "(top level)", "must be a JSON object")
    if key not in parent:
        raise WfFormatError(path, here, "is missing")
    value = parent[key]
    if not isinstance(value, Mapping):
        raise WfFormatError(path, here, f"must be an object, got {type(value).__name__}")
    return value


def _list(parent: Mapping[str, Any], key: str, path: Path, where: str, required: bool = True) -> list[Any]:
    here = f"{where}.{key}"
    if key not in parent and not required:
        return []
    value = parent.get(key)
    if not isinstance(value, list):
        what = "is missing" if key not in parent else f"must be a list, got {type(value).__name__}"
        raise WfFormatError(path, here, what)
    return value


def _str(entry: Mapping[str, Any], key: str, path: Path, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value:
        raise WfFormatError(path, f"{where}.{key}", "must be a non-empty string")
    return value


def _refs(entry: Mapping[str, Any], key: str, path: Path, where: str) -> tuple[str, ...]:
    value = _list(entry, key, path, where, required=False)
    if not all(isinstance(v, str) for v in value):
        raise WfFormatError(path, f"{where}.{key}", "must be a list of task ids")
    return tuple(value)


def _seconds(value: Any, path: Path, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise WfFormatError(path, where, f"must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _makespan(parent: Mapping[str, Any], keys: Sequence[str], path: Path, where: str) -> float | None:
    for key in keys:
        if key in parent:
            return _seconds(parent[key], path, f"{where}.{key}")
    return None


def _tasks_v15(workflow: Mapping[str, Any], path: Path) -> tuple[list[_Task], float | None]:
    spec = _obj(workflow, "specification", path, "workflow")
    execution = _obj(workflow, "execution", path, "workflow")
    where_exec = "workflow.execution.tasks"
    runtimes: dict[str, float] = {}
    for k, entry in enumerate(_list(execution, "tasks", path, "workflow.execution")):
        where = f"{where_exec}[{k}]"
        if not isinstance(entry, Mapping):
            raise WfFormatError(path, where, "must be an object")
        tid = _str(entry, "id", path, where)
        if tid in runtimes:
            raise WfFormatError(path, f"{where}.id", f"task {tid!r} has two execution records")
        runtimes[tid] = _seconds(entry.get("runtimeInSeconds"), path, f"{where}.runtimeInSeconds")
    tasks = []
    seen: set[str] = set()
    for k, entry in enumerate(_list(spec, "tasks", path, "workflow.specification")):
        where = f"workflow.specification.tasks[{k}]"
        if not isinstance(entry, Mapping):
            raise WfFormatError(path, where, "must be an object")
        tid = _str(entry, "id", path, where)
        if tid in seen:
            raise WfFormatError(path, f"{where}.id", f"task {tid!r} is declared twice")
        seen.add(tid)
        if tid not in runtimes:
            raise WfFormatError(path, where_exec, f"has no record (runtimeInSeconds) for task {tid!r}")
        parents, children = _refs(entry, "parents", path, where), _refs(entry, "children", path, where)
        tasks.append(_Task(tid, parents, children, runtimes.pop(tid), where))
    if runtimes:
        extra = sorted(runtimes)[0]
        raise WfFormatError(path, where_exec, f"records task {extra!r}, which the specification lacks")
    return tasks, _makespan(execution, ("makespanInSeconds",), path, "workflow.execution")


def _tasks_legacy(workflow: Mapping[str, Any], path: Path) -> tuple[list[_Task], float | None]:
    raw = _list(workflow, "tasks", path, "workflow")
    names: set[str] = set()
    aliases: dict[str, str] = {}  # task ids -> names, for references by id
    for k, entry in enumerate(raw):
        where = f"workflow.tasks[{k}]"
        if not isinstance(entry, Mapping):
            raise WfFormatError(path, where, "must be an object")
        name = _str(entry, "name", path, where)
        names.add(name)
        if isinstance(entry.get("id"), str):
            aliases.setdefault(entry["id"], name)

    def resolve(refs: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(ref if ref in names else aliases.get(ref, ref) for ref in refs)

    tasks = []
    for k, entry in enumerate(raw):
        where = f"workflow.tasks[{k}]"
        key = "runtimeInSeconds" if "runtimeInSeconds" in entry else "runtime"
        runtime = _seconds(entry.get(key), path, f"{where}.{key}")
        parents, children = _refs(entry, "parents", path, where), _refs(entry, "children", path, where)
        tasks.append(_Task(entry["name"], resolve(parents), resolve(children), runtime, where))
    return tasks, _makespan(workflow, ("makespanInSeconds", "makespan"), path, "workflow")


def _build(path: Path, tasks: list[_Task], makespan: float | None, scale: float) -> WfInstance:
    ids: dict[str, str] = {}
    for task in tasks:
        if task.ref in ids:
            raise WfFormatError(path, task.where, f"task {task.ref!r} is declared twice")  # 1.3/1.4 names
        nid = node_id_for(task.ref)
        ids[task.ref] = nid
    if len(set(ids.values())) < len(ids):
        raise WfFormatError(path, "workflow", "two task ids map to the same node id (see node_id_for)")
    upstream: dict[str, set[str]] = {task.ref: set() for task in tasks}
    for task in tasks:
        for field, refs in (("parents", task.parents), ("children", task.children)):
            for ref in refs:
                if ref not in ids:
                    raise WfFormatError(path, f"{task.where}.{field}", f"names unknown task {ref!r}")
                if field == "parents":
                    upstream[task.ref].add(ids[ref])
                else:
                    upstream[ref].add(ids[task.ref])
    nodes = [
        Node(
            id=ids[task.ref],
            task=TypedTask("sleep", {"seconds": task.runtime * scale}),
            depends_on=tuple(sorted(upstream[task.ref])),
        )
        for task in tasks
    ]
    try:
        dag = DAG.create(path.stem, nodes, description=f"WfFormat instance {path.name}")
    except DAGValidationError as exc:
        raise WfFormatError(path, "workflow", str(exc)) from None
    runtimes = {ids[task.ref]: task.runtime for task in tasks}
    return WfInstance(path.stem, path, dag, runtimes, scale, makespan)
