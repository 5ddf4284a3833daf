"""The entry points: ``main()`` in-process, ``python -m core_engine`` and ``core-engine`` as real
processes, and the exit codes (0 ok, 1 failure, 2 usage)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core_engine.cli import main


def command(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core_engine", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_help_lists_every_command_and_exits_0(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in ("check", "run", "wfcommons", "replay"):
        assert name in out


def test_no_command_is_a_usage_error(capsys):
    assert main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_an_unknown_command_is_a_usage_error(capsys):
    assert main(["launch"]) == 2
    assert "invalid choice: 'launch'" in capsys.readouterr().err


def test_python_m_core_engine_checks_a_file_in_a_real_process(numbers_py):
    done = command("check", numbers_py.name, cwd=numbers_py.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK    numbers: 3 nodes, 1 edge, 2 levels, sha256:")
    assert done.stdout.count("\n") == 1


def test_python_m_core_engine_run_exits_1_when_the_run_fails(failing_py):
    done = command("run", str(failing_py), cwd=failing_py.parent)
    assert done.returncode == 1
    assert "boom: ValueError: kaput" in done.stdout
    assert "3/3 nodes ended" in done.stderr


def test_python_m_core_engine_names_itself_in_usage_errors(tmp_path):
    done = command("check", "missing.py", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "python -m core_engine check: error: missing.py: no such file\n"


def test_the_core_engine_script_runs_the_same_cli(typed_json):
    script = Path(sys.executable).with_name("core-engine")
    done = subprocess.run(
        [str(script), "check", str(typed_json)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK    typed: 2 nodes, 1 edge, 2 levels, sha256:")


def test_the_script_imports_json_callables_from_packages_under_the_current_directory(tmp_path):
    package = tmp_path / "shop_tasks"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "prices.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
    (tmp_path / "defs").mkdir()
    definition = {
        "schema_version": 1,
        "name": "prices",
        "nodes": [{"id": "d", "task": {"callable": "shop_tasks.prices:double"}, "params": {"x": 1}}],
    }
    (tmp_path / "defs" / "prices.json").write_text(json.dumps(definition))
    script = Path(sys.executable).with_name("core-engine")
    done = subprocess.run(
        [str(script), "run", "defs/prices.json", "--json", "--no-progress"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["state"]["nodes"]["d"]["result"] == 2
