"""The canonical JSON definition of a DAG: the form the platform stores and the editor edits.

Shape (``schema_version`` 1; the JSON Schema is ``docs/dag-definition.schema.json``)::

    {"schema_version": 1, "name": "etl", "description": "",
     "params": {"n": {"type": "integer", "required": false, "default": 3}},
     "nodes": [{"id": "extract", "task": {"callable": "pkg.mod:extract"},
                "params": {"n": {"$param": "n"}}, "depends_on": [], "map_over": null,
                "retry": {...}, "timeout": null, "tags": [], "run_in": "auto",
                "trigger": "all_success"}, ...]}

Canonical text: keys sorted, nodes sorted by id, lists without meaning to their order sorted,
numbers in timeouts and retry policies as floats, separators ``,`` and ``:``, UTF-8. Code ->
JSON -> DAG -> JSON gives the same text, so ``sha256`` of it identifies a definition.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from core_engine.errors import DAGValidationError, DefinitionError, ValidationIssue
from core_engine.node import (
    CallableTask,
    Node,
    ParamSpec,
    RunIn,
    TaskSpec,
    TriggerRule,
    TypedTask,
    decode_param,
)
from core_engine.retry import RetryPolicy

if TYPE_CHECKING:
    from core_engine.dag import DAG
    from core_engine.tasktypes import TaskTypeRegistry

#: Largest JSON definition accepted, in bytes (64 MiB).
MAX_DEFINITION_BYTES = 64 * 1024 * 1024

_TOP_KEYS = frozenset({"schema_version", "name", "description", "params", "nodes"})
_PARAM_SPEC_KEYS = frozenset({"type", "default", "required", "description"})
_RETRY_KEYS = frozenset({"max_attempts", "backoff_base", "backoff_cap", "jitter", "retry_on"})
_NODE_KEYS = frozenset(
    {
        "id",
        "task",
        "params",
        "depends_on",
        "map_over",
        "retry",
        "timeout",
        "tags",
        "run_in",
        "trigger",
    }
)


def canonical_json(value: Any) -> str:
    """Canonical JSON text of ``value`` (sorted keys, compact, UTF-8, no NaN)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def dag_to_dict(dag: DAG) -> dict[str, Any]:
    """The canonical definition of ``dag`` as a JSON-ready dict."""
    from core_engine.dag import SCHEMA_VERSION

    return {
        "schema_version": SCHEMA_VERSION,
        "name": dag.name,
        "description": dag.description,
        "params": {name: spec.to_dict() for name, spec in sorted(dag.params.items())},
        "nodes": [node.to_dict() for node in dag.nodes],
    }


def parse_json(text: str | bytes) -> Any:
    """Parse definition text; raises :class:`DefinitionError` with line and column on bad JSON."""
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if size > MAX_DEFINITION_BYTES:
        raise DefinitionError(f"definition is {size} bytes; the limit is {MAX_DEFINITION_BYTES}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            f"not valid JSON: {exc.msg}", f"line {exc.lineno}, column {exc.colno}"
        ) from None
    except UnicodeDecodeError as exc:
        raise DefinitionError(f"not valid JSON: the text is not UTF-8 ({exc.reason})") from None
    except RecursionError:
        raise DefinitionError("not valid JSON: nested too deeply") from None


def dag_from_dict(
    data: Mapping[str, Any],
    *,
    registry: TaskTypeRegistry | None = None,
    resolve_callables: bool = True,
) -> DAG:
    """Build a DAG from a JSON definition.

    Args:
        registry: task types ``{"type": ...}`` nodes may use.
        resolve_callables: import each ``{"callable": "module:qualname"}`` now, so signatures
            and annotations are validated (an import failure is an ``unresolved_callable``
            issue); ``False`` keeps import paths only (the executor imports them when it runs).

    Raises:
        DefinitionError: the document is not a definition object or has another schema version.
        DAGValidationError: every malformed field and every rule violation, with node ids.
    """
    from core_engine.dag import DAG, SCHEMA_VERSION

    if not isinstance(data, Mapping):
        raise DefinitionError(f"a definition must be a JSON object, got {type(data).__name__}")
    version = data.get("schema_version")
    if isinstance(version, bool) or version != SCHEMA_VERSION:
        raise DefinitionError(
            f"unsupported schema_version {version!r}; this engine reads version {SCHEMA_VERSION}",
            "schema_version",
        )
    name = data.get("name")
    issues = [
        ValidationIssue("invalid_field", f"unknown field {key!r}", field=str(key))
        for key in sorted(set(data) - _TOP_KEYS, key=str)
    ]
    if not isinstance(name, str):
        issues.append(ValidationIssue("invalid_field", "name must be a string", field="name"))
        name = ""
    description = data.get("description", "")
    if not isinstance(description, str):
        issues.append(ValidationIssue("invalid_field", "description must be a string", field="description"))
        description = ""
    params = _params_from(data.get("params", {}), issues)
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, list):
        issues.append(ValidationIssue("invalid_field", "nodes must be a list", field="nodes"))
        raw_nodes = []
    nodes = []
    for position, raw in enumerate(raw_nodes):
        node = _node_from(raw, position, issues, resolve_callables)
        if node is not None:
            nodes.append(node)
    try:
        dag = DAG.create(name, nodes, description, params, registry=registry)
    except DAGValidationError as exc:
        issues.extend(exc.issues)
    if issues:
        issues.sort(key=lambda issue: (issue.node_id or "", issue.code, issue.field or ""))
        raise DAGValidationError(issues, name or None)
    return dag


def resolve_callable(path: str) -> Callable[..., Any]:
    """Import ``"module:qualname"`` and return the function (a ``@task`` gives its function).

    Raises ``ImportError`` naming the path when the module or attribute is missing, or the
    qualname points inside a function (``<locals>``), which cannot be imported.
    """
    module_name, _, qualname = path.partition(":")
    if not module_name or not qualname:
        raise ImportError(f"callable path {path!r} must look like 'package.module:function'")
    if "<locals>" in qualname:
        raise ImportError(f"{path!r} is defined inside a function and cannot be imported")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ImportError(f"cannot import module {module_name!r} for {path!r}: {exc}") from None
    for part in qualname.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImportError(f"module {module_name!r} has no attribute {qualname!r}") from None
    fn = getattr(obj, "fn", obj)  # a TaskFunction wraps the real function
    if not callable(fn):
        raise ImportError(f"{path!r} is not callable")
    return fn  # type: ignore[no-any-return]


def declared_params(data: Mapping[str, Any]) -> dict[str, ParamSpec]:
    """The run parameters a JSON definition declares, read without building its DAG.

    For definitions already validated (stored versions): nodes, task types and callables are
    not looked at, so a server checks run parameters without the task types or modules the
    nodes need. Parameter values are checked when a run resolves them
    (:func:`~core_engine.resolve_params`).

    Raises:
        DefinitionError: ``params`` is not an object of parameter objects (field named).
    """
    issues: list[ValidationIssue] = []
    params = _params_from(data.get("params", {}), issues)
    if issues:
        raise DefinitionError(issues[0].message, issues[0].field or "")
    return params


def _params_from(raw: Any, issues: list[ValidationIssue]) -> dict[str, ParamSpec]:
    if not isinstance(raw, Mapping):
        issues.append(ValidationIssue("invalid_field", "params must be an object", field="params"))
        return {}
    out = {}
    for pname, spec in raw.items():
        if not isinstance(spec, Mapping):
            issues.append(
                ValidationIssue(
                    "invalid_field",
                    f"run parameter {pname!r} must be an object",
                    field=f"params.{pname}",
                )
            )
            continue
        issues.extend(
            ValidationIssue("invalid_field", f"unknown field {key!r}", field=f"params.{pname}.{key}")
            for key in sorted(set(spec) - _PARAM_SPEC_KEYS)
        )
        # Values are kept as given; check_dag_header reports the wrong ones.
        out[pname] = ParamSpec(
            type=spec.get("type", "any"),
            default=spec.get("default"),
            required=spec.get("required", False),
            description=spec.get("description", ""),
        )
    return out


def _node_from(raw: Any, position: int, issues: list[ValidationIssue], resolve: bool) -> Node | None:
    where = f"nodes[{position}]"
    if not isinstance(raw, Mapping):
        issues.append(ValidationIssue("invalid_field", f"{where} must be an object", field=where))
        return None
    nid = raw.get("id")
    if not isinstance(nid, str):
        issues.append(ValidationIssue("invalid_field", f"{where}.id must be a string", field=f"{where}.id"))
        return None

    def bad(fld: str, message: str) -> None:
        issues.append(ValidationIssue("invalid_field", message, node_id=nid, field=fld))

    for key in sorted(set(raw) - _NODE_KEYS):
        bad(key, f"unknown field {key!r}")
    task = _task_from(raw.get("task"), nid, issues, resolve)
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        bad("params", "params must be an object")
        params = {}
    for pname, value in sorted(params.items()):
        if isinstance(value, Mapping) and len(value) == 1:
            marker, inner = next(iter(value.items()))
            if marker in ("$ref", "$param") and not isinstance(inner, str):
                bad(
                    f"params.{pname}",
                    f"{marker} must name a {'node' if marker == '$ref' else 'run parameter'}",
                )
    depends_on = raw.get("depends_on", [])
    if not isinstance(depends_on, list) or not all(isinstance(d, str) for d in depends_on):
        bad("depends_on", "depends_on must be a list of node ids")
        depends_on = []
    tags = raw.get("tags", [])
    if not isinstance(tags, list):
        bad("tags", "tags must be a list of strings")
        tags = []
    map_over = raw.get("map_over")
    if map_over is not None and not isinstance(map_over, str):
        bad("map_over", "map_over must be a parameter name or null")
        map_over = None
    retry_raw = raw.get("retry", {})
    if not isinstance(retry_raw, Mapping):
        bad("retry", "retry must be an object")
        retry_raw = {}
    for key in sorted(set(retry_raw) - _RETRY_KEYS):
        bad(f"retry.{key}", f"unknown field {key!r}")
    timeout = raw.get("timeout")
    if isinstance(timeout, int) and not isinstance(timeout, bool):
        timeout = float(timeout)
    run_in = _enum(RunIn, raw.get("run_in", "auto"), "run_in", bad)
    trigger = _enum(TriggerRule, raw.get("trigger", "all_success"), "trigger", bad)
    # A malformed node is still built, with its bad fields (already reported) replaced, so the
    # DAG-level rules run too and its dependants do not see it as an unknown node.
    return Node(
        id=nid,
        task=task if task is not None else CallableTask(""),
        params={k: decode_param(v) for k, v in params.items()},
        depends_on=tuple(depends_on),
        map_over=map_over,
        retry=RetryPolicy.from_dict(retry_raw),
        timeout=timeout,
        tags=tuple(tags),
        run_in=run_in or RunIn.AUTO,
        trigger=trigger or TriggerRule.ALL_SUCCESS,
    )


def _enum(kind: Any, value: Any, fld: str, bad: Callable[[str, str], None]) -> Any:
    try:
        return kind(value)
    except ValueError:
        bad(fld, f"{fld} must be one of {', '.join(m.value for m in kind)}, got {value!r}")
        return None


def _task_from(raw: Any, nid: str, issues: list[ValidationIssue], resolve: bool) -> TaskSpec | None:
    def bad(fld: str, message: str, code: str = "invalid_field") -> None:
        issues.append(ValidationIssue(code, message, node_id=nid, field=fld))

    if not isinstance(raw, Mapping):
        bad(
            "task",
            'task must be {"callable": "module:function"} or {"type": name, "config": {...}}',
        )
        return None
    if "callable" in raw:
        path = raw["callable"]
        if not isinstance(path, str) or set(raw) != {"callable"}:
            bad("task.callable", 'a callable task is exactly {"callable": "module:function"}')
            return None
        if not resolve:
            return CallableTask(path)
        try:
            return CallableTask(path, resolve_callable(path))
        except ImportError as exc:
            bad("task.callable", str(exc), "unresolved_callable")
            return CallableTask(path)
    type_name = raw.get("type")
    config = raw.get("config", {})
    if not isinstance(type_name, str) or not isinstance(config, Mapping) or set(raw) - {"type", "config"}:
        bad("task", 'a typed task is exactly {"type": name, "config": {...}}')
        return None
    return TypedTask(type_name, dict(config))
