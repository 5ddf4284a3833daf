"""Errors raised by the engine, each carrying the data a caller needs to point at the culprit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem found in a DAG definition.

    Attributes:
        code: machine-readable kind, e.g. ``"cycle"``, ``"unknown_dependency"``.
        message: a sentence for a person, naming the node and field.
        node_id: the node at fault, or ``None`` for DAG-level problems.
        field: the field at fault (``"params.x"``, ``"retry.max_attempts"``), or ``None``.
        suggestion: how to fix it, or ``None``.
        path: for cycles, the node ids along the cycle, first id repeated at the end.
    """

    code: str
    message: str
    node_id: str | None = None
    field: str | None = None
    suggestion: str | None = None
    path: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"node {self.node_id!r}" if self.node_id is not None else "DAG"
        if self.field:
            where += f", field {self.field!r}"
        text = f"[{self.code}] {where}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: ``{"code", "message", "node_id", "field", "suggestion", "path"}``."""
        return {
            "code": self.code,
            "message": self.message,
            "node_id": self.node_id,
            "field": self.field,
            "suggestion": self.suggestion,
            "path": list(self.path),
        }


class DAGValidationError(ValueError):
    """Every problem found while building a DAG, reported at once.

    ``issues`` holds one :class:`ValidationIssue` per problem, in a stable order (by node id,
    DAG-level issues first, then by code and field), so the API and the editor can mark each
    offending node.
    """

    def __init__(self, issues: list[ValidationIssue], dag_name: str | None = None) -> None:
        self.issues = tuple(issues)
        self.dag_name = dag_name
        head = f"DAG {dag_name!r} is invalid" if dag_name else "DAG is invalid"
        count = len(self.issues)
        lines = [f"{head}: {count} problem{'s' if count != 1 else ''}"]
        lines.extend(f"  - {issue}" for issue in self.issues)
        super().__init__("\n".join(lines))


class DefinitionError(ValueError):
    """A JSON definition that is not even shaped like one (not an object, wrong schema version).

    ``location`` is a JSON-pointer-like path (``nodes[3].retry``) to the offending value.
    """

    def __init__(self, message: str, location: str = "") -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class ParamsError(ValueError):
    """Run parameters that do not match the DAG's declared parameters.

    ``problems`` maps each parameter name to what is wrong with it.
    """

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        detail = "; ".join(f"{name}: {why}" for name, why in sorted(self.problems.items()))
        super().__init__(f"invalid run parameters: {detail}")


class SkipNode(Exception):
    """Raised by a task to skip itself; the node ends as ``skipped`` with this reason.

    Skips propagate downstream by the node's trigger rule (see :mod:`core_engine.node`).
    """

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__(reason)


class NodeTimeoutError(TimeoutError):
    """A node attempt ran longer than its ``timeout`` (seconds)."""

    def __init__(self, node_id: str, timeout: float) -> None:
        self.node_id = node_id
        self.timeout = timeout
        super().__init__(f"node {node_id!r} timed out after {timeout:g} s")
