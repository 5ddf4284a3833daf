"""Load the DAGs a Python file defines: import it as a module, then collect its DAGs.

A file defines DAGs by holding, at module level, :class:`~core_engine.dag.DAG` objects
(``dag = builder.build()``) or :class:`~core_engine.builder.DAGBuilder` objects, which are
built here. Importing works as ``python FILE`` would: the file's directory goes first on
``sys.path``, so it can import its neighbours. The module is named after the file (``etl.py``
becomes ``etl``, so its tasks' import paths ``etl:extract`` resolve, also in worker processes),
unless that name is taken by another module already imported; then it gets a private name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from core_engine.builder import DAGBuilder
from core_engine.dag import DAG

# Modules this loader made, by name: importing their file again replaces them.
_loaded: dict[str, Path] = {}


class LoadError(Exception):
    """A Python file could not be imported.

    Attributes:
        path: the file.
        line: the line of the file where the error was raised (or the syntax error is), if known.
        cause: the exception the import raised (its traceback included).
    """

    def __init__(self, path: Path, line: int | None, cause: BaseException) -> None:
        self.path = path
        self.line = line
        self.cause = cause
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {type(cause).__name__}: {_describe(cause)}")


def add_to_sys_path(directory: Path) -> None:
    """Put ``directory`` first on ``sys.path`` unless it is already there."""
    entry = str(directory.resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)


def import_file(path: str | Path) -> ModuleType:
    """Import the Python file ``path`` as a module (see the module docstring for its name).

    Raises:
        FileNotFoundError: there is no such file.
        LoadError: running the file raised (syntax errors included); ``line`` points into it.
    """
    path = Path(path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(path, None, ImportError(f"cannot import {path.name} as a Python module"))
    module = importlib.util.module_from_spec(spec)
    add_to_sys_path(path.parent)
    sys.modules[name] = module
    try:
        # Compiled from the source every time: a cached .pyc of an edited file with the same
        # size and mtime second would run the old code, and none is written next to the file.
        code = compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102 - running the user's file is the point
    except (Exception, SystemExit) as exc:
        del sys.modules[name]
        _loaded.pop(name, None)
        raise LoadError(path, _line_in(path, exc), exc) from exc
    _loaded[name] = path
    return module


def collect(module: ModuleType) -> list[DAG | DAGBuilder]:
    """The module-level DAGs and builders of ``module``, in definition order.

    The same DAG object bound to two names counts once; a builder is left out when a DAG of
    the same name is there too (the module built it itself).
    """
    found: list[DAG | DAGBuilder] = []
    seen: set[int] = set()
    for value in vars(module).values():
        if isinstance(value, DAG | DAGBuilder) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    built = {item.name for item in found if isinstance(item, DAG)}
    return [item for item in found if isinstance(item, DAG) or item.name not in built]


def load_dags(path: str | Path) -> list[DAG]:
    """Import ``path`` and return its DAGs, building its module-level builders.

    Raises:
        FileNotFoundError: there is no such file.
        LoadError: importing the file raised.
        DAGValidationError: a builder's DAG is invalid (the first such builder's problems).
    """
    return [item if isinstance(item, DAG) else item.build() for item in collect(import_file(path))]


def _module_name(path: Path) -> str:
    stem = path.stem
    if stem.isidentifier():
        current = sys.modules.get(stem)
        if current is None or _loaded.get(stem) == path:
            return stem
    digest = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c == "_" else "_" for c in stem)
    return f"_core_engine_file_{safe}_{digest}"


def _line_in(path: Path, exc: BaseException) -> int | None:
    if isinstance(exc, SyntaxError) and exc.filename and Path(exc.filename).resolve() == path:
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path:
            line = frame.lineno  # the innermost frame in the file: where it called out or raised
    return line


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return exc.msg
    return str(exc)
