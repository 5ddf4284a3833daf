"""The ``command`` task type running real programs: the JSON protocol, logs, failures, limits,
environment, and stopping the whole process group on cancellation."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from core_engine import DAG, NodeState, run
from core_engine.tasktypes import CommandFailed, CommandTask, TaskTypeRegistry

from ._procs import is_gone, kill, py, read_pids, wait_gone

ECHO_SUM = """
    import json, sys
    inputs = json.load(sys.stdin)
    print(json.dumps({"sum": inputs["a"] + inputs["b"], "args": sys.argv[1:]}))
"""


async def call(config: dict[str, Any], **inputs: Any) -> Any:
    """Run a ``command`` node with ``config`` and ``inputs``; its result."""
    return await CommandTask().bind(config)(**inputs)


async def test_inputs_arrive_as_one_json_object_on_stdin_and_stdout_is_the_result() -> None:
    result = await call({"argv": py(ECHO_SUM, "x", "y")}, a=2, b=3)
    assert result == {"sum": 5, "args": ["x", "y"]}


async def test_stdin_holds_exactly_the_inputs_as_json_then_a_newline() -> None:
    script = "import sys, json; print(json.dumps(sys.stdin.read()))"
    raw = await call({"argv": py(script)}, text="é", items=[1, None], nested={"k": True})
    assert raw == '{"text":"é","items":[1,null],"nested":{"k":true}}\n'


async def test_blank_stdout_gives_none() -> None:
    assert await call({"argv": ["sh", "-c", "echo '  '"]}) is None
    assert await call({"argv": ["true"]}) is None


async def test_arguments_are_passed_verbatim_without_a_shell() -> None:
    script = "import json, sys; print(json.dumps(sys.argv[1:]))"
    args = ["$HOME", "a b", ";", "*", "`id`"]
    assert await call({"argv": py(script, *args)}) == args


async def test_stderr_lines_are_logged_with_the_program_as_they_come(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    go = tmp_path / "go"
    # The program waits, after its first line, until the test has seen that line logged: the
    # run would hang if lines were only handled after the program ended.
    script = f"""
        import os, sys, time
        print("first line", file=sys.stderr, flush=True)
        while not os.path.exists({str(go)!r}):
            time.sleep(0.005)
        print("second line", file=sys.stderr)
        print("42")
    """

    class Release(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().endswith("first line"):
                go.touch()

    logger = logging.getLogger("core_engine.tasks.command")
    release = Release()
    logger.addHandler(release)
    try:
        with caplog.at_level(logging.INFO, logger="core_engine.tasks.command"):
            result = await asyncio.wait_for(call({"argv": py(script)}), 10)
    finally:
        logger.removeHandler(release)
    assert result == 42
    records = [r for r in caplog.records if r.name == "core_engine.tasks.command"]
    assert [r.getMessage() for r in records] == [
        f"{sys.executable}: first line",
        f"{sys.executable}: second line",
    ]
    assert {r.__dict__["program"] for r in records} == {sys.executable}


async def test_a_non_zero_exit_fails_with_the_status_and_the_last_log_lines() -> None:
    script = """
        import sys
        for i in range(30):
            print(f"line {i}", file=sys.stderr)
        print('{"ignored": true}')
        sys.exit(3)
    """
    with pytest.raises(CommandFailed) as caught:
        await call({"argv": py(script), "log_tail_lines": 5})
    error = caught.value
    assert error.exit_code == 3
    assert error.program == sys.executable
    assert error.log_tail == ("line 25", "line 26", "line 27", "line 28", "line 29")
    lines = "\n".join(error.log_tail)
    assert str(error) == f"{sys.executable!r} exited with status 3; last log lines:\n{lines}"


async def test_a_failure_without_log_says_so() -> None:
    with pytest.raises(CommandFailed, match=r"^'false' exited with status 1; it wrote nothing to stderr$"):
        await call({"argv": ["false"]})


async def test_a_program_killed_by_a_signal_names_the_signal() -> None:
    with pytest.raises(CommandFailed, match="'sh' was killed by signal SIGKILL") as caught:
        await call({"argv": ["sh", "-c", "kill -KILL $$"]})
    assert caught.value.exit_code == -9


async def test_invalid_json_on_stdout_fails_naming_the_program_and_showing_the_start() -> None:
    with pytest.raises(CommandFailed) as caught:
        await call({"argv": ["sh", "-c", "echo 'result: 42'; echo 'done' >&2"]})
    message = str(caught.value)
    assert message.startswith("'sh' wrote invalid JSON to stdout (Expecting value: line 1 column 1")
    assert message.endswith("it begins b'result: 42\\n'")
    assert caught.value.exit_code == 0
    assert caught.value.log_tail == ("done",)


async def test_stdout_that_is_not_utf8_is_invalid_json() -> None:
    with pytest.raises(CommandFailed, match="wrote invalid JSON to stdout"):
        await call({"argv": ["printf", "\\377\\376"]})


async def test_stdout_over_the_limit_kills_the_program_and_fails() -> None:
    started = time.monotonic()
    with pytest.raises(CommandFailed) as caught:
        await call({"argv": ["yes"], "max_output_bytes": 10_000})  # `yes` writes forever
    assert time.monotonic() - started < 5
    assert str(caught.value).startswith("'yes' wrote more than 10000 bytes to stdout (max_output_bytes)")
    assert caught.value.exit_code is None


async def test_stdout_at_the_limit_is_accepted() -> None:
    script = "print('\"' + 'x' * 98 + '\"', end='')"  # exactly 100 bytes
    assert await call({"argv": py(script), "max_output_bytes": 100}) == "x" * 98


async def test_long_stderr_lines_are_cut(caplog: pytest.LogCaptureFixture) -> None:
    script = """
        import sys
        sys.stderr.write("a" * 100_000)
        sys.stderr.write("b" * 100_000 + "\\nnext\\n" + "c" * 40_000 + "\\n" + "unterminated")
        sys.exit(1)
    """
    with pytest.raises(CommandFailed) as caught:
        await call({"argv": py(script)})
    first, second, third, fourth = caught.value.log_tail
    assert first == "a" * 16 * 1024 + " [line cut]"
    assert second == "next"
    assert third == "c" * 16 * 1024 + " [line cut]"
    assert fourth == "unterminated"


async def test_a_program_that_does_not_read_its_input_still_runs() -> None:
    assert await call({"argv": ["sh", "-c", "echo 7"]}, big="x" * 2_000_000) == 7


async def test_inputs_that_are_not_json_fail_before_anything_starts() -> None:
    with pytest.raises(TypeError, match="the inputs of 'true' must be JSON values"):
        await call({"argv": ["true"]}, value=object())
    with pytest.raises(TypeError, match="must be JSON values: Out of range float values"):
        await call({"argv": ["true"]}, value=float("nan"))


async def test_a_missing_program_fails_naming_it() -> None:
    with pytest.raises(CommandFailed, match="cannot start 'open-no-such-program': No such file") as caught:
        await call({"argv": ["open-no-such-program"]})
    assert caught.value.exit_code is None


async def test_the_program_is_looked_up_on_the_childs_path(tmp_path: Path) -> None:
    tool = tmp_path / "open-hello"
    tool.write_text("#!/bin/sh\necho '\"hello from PATH\"'\n")
    tool.chmod(0o755)
    assert (
        await call({"argv": ["open-hello"], "env": {"PATH": f"{tmp_path}:/usr/bin:/bin"}})
        == "hello from PATH"
    )


def test_cwd_sets_the_working_directory(tmp_path: Path) -> None:
    script = "import json, os; print(json.dumps(os.getcwd()))"
    assert asyncio.run(call({"argv": py(script), "cwd": str(tmp_path)})) == str(tmp_path.resolve())


async def test_a_missing_cwd_fails_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(CommandFailed, match=f"cannot start 'true': No such file or directory: '{missing}'"):
        await call({"argv": ["true"], "cwd": str(missing)})


ENVIRONMENT = "import json, os; print(json.dumps(dict(os.environ)))"


async def test_the_environment_is_minimal_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_TEST_SECRET", "do not leak")
    monkeypatch.setenv("HOME", "/home/tester")
    monkeypatch.setenv("LANG", "C.UTF-8")  # so Python does not coerce the locale (PEP 538)
    environment = await call({"argv": py(ENVIRONMENT), "env": {"GREETING": "hi"}})
    assert environment == {
        "PATH": os.environ["PATH"],
        "HOME": "/home/tester",
        "LANG": "C.UTF-8",
        "GREETING": "hi",
    }


async def test_env_overrides_the_base_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    environment = await call({"argv": py(ENVIRONMENT), "env": {"HOME": "/elsewhere"}})
    assert environment["HOME"] == "/elsewhere"


async def test_inherit_env_passes_the_workers_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPEN_TEST_SHARED", "shared")
    environment = await call({"argv": py(ENVIRONMENT), "inherit_env": True, "env": {"EXTRA": "1"}})
    assert environment["OPEN_TEST_SHARED"] == "shared"
    assert environment["EXTRA"] == "1"


STUBBORN = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"
GROUP = f"""
    import os, signal, subprocess, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # survives SIGTERM; only SIGKILL stops it
    child = subprocess.Popen([sys.executable, "-c", {STUBBORN!r}])
    with open(sys.argv[1], "w") as pids:
        pids.write(f"{{os.getpid()}}\\n{{child.pid}}\\n")
    time.sleep(60)
"""


async def test_cancellation_kills_the_whole_process_group_including_a_grandchild(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    argv = ["sh", "-c", f"sleep 60 & echo $$ > {pidfile}; echo $! >> {pidfile}; wait"]
    running = asyncio.create_task(call({"argv": argv}))
    shell, grandchild = await read_pids(pidfile, 2)
    try:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert wait_gone(shell)
        assert wait_gone(grandchild)
    finally:
        kill(shell)
        kill(grandchild)


async def test_a_group_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    bound = CommandTask(kill_grace_s=0.2).bind({"argv": py(GROUP, str(pidfile))})
    running = asyncio.ensure_future(bound())
    leader, grandchild = await read_pids(pidfile, 2)
    try:
        started = time.monotonic()
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert 0.2 <= time.monotonic() - started < 2
        assert is_gone(leader)
        assert wait_gone(grandchild)
    finally:
        kill(leader)
        kill(grandchild)


async def test_processes_left_in_the_group_are_killed_when_the_program_exits() -> None:
    # The shell starts a background sleep with its own stdio, prints its pid and exits at once.
    background = await call({"argv": ["sh", "-c", "sleep 60 </dev/null >/dev/null 2>&1 & echo $!"]})
    try:
        assert wait_gone(background)
    finally:
        kill(background)


def test_a_node_timeout_in_a_run_kills_the_process_group(tmp_path: Path) -> None:
    pidfile = tmp_path / "pids"
    argv = ["sh", "-c", f"sleep 60 & echo $! > {pidfile}; wait"]
    definition = {
        "schema_version": 1,
        "name": "slow-command",
        "nodes": [{"id": "slow", "task": {"type": "command", "config": {"argv": argv}}, "timeout": 0.5}],
    }
    result = run(DAG.from_dict(definition))
    node = result.state.nodes["slow"]
    assert node.state is NodeState.FAILED
    assert node.error is not None and node.error.type == "NodeTimeoutError"
    grandchild = int(pidfile.read_text())
    try:
        assert wait_gone(grandchild)
    finally:
        kill(grandchild)


def test_a_failed_command_fails_its_node_with_the_error_and_downstream_does_not_run() -> None:
    registry = TaskTypeRegistry.builtin()
    definition = {
        "schema_version": 1,
        "name": "failing",
        "nodes": [
            {
                "id": "a",
                "task": {"type": "command", "config": {"argv": ["sh", "-c", "echo oops >&2; exit 2"]}},
            },
            {"id": "b", "task": {"type": "noop"}, "params": {"x": {"$ref": "a"}}},
        ],
    }
    result = run(DAG.from_dict(definition, registry=registry), registry=registry)
    error = result.state.nodes["a"].error
    assert error is not None
    assert (error.type, error.message) == (
        "CommandFailed",
        "'sh' exited with status 2; last log lines:\noops",
    )
    assert result.state.nodes["b"].state is NodeState.UPSTREAM_FAILED


def test_results_flow_between_command_nodes() -> None:
    double = "import json, sys; print(json.dumps(json.load(sys.stdin)['x'] * 2))"
    definition = {
        "schema_version": 1,
        "name": "chain",
        "nodes": [
            {"id": "one", "task": {"type": "command", "config": {"argv": ["echo", "21"]}}},
            {
                "id": "two",
                "task": {"type": "command", "config": {"argv": py(double)}},
                "params": {"x": {"$ref": "one"}},
            },
        ],
    }
    assert run(DAG.from_dict(definition)).results == {"one": 21, "two": 42}


def test_command_failed_survives_pickling() -> None:
    error = CommandFailed("'x' exited with status 1", "x", 1, ["a", "b"])
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.program, again.exit_code, again.log_tail) == (str(error), "x", 1, ("a", "b"))
