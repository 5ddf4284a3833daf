"""Definition-time validation: every rule a DAG must satisfy before anything runs.

:func:`check_dag_header`, :func:`check_node` and :func:`check_types` return one
:class:`~core_engine.errors.ValidationIssue` per problem; :meth:`core_engine.dag.DAG.create`
sorts them by node id and then by rule, so a caller can report them all at once. Rules:

========================  ===================================================================
code                      meaning
========================  ===================================================================
``empty_name``            the DAG has no name
``too_many_nodes``        more than :data:`~core_engine.limits.MAX_NODES` nodes
``invalid_id``            a node id is empty, too long, or has characters outside the pattern
``duplicate_id``          two nodes share an id
``unknown_dependency``    a ``$ref`` or ``depends_on`` names a node that does not exist
``self_dependency``       a node depends on itself
``cycle``                 the dependencies form a cycle (``path`` holds it)
``unknown_param``         a node references an undeclared run parameter
``invalid_param_spec``    a declared run parameter has an unknown type, a bad default, or a
                          non-boolean ``required`` or non-string ``description``
``not_json``              a constant parameter value or a task-type config is not JSON (str,
                          finite number, bool, null, list, object with string keys)
``missing_param``         a required argument of the callable is not given
``unexpected_param``      a parameter the callable does not accept
``type_mismatch``         an upstream's return annotation cannot fit the parameter annotation
``invalid_map``           ``map_over`` names no parameter, or one that is not an upstream result
``invalid_field``         a field has the wrong shape or an unknown enum value
``invalid_retry``         a retry policy value is out of range
``invalid_timeout``       a timeout is not a positive number of seconds within the limit
``invalid_tags``          too many tags, or a tag too long or empty
``unknown_task_type``     the task type is not in the registry
``invalid_config``        the task type rejects its config
``unresolved_callable``   a callable's import path cannot be imported
``unimportable_callable`` a ``run_in="process"`` callable is a lambda or defined in a function
========================  ===================================================================
"""

from __future__ import annotations

import inspect
import math
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from core_engine import limits
from core_engine.errors import ValidationIssue
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
from core_engine.tasktypes import TaskTypeRegistry
from core_engine.typecheck import element_type, is_assignable

PARAM_TYPES: Mapping[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "array": list,
    "object": dict,
    "any": Any,
}


class _Signature:
    """What validation needs of a callable, computed once per function."""

    __slots__ = ("hints", "names", "required", "var_kw")

    def __init__(self, fn: Callable[..., Any]) -> None:
        sig = inspect.signature(fn)
        params = sig.parameters.values()
        self.var_kw = any(p.kind is p.VAR_KEYWORD for p in params)
        self.names = {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        self.required = sorted(
            p.name
            for p in params
            if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        )
        try:
            self.hints: dict[str, Any] = typing.get_type_hints(fn)
        except Exception:  # unresolvable forward references: skip type checks, not the DAG
            self.hints = {}


class SignatureCache:
    """Signatures by function identity, shared across the nodes of one validation."""

    def __init__(self) -> None:
        self._cache: dict[int, tuple[Callable[..., Any], _Signature | None]] = {}

    def get(self, fn: Callable[..., Any]) -> _Signature | None:
        hit = self._cache.get(id(fn))
        if hit is not None and hit[0] is fn:
            return hit[1]
        try:
            sig: _Signature | None = _Signature(fn)
        except (TypeError, ValueError):  # builtins without a signature: not judged
            sig = None
        self._cache[id(fn)] = (fn, sig)
        return sig


def check_dag_header(name: str, params: Mapping[str, ParamSpec], node_count: int) -> list[ValidationIssue]:
    """DAG-level rules: name, node count, run parameter declarations."""
    out = []
    if not isinstance(name, str) or not name.strip():
        out.append(ValidationIssue("empty_name", "the DAG needs a non-empty name", field="name"))
    if node_count > limits.MAX_NODES:
        out.append(
            ValidationIssue(
                "too_many_nodes",
                f"{node_count} nodes exceed the limit of {limits.MAX_NODES}",
                suggestion="split the workflow into several DAGs, or use a mapped node",
            )
        )
    for pname, spec in sorted(params.items()):
        if not isinstance(spec.required, bool):
            out.append(
                ValidationIssue(
                    "invalid_param_spec",
                    f"'required' of run parameter {pname!r} must be true or false",
                    field=f"params.{pname}.required",
                )
            )
        if not isinstance(spec.description, str):
            out.append(
                ValidationIssue(
                    "invalid_param_spec",
                    f"description of run parameter {pname!r} must be a string",
                    field=f"params.{pname}.description",
                )
            )
        if not isinstance(spec.type, str) or spec.type not in PARAM_TYPES:
            out.append(
                ValidationIssue(
                    "invalid_param_spec",
                    f"run parameter {pname!r} has unknown type {spec.type!r}",
                    field=f"params.{pname}.type",
                    suggestion=f"use one of {', '.join(PARAM_TYPES)}",
                )
            )
        elif not spec.required and not is_json(spec.default):
            out.append(
                ValidationIssue(
                    "invalid_param_spec",
                    f"default of run parameter {pname!r} is not a JSON value",
                    field=f"params.{pname}.default",
                )
            )
        elif not spec.required and spec.default is not None and not param_value_fits(spec.default, spec.type):
            out.append(
                ValidationIssue(
                    "invalid_param_spec",
                    f"default of run parameter {pname!r} is not of type {spec.type!r}",
                    field=f"params.{pname}.default",
                )
            )
    return out


def param_value_fits(value: Any, type_name: str) -> bool:
    """Whether a JSON value fits a run-parameter JSON type name (``integer`` excludes bool)."""
    if type_name == "any":
        return True
    if type_name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if type_name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    expected = PARAM_TYPES.get(type_name)
    return isinstance(expected, type) and isinstance(value, expected)


def check_node(
    node: Node,
    declared_params: Mapping[str, ParamSpec],
    registry: TaskTypeRegistry,
    signatures: SignatureCache,
) -> list[ValidationIssue]:
    """Rules about one node alone (id, retry, timeout, tags, params, task spec, signature)."""
    nid = node.id
    out: list[ValidationIssue] = []
    if not isinstance(nid, str) or not nid:
        return [ValidationIssue("invalid_id", "id must be a non-empty string", node_id=str(nid), field="id")]
    if len(nid) > limits.MAX_NODE_ID_LENGTH:
        out.append(
            ValidationIssue(
                "invalid_id",
                f"id is {len(nid)} characters long; the limit is {limits.MAX_NODE_ID_LENGTH}",
                node_id=nid,
                field="id",
            )
        )
    elif limits.NODE_ID_PATTERN.fullmatch(nid) is None:
        out.append(
            ValidationIssue(
                "invalid_id",
                "id may hold only letters, digits and '_ . : -', and must not start with '.', ':' or '-'",
                node_id=nid,
                field="id",
            )
        )
    for fld, kind in (("run_in", RunIn), ("trigger", TriggerRule)):
        if not isinstance(getattr(node, fld), kind):
            out.append(
                ValidationIssue(
                    "invalid_field",
                    f"{fld} must be one of {', '.join(m.value for m in kind)}, got {getattr(node, fld)!r}",
                    node_id=nid,
                    field=fld,
                )
            )
    out.extend(
        ValidationIssue("invalid_retry", f"retry.{fld} {msg}", node_id=nid, field=f"retry.{fld}")
        for fld, msg in node.retry.problems()
    )
    t = node.timeout
    if t is not None and (
        not isinstance(t, int | float)
        or isinstance(t, bool)
        or not (0 < t <= limits.MAX_TIMEOUT_SECONDS)
        or math.isnan(t)
    ):
        out.append(
            ValidationIssue(
                "invalid_timeout",
                f"timeout must be a number of seconds in (0, {limits.MAX_TIMEOUT_SECONDS:g}], got {t!r}",
                node_id=nid,
                field="timeout",
            )
        )
    if len(node.tags) > limits.MAX_TAGS or any(
        not isinstance(tag, str) or not tag or len(tag) > limits.MAX_TAG_LENGTH for tag in node.tags
    ):
        out.append(
            ValidationIssue(
                "invalid_tags",
                f"at most {limits.MAX_TAGS} tags, each 1..{limits.MAX_TAG_LENGTH} characters",
                node_id=nid,
                field="tags",
            )
        )
    for pname, value in node.params.items():
        if isinstance(value, Param) and value.name not in declared_params:
            out.append(
                ValidationIssue(
                    "unknown_param",
                    f"parameter {pname!r} uses run parameter {value.name!r}, which the DAG does not declare",
                    node_id=nid,
                    field=f"params.{pname}",
                    suggestion=f"declare {value.name!r} in the DAG's params",
                )
            )
        elif not isinstance(value, Ref | Param) and not is_json(value):
            out.append(
                ValidationIssue(
                    "not_json",
                    f"parameter {pname!r} is not a JSON value ({type(value).__name__})",
                    node_id=nid,
                    field=f"params.{pname}",
                    suggestion="pass data between nodes through upstream results instead",
                )
            )
    if node.map_over is not None and not isinstance(node.params.get(node.map_over), Ref):
        out.append(
            ValidationIssue(
                "invalid_map",
                f"map_over names {node.map_over!r}, which is not a parameter bound to an upstream result",
                node_id=nid,
                field="map_over",
            )
        )
    out.extend(_check_task(node, registry, signatures))
    return out


def _check_task(node: Node, registry: TaskTypeRegistry, signatures: SignatureCache) -> list[ValidationIssue]:
    nid = node.id
    spec = node.task
    if isinstance(spec, TypedTask):
        task_type = registry.get(spec.type)
        if task_type is None:
            return [
                ValidationIssue(
                    "unknown_task_type",
                    f"task type {spec.type!r} is not registered",
                    node_id=nid,
                    field="task.type",
                    suggestion=f"known types: {', '.join(registry.names()) or 'none'}",
                )
            ]
        if not isinstance(spec.config, Mapping) or not is_json(dict(spec.config)):
            return [
                ValidationIssue(
                    "not_json",
                    "config must be a JSON object",
                    node_id=nid,
                    field="task.config",
                )
            ]
        return [
            ValidationIssue("invalid_config", f"config.{fld} {msg}", node_id=nid, field=f"task.config.{fld}")
            for fld, msg in task_type.config_problems(spec.config)
        ]
    if node.run_in is RunIn.PROCESS and ("<locals>" in spec.path or "<lambda>" in spec.path):
        return [
            ValidationIssue(
                "unimportable_callable",
                f"{spec.path} runs in a worker process, which imports it by path, but it is "
                "defined inside a function (or is a lambda) and cannot be imported",
                node_id=nid,
                field="run_in",
                suggestion="define the function at module level, or run it in a thread",
            )
        ]
    if spec.fn is None:
        return []
    sig = signatures.get(spec.fn)
    if sig is None:
        return []
    out = [
        ValidationIssue(
            "missing_param",
            f"required argument {name!r} of {spec.path} is not given",
            node_id=nid,
            field=f"params.{name}",
        )
        for name in sig.required
        if name not in node.params
    ]
    if not sig.var_kw:
        out.extend(
            ValidationIssue(
                "unexpected_param",
                f"{spec.path} takes no argument {name!r}",
                node_id=nid,
                field=f"params.{name}",
                suggestion=f"it accepts: {', '.join(sorted(sig.names)) or 'nothing'}",
            )
            for name in sorted(node.params)
            if name not in sig.names
        )
    return out


def is_json(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` is made only of JSON types (dict keys are strings), nested < 64 deep."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= 64:
        return False
    if isinstance(value, list | tuple):
        return all(is_json(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json(v, depth + 1) for k, v in value.items())
    return False


def check_types(
    nodes: Sequence[Node],
    index: Mapping[str, int],
    declared_params: Mapping[str, ParamSpec],
    signatures: SignatureCache,
) -> list[ValidationIssue]:
    """``type_mismatch`` and list-ness of mapped inputs, where both ends are annotated."""
    out = []
    for node in nodes:
        spec = node.task
        if not isinstance(spec, CallableTask) or spec.fn is None:
            continue
        sig = signatures.get(spec.fn)
        if sig is None or not sig.hints:
            continue
        for pname, value in sorted(node.params.items()):
            target = sig.hints.get(pname)
            if target is None:
                continue
            source = _source_type(value, nodes, index, declared_params, signatures)
            if source is _UNKNOWN:
                continue
            where = f"params.{pname}"
            if pname == node.map_over:
                if not isinstance(value, Ref):
                    continue  # reported by check_node as invalid_map
                item = element_type(source)
                if item is None:
                    out.append(
                        ValidationIssue(
                            "invalid_map",
                            f"maps over {pname!r}, but upstream {value.node_id!r} returns "
                            f"{_type_name(source)}, not a list",
                            node_id=node.id,
                            field=where,
                        )
                    )
                    continue
                source = item
            if not is_assignable(source, target):
                origin = f"upstream {value.node_id!r}" if isinstance(value, Ref) else "the value"
                out.append(
                    ValidationIssue(
                        "type_mismatch",
                        f"parameter {pname!r} is annotated {_type_name(target)}, but {origin} "
                        f"gives {_type_name(source)}",
                        node_id=node.id,
                        field=where,
                    )
                )
    return out


_UNKNOWN = object()


def _source_type(
    value: Any,
    nodes: Sequence[Node],
    index: Mapping[str, int],
    declared_params: Mapping[str, ParamSpec],
    signatures: SignatureCache,
) -> Any:
    if isinstance(value, Param):
        spec = declared_params.get(value.name)
        return _UNKNOWN if spec is None else PARAM_TYPES.get(spec.type, _UNKNOWN)
    if not isinstance(value, Ref):
        return _UNKNOWN  # constants: their JSON types are checked at run time by the callable
    i = index.get(value.node_id)
    if i is None:
        return _UNKNOWN
    upstream = nodes[i]
    up_spec = upstream.task
    if not isinstance(up_spec, CallableTask) or up_spec.fn is None:
        return _UNKNOWN
    sig = signatures.get(up_spec.fn)
    if sig is None or "return" not in sig.hints:
        return _UNKNOWN
    ret = sig.hints["return"]
    if _is_awaitable_hint(ret):
        return _UNKNOWN
    if upstream.map_over is not None:
        return list[ret]  # type: ignore[valid-type]
    return ret


def _is_awaitable_hint(hint: Any) -> bool:
    origin = typing.get_origin(hint)
    return origin is not None and getattr(origin, "__name__", "") in ("Awaitable", "Coroutine")


def _type_name(t: Any) -> str:
    if t is type(None):
        return "None"
    if isinstance(t, type) and typing.get_origin(t) is None:
        return t.__qualname__
    return repr(t).replace("typing.", "")
