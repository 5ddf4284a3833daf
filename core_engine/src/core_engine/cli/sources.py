"""Reading the DAGs of a ``.py`` or ``.json`` file for ``check`` and ``run``, with every problem
kept as data: a file-level error (import failure, malformed JSON) or per-DAG validation issues."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from core_engine.cli.errors import UsageError
from core_engine.dag import DAG
from core_engine.errors import DAGValidationError, DefinitionError, ValidationIssue
from core_engine.loader import LoadError, add_to_sys_path, collect, import_file

SUFFIXES = (".py", ".json")


@dataclass(frozen=True, slots=True)
class Entry:
    """One DAG found in a file: built (``dag``) or not (``issues`` says why)."""

    name: str
    dag: DAG | None
    issues: tuple[ValidationIssue, ...] = ()


@dataclass(slots=True)
class Source:
    """What a file holds.

    Attributes:
        path: the file.
        entries: its DAGs, in definition order.
        error: why the file as a whole could not be read (then ``entries`` may be empty).
        detail: the traceback behind ``error``, for ``--debug``.
    """

    path: Path
    entries: list[Entry] = field(default_factory=list)
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """No file-level error, at least one DAG, and every DAG built."""
        return self.error is None and bool(self.entries) and all(e.dag is not None for e in self.entries)


def read_source(path_text: str) -> Source:
    """Read the DAGs of ``path_text`` (``.py``: import it; ``.json``: a canonical definition,
    callables imported and checked). The file's directory, then the current directory, are put
    first on ``sys.path``, so the file's modules and the project's packages import.

    Raises:
        UsageError: the file does not exist or has another suffix.
    """
    path = Path(path_text)
    if path.suffix not in SUFFIXES:
        raise UsageError(f"{path}: expected a .py or .json file")
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    add_to_sys_path(Path.cwd())  # as `python -m` does; the console script does not
    add_to_sys_path(path.parent)  # first, as `python FILE` does
    return _read_python(path) if path.suffix == ".py" else _read_json(path)


def _read_python(path: Path) -> Source:
    source = Source(path)
    try:
        module = import_file(path)
    except LoadError as exc:
        if isinstance(exc.cause, DAGValidationError):  # ``dag = builder.build()`` at module level
            source.entries.append(Entry(exc.cause.dag_name or path.stem, None, exc.cause.issues))
            where = f"{path}:{exc.line}" if exc.line is not None else str(path)
            source.detail = f"raised while importing {where}"
            return source
        source.error = str(exc)
        source.detail = "".join(traceback.format_exception(exc.cause))
        return source
    for item in collect(module):
        if isinstance(item, DAG):
            source.entries.append(Entry(item.name, item))
            continue
        try:
            source.entries.append(Entry(item.name, item.build()))
        except DAGValidationError as exc:
            source.entries.append(Entry(item.name, None, exc.issues))
    if not source.entries:
        source.error = f"{path}: defines no DAG (expected module-level DAG or DAGBuilder objects)"
    return source


def _read_json(path: Path) -> Source:
    source = Source(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        source.error = f"{path}: cannot read: {exc.strerror or exc}"
        return source
    except UnicodeDecodeError as exc:
        source.error = f"{path}: not UTF-8 text: {exc.reason}"
        return source
    try:
        dag = DAG.from_json(text, resolve_callables=True)
    except DefinitionError as exc:
        source.error = f"{path}: {exc}"
    except DAGValidationError as exc:
        source.entries.append(Entry(exc.dag_name or path.stem, None, exc.issues))
    else:
        source.entries.append(Entry(dag.name, dag))
    return source
