"""The ``@task`` decorator: bare and with options, outside and inside a builder, ``.options()``."""

from __future__ import annotations

import asyncio

import pytest

from core_engine import DAGBuilder, NodeOutput, RetryPolicy, RunIn, TaskFunction, TriggerRule, task
from core_engine.retry import NO_RETRY
from core_engine.task import callable_path, one_or_many


@task
def add(x: int, y: int = 1) -> int:
    """Add two numbers."""
    return x + y


@task
async def fetch(url: str) -> str:
    await asyncio.sleep(0)
    return f"body of {url}"


@task(retries=2, timeout=30, tags=["etl", "io"], run_in="thread", trigger="all_done", id="load_it")
def load(path: str) -> str:
    return path


def test_bare_decorator_returns_a_task_function_with_default_options() -> None:
    assert isinstance(add, TaskFunction)
    assert add.defaults.id is None
    assert add.defaults.retry == NO_RETRY
    assert add.defaults.timeout is None
    assert add.defaults.tags == ()
    assert add.defaults.run_in is RunIn.AUTO
    assert add.defaults.trigger is TriggerRule.ALL_SUCCESS


def test_decorator_with_options_stores_each_option() -> None:
    opts = load.defaults
    assert opts.id == "load_it"
    assert opts.retry == RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_cap=60.0)
    assert opts.timeout == 30
    assert opts.tags == ("etl", "io")
    assert opts.run_in is RunIn.THREAD
    assert opts.trigger is TriggerRule.ALL_DONE


def test_decorator_keeps_the_function_name_doc_and_path() -> None:
    assert add.name == "add"
    assert add.__doc__ == "Add two numbers."
    assert add.path == f"{__name__}:add"
    assert repr(add) == f"<task {__name__}:add>"


def test_calling_a_sync_task_outside_a_builder_calls_the_function() -> None:
    assert add(2, y=3) == 5
    assert add(x=4) == 5


async def test_calling_an_async_task_outside_a_builder_returns_its_coroutine() -> None:
    assert fetch.is_async
    assert not add.is_async
    assert await fetch("http://x") == "body of http://x"


def test_calling_a_task_inside_a_builder_returns_a_node_output() -> None:
    with DAGBuilder("d") as b:
        out = add(1, y=2)
    assert isinstance(out, NodeOutput)
    assert out.node_id == "add"
    assert b.nodes()[0].params == {"x": 1, "y": 2}


def test_positional_arguments_are_bound_to_parameter_names() -> None:
    with DAGBuilder("d") as b:
        add(7, 8)
    assert b.nodes()[0].params == {"x": 7, "y": 8}


def test_too_many_positional_arguments_raise_type_error_naming_the_task() -> None:
    with DAGBuilder("d"), pytest.raises(TypeError, match="task 'add'"):
        add(1, 2, 3)


def test_retry_policy_option_is_used_as_given() -> None:
    policy = RetryPolicy(max_attempts=5, backoff_base=0.5, backoff_cap=4.0, jitter=0.1)

    @task(retry=policy)
    def f() -> None: ...

    assert f.defaults.retry is policy


def test_retries_shorthand_means_that_many_extra_attempts() -> None:
    @task(retries=0)
    def f() -> None: ...

    assert f.defaults.retry.max_attempts == 1


def test_retry_and_retries_together_raise_type_error() -> None:
    with pytest.raises(TypeError, match="either retry= or retries="):

        @task(retry=RetryPolicy(max_attempts=2), retries=1)
        def f() -> None: ...


def test_unknown_run_in_raises_value_error_at_decoration() -> None:
    with pytest.raises(ValueError, match="nowhere"):

        @task(run_in="nowhere")
        def f() -> None: ...


def test_unknown_trigger_raises_value_error_at_decoration() -> None:
    with pytest.raises(ValueError, match="sometimes"):

        @task(trigger="sometimes")
        def f() -> None: ...


def test_a_lone_string_tag_is_one_tag() -> None:
    @task(tags="etl")
    def f() -> None: ...

    assert f.defaults.tags == ("etl",)
    assert f.options(tags="io").defaults.tags == ("io",)


def test_options_returns_a_copy_with_only_the_given_options_replaced() -> None:
    copy = load.options(id="other", timeout=5)
    assert copy is not load
    assert copy.fn is load.fn
    assert copy.defaults.id == "other"
    assert copy.defaults.timeout == 5
    assert copy.defaults.retry == load.defaults.retry
    assert copy.defaults.tags == load.defaults.tags
    assert load.defaults.id == "load_it"
    assert load.defaults.timeout == 30


def test_options_replace_retry_run_in_trigger_and_tags() -> None:
    copy = add.options(retries=4, run_in="process", trigger="none_failed", tags=("a", "b"))
    assert copy.defaults.retry.max_attempts == 5
    assert copy.defaults.run_in is RunIn.PROCESS
    assert copy.defaults.trigger is TriggerRule.NONE_FAILED
    assert copy.defaults.tags == ("a", "b")


def test_options_with_retry_and_retries_raise_type_error() -> None:
    with pytest.raises(TypeError):
        add.options(retry=NO_RETRY, retries=1)


def test_one_or_many_treats_strings_and_non_iterables_as_one_item() -> None:
    marker = object()
    assert one_or_many("abc") == ("abc",)
    assert one_or_many(marker) == (marker,)
    assert one_or_many(["a", "b"]) == ("a", "b")
    assert one_or_many(()) == ()


def test_callable_path_is_module_colon_qualname() -> None:
    def inner() -> None: ...

    assert callable_path(inner) == f"{__name__}:{inner.__qualname__}"
    assert "<locals>" in callable_path(inner)
