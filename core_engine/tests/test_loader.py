"""Loading the DAGs a Python file defines: import, collection, errors with file and line."""

from __future__ import annotations

import json
import os
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from core_engine import DAG, DAGBuilder, DAGValidationError
from core_engine.definition import resolve_callable
from core_engine.loader import LoadError, collect, import_file, load_dags

TASKS = """\
from core_engine import DAG, DAGBuilder, Param, ParamSpec, task


@task
def extract(n: int) -> list[int]:
    return list(range(n))


@task
def total(xs: list[int]) -> int:
    return sum(xs)
"""


@pytest.fixture(autouse=True)
def _keep_sys_path(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))


def unique(stem: str) -> str:
    """A module name no other test uses, so sys.modules never holds a stale one."""
    return f"{stem}_{uuid.uuid4().hex[:8]}"


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def test_load_dags_returns_dags_and_built_builders_in_definition_order(tmp_path):
    path = write(
        tmp_path,
        f"{unique('flows')}.py",
        TASKS
        + """
with DAGBuilder("first") as first:
    total(xs=extract(n=2))

with DAGBuilder("second") as b:
    extract(n=1)
second = b.build()

with DAGBuilder("third") as third:
    extract(n=3)
""",
    )
    dags = load_dags(path)
    assert [d.name for d in dags] == ["first", "second", "third"]
    assert all(isinstance(d, DAG) for d in dags)
    assert dags[0].edges == [("extract", "total")]


def test_collect_keeps_builders_unbuilt(tmp_path):
    path = write(tmp_path, f"{unique('one')}.py", TASKS + 'with DAGBuilder("only") as b:\n    extract(n=1)\n')
    (item,) = collect(import_file(path))
    assert isinstance(item, DAGBuilder)
    assert item.name == "only"


def test_a_builder_whose_dag_the_module_built_counts_once(tmp_path):
    path = write(
        tmp_path,
        f"{unique('built')}.py",
        TASKS + 'with DAGBuilder("etl") as b:\n    extract(n=1)\ndag = b.build()\n',
    )
    assert [d.name for d in load_dags(path)] == ["etl"]


def test_the_same_dag_under_two_names_counts_once(tmp_path):
    path = write(
        tmp_path,
        f"{unique('alias')}.py",
        TASKS + 'with DAGBuilder("etl") as _b:\n    extract(n=1)\ndag = _b.build()\nalias = dag\n',
    )
    assert [d.name for d in load_dags(path)] == ["etl"]


def test_an_invalid_builder_raises_its_validation_issues(tmp_path):
    path = write(
        tmp_path,
        f"{unique('invalid')}.py",
        TASKS + 'with DAGBuilder("broken") as broken:\n    total()\n',
    )
    with pytest.raises(DAGValidationError) as info:
        load_dags(path)
    assert [(i.code, i.node_id, i.field) for i in info.value.issues] == [
        ("missing_param", "total", "params.xs")
    ]


def test_an_exception_at_import_reports_the_file_and_line(tmp_path):
    path = write(tmp_path, f"{unique('boom')}.py", "x = 1\n\nresult = x / 0\n")
    with pytest.raises(LoadError) as info:
        import_file(path)
    error = info.value
    assert (error.path, error.line, type(error.cause)) == (path.resolve(), 3, ZeroDivisionError)
    assert str(error) == f"{path.resolve()}:3: ZeroDivisionError: division by zero"


def test_an_error_raised_in_other_code_points_at_the_calling_line(tmp_path):
    path = write(tmp_path, f"{unique('caller')}.py", 'import json\n\n\njson.loads("{")\n')
    with pytest.raises(LoadError) as info:
        import_file(path)
    assert info.value.line == 4
    assert isinstance(info.value.cause, json.JSONDecodeError)


def test_a_syntax_error_reports_its_line(tmp_path):
    path = write(tmp_path, f"{unique('syntax')}.py", "a = 1\nb = (\n\ndef f(:\n")
    with pytest.raises(LoadError) as info:
        import_file(path)
    assert isinstance(info.value.cause, SyntaxError)
    assert info.value.line is not None and info.value.line >= 2


def test_system_exit_in_the_file_is_a_load_error(tmp_path):
    path = write(tmp_path, f"{unique('exits')}.py", "import sys\nsys.exit(3)\n")
    with pytest.raises(LoadError) as info:
        import_file(path)
    assert info.value.line == 2


def test_a_failed_import_leaves_no_module_behind(tmp_path):
    stem = unique("gone")
    path = write(tmp_path, f"{stem}.py", "raise RuntimeError('no')\n")
    with pytest.raises(LoadError):
        import_file(path)
    assert stem not in sys.modules


def test_the_file_can_import_modules_next_to_it(tmp_path):
    helper = unique("helper")
    write(tmp_path, f"{helper}.py", "N = 4\n")
    path = write(
        tmp_path,
        f"{unique('uses')}.py",
        TASKS + f'from {helper} import N\nwith DAGBuilder("n") as b:\n    extract(n=N)\n',
    )
    (dag,) = load_dags(path)
    assert dag.node("extract").params == {"n": 4}


def test_the_module_is_named_after_the_file_so_task_paths_resolve(tmp_path):
    stem = unique("named")
    path = write(tmp_path, f"{stem}.py", TASKS + 'with DAGBuilder("etl") as b:\n    extract(n=1)\n')
    (dag,) = load_dags(path)
    assert dag.node("extract").task.path == f"{stem}:extract"
    assert resolve_callable(f"{stem}:extract") is sys.modules[stem].extract.fn


def test_a_file_named_like_an_imported_module_gets_a_private_name(tmp_path):
    path = write(tmp_path, "json.py", TASKS + 'with DAGBuilder("shadow") as b:\n    extract(n=1)\n')
    (dag,) = load_dags(path)
    assert dag.name == "shadow"
    assert sys.modules["json"].__file__ != str(path.resolve())
    assert json.loads("[1]") == [1]


def test_loading_a_file_again_runs_its_new_content_even_with_the_same_size_and_mtime(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as without PYTHONDONTWRITEBYTECODE
    path = write(tmp_path, f"{unique('again')}.py", TASKS + 'with DAGBuilder("v1") as b:\n    extract(n=1)\n')
    assert [d.name for d in load_dags(path)] == ["v1"]
    stat = path.stat()
    write(tmp_path, path.name, TASKS + 'with DAGBuilder("v2") as b:\n    extract(n=1)\n')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [d.name for d in load_dags(path)] == ["v2"]


def test_loading_writes_no_bytecode_next_to_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    load_dags(write(tmp_path, f"{unique('clean')}.py", TASKS))
    assert not (tmp_path / "__pycache__").exists()


def test_a_file_without_dags_gives_no_dags(tmp_path):
    assert load_dags(write(tmp_path, f"{unique('empty')}.py", "X = 1\n")) == []


def test_a_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere"):
        import_file(tmp_path / "nothere.py")
