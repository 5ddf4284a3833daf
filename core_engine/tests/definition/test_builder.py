"""DAGBuilder: nodes from task calls, ids, mapping, ``>>``, ``depends_on``, ``add_node``, params."""

from __future__ import annotations

import pytest

from core_engine import (
    DAG,
    CallableTask,
    DAGBuilder,
    DAGValidationError,
    NodeOutput,
    Param,
    ParamSpec,
    Ref,
    RetryPolicy,
    RunIn,
    TriggerRule,
    TypedTask,
    task,
)
from core_engine.builder import current_builder, require_builder


@task
def extract(n: int = 3) -> list[int]:
    return list(range(n))


@task
def square(x: int) -> int:
    return x * x


@task
def total(values: list[int]) -> int:
    return sum(values)


@task
def pair(a: int, b: int) -> int:
    return a + b


@task
def step() -> None:
    return None


def plain_function(x: int) -> int:
    return x


def test_passing_an_output_makes_the_producer_an_upstream() -> None:
    with DAGBuilder("d") as b:
        rows = extract()
        total(values=rows)
    dag = b.build()
    assert dag.node("total").params == {"values": Ref("extract")}
    assert dag.node("total").upstream == ("extract",)
    assert dag.edges == [("extract", "total")]


def test_repeated_calls_get_numbered_ids() -> None:
    with DAGBuilder("d") as b:
        outs = [step() for _ in range(3)]
    assert [o.node_id for o in outs] == ["step", "step_2", "step_3"]
    assert sorted(b.build().index) == ["step", "step_2", "step_3"]


def test_numbered_ids_skip_ids_already_taken() -> None:
    with DAGBuilder("d") as b:
        b.add_node("step_2", TypedTask("noop"))
        first = step()
        second = step()
    assert (first.node_id, second.node_id) == ("step", "step_3")


def test_options_id_names_the_node() -> None:
    with DAGBuilder("d") as b:
        out = step.options(id="first")()
    assert out.node_id == "first"
    assert b.build().node("first").task == CallableTask(step.path)


def test_decorator_options_reach_the_node() -> None:
    @task(retries=2, timeout=10, tags=["x"], run_in="loop", trigger="none_failed")
    def configured() -> None: ...

    with DAGBuilder("d") as b:
        configured()
    node = b.nodes()[0]
    assert node.retry == RetryPolicy(max_attempts=3, backoff_base=1.0, backoff_cap=60.0)
    assert node.timeout == 10
    assert node.tags == ("x",)
    assert node.run_in is RunIn.LOOP
    assert node.trigger is TriggerRule.NONE_FAILED


def test_two_calls_with_the_same_explicit_id_are_reported_as_duplicates() -> None:
    with DAGBuilder("d") as b:
        step.options(id="same")()
        step.options(id="same")()
    with pytest.raises(DAGValidationError) as info:
        b.build()
    assert [(i.code, i.node_id) for i in info.value.issues] == [("duplicate_id", "same")]


def test_map_creates_a_mapped_node_over_the_upstream_output() -> None:
    with DAGBuilder("d") as b:
        rows = extract()
        squares = square.map(x=rows)
        total(values=squares)
    dag = b.build()
    node = dag.node("square")
    assert node.map_over == "x"
    assert node.params == {"x": Ref("extract")}
    assert dag.topological_order() == ["extract", "square", "total"]


def test_map_passes_other_keywords_as_constants() -> None:
    with DAGBuilder("d") as b:
        rows = extract()
        pair.map(a=rows, b=10)
    node = b.build().node("pair")
    assert node.map_over == "a"
    assert node.params == {"a": Ref("extract"), "b": 10}


def test_map_without_an_upstream_output_raises_type_error() -> None:
    with DAGBuilder("d"), pytest.raises(TypeError, match=r"exactly one keyword.*got 0 \(none\)"):
        square.map(x=[1, 2, 3])


def test_map_with_two_upstream_outputs_raises_type_error_naming_them() -> None:
    with DAGBuilder("d"):
        a = extract()
        c = extract()
        with pytest.raises(TypeError, match=r"got 2 \(a, b\)"):
            pair.map(a=a, b=c)


def test_map_outside_a_builder_raises_runtime_error() -> None:
    with pytest.raises(RuntimeError, match=r"square\.map\(\) must be called inside"):
        square.map(x=[1])


def test_rshift_orders_two_nodes() -> None:
    with DAGBuilder("d") as b:
        a = step.options(id="a")()
        c = step.options(id="c")()
        returned = a >> c
    assert returned is c
    assert b.build().edges == [("a", "c")]


def test_rshift_chains_left_to_right() -> None:
    with DAGBuilder("d") as b:
        a, c, e = (step.options(id=i)() for i in "ace")
        a >> c >> e
    assert b.build().edges == [("a", "c"), ("c", "e")]


def test_list_rshift_node_makes_the_node_wait_for_every_list_item() -> None:
    with DAGBuilder("d") as b:
        a, c, e = (step.options(id=i)() for i in "ace")
        returned = [a, c] >> e
    assert returned is e
    assert b.build().edges == [("a", "e"), ("c", "e")]


def test_node_rshift_list_makes_every_list_item_wait_for_the_node() -> None:
    with DAGBuilder("d") as b:
        a, c, e = (step.options(id=i)() for i in "ace")
        a >> [c, e]
    assert b.build().edges == [("a", "c"), ("a", "e")]


def test_depends_on_option_adds_ordering_dependencies() -> None:
    with DAGBuilder("d") as b:
        first = step.options(id="first")()
        step.options(id="second", depends_on=[first])()
        step.options(id="third", depends_on="second")()
    dag = b.build()
    assert dag.node("second").depends_on == ("first",)
    assert dag.edges == [("first", "second"), ("second", "third")]


def test_add_node_accepts_a_plain_function_and_maps_outputs_to_refs() -> None:
    with DAGBuilder("d") as b:
        src = b.add_node("src", square, {"x": 2})
        out = b.add_node("id", plain_function, {"x": src}, tags=["t"], timeout=5, retry=RetryPolicy(2))
    assert isinstance(out, NodeOutput)
    assert out.node_id == "id"
    node = b.build().node("id")
    assert node.task == CallableTask(f"{__name__}:plain_function")
    assert node.task.fn is plain_function
    assert node.params == {"x": Ref("src")}
    assert node.tags == ("t",)
    assert node.timeout == 5
    assert node.retry.max_attempts == 2


def test_add_node_with_a_task_function_ignores_the_decorator_options() -> None:
    @task(retries=5, tags=["from-decorator"])
    def decorated() -> None: ...

    b = DAGBuilder("d")
    b.add_node("n", decorated)
    node = b.nodes()[0]
    assert node.task.fn is decorated.fn
    assert node.retry.max_attempts == 1
    assert node.tags == ()


def test_add_node_accepts_task_specs_as_given() -> None:
    b = DAGBuilder("d")
    b.add_node("wait", TypedTask("sleep", {"seconds": 0}))
    b.add_node("later", CallableTask("json:dumps"), {"obj": 1}, depends_on=["wait"])
    dag = b.build()
    assert dag.node("wait").task == TypedTask("sleep", {"seconds": 0})
    assert dag.edges == [("wait", "later")]


def test_add_node_works_without_entering_the_builder() -> None:
    b = DAGBuilder("d")
    first = b.add_node("a", TypedTask("noop"))
    b.add_node("b", TypedTask("noop"), depends_on=[first, Ref("a")])
    assert b.build().node("b").upstream == ("a",)


def test_add_node_rejects_a_task_that_is_neither_callable_nor_spec() -> None:
    with pytest.raises(TypeError, match="node 'x': task must be a callable"):
        DAGBuilder("d").add_node("x", 42)  # type: ignore[arg-type]


def test_add_node_rejects_a_dependency_that_is_not_an_output_or_id() -> None:
    with pytest.raises(TypeError, match="depends_on takes node outputs or ids"):
        DAGBuilder("d").add_node("x", TypedTask("noop"), depends_on=[3])  # type: ignore[list-item]


def test_add_node_takes_a_single_dependency_without_a_list() -> None:
    b = DAGBuilder("d")
    a = b.add_node("a", TypedTask("noop"))
    b.add_node("run_after", TypedTask("noop"), depends_on=a)  # type: ignore[arg-type]
    b.add_node("also_after", TypedTask("noop"), depends_on="a")
    assert b.build().edges == [("a", "also_after"), ("a", "run_after")]


def test_param_values_reference_declared_run_parameters() -> None:
    with DAGBuilder("d", params={"n": ParamSpec("integer", default=3)}) as b:
        extract(n=Param("n"))
    dag = b.build()
    assert dag.params == {"n": ParamSpec("integer", default=3)}
    assert dag.node("extract").params == {"n": Param("n")}


def test_undeclared_run_parameter_is_reported() -> None:
    with DAGBuilder("d") as b:
        extract(n=Param("missing"))
    with pytest.raises(DAGValidationError) as info:
        b.build()
    (issue,) = info.value.issues
    assert (issue.code, issue.node_id, issue.field) == ("unknown_param", "extract", "params.n")


def test_builder_description_reaches_the_dag() -> None:
    dag = DAGBuilder("d", description="nightly").build()
    assert (dag.name, dag.description, len(dag)) == ("d", "nightly", 0)


def test_current_builder_is_set_only_inside_the_with_block() -> None:
    assert current_builder() is None
    with DAGBuilder("outer") as outer:
        assert current_builder() is outer
        with DAGBuilder("inner") as inner:
            assert current_builder() is inner
        assert current_builder() is outer
    assert current_builder() is None


def test_calls_inside_a_nested_builder_go_to_the_inner_builder() -> None:
    with DAGBuilder("outer") as outer:
        step()
        with DAGBuilder("inner") as inner:
            step()
            step()
    assert [n.id for n in outer.nodes()] == ["step"]
    assert [n.id for n in inner.nodes()] == ["step", "step_2"]


def test_builder_is_reset_when_the_block_raises() -> None:
    with pytest.raises(KeyError), DAGBuilder("d"):
        raise KeyError("boom")
    assert current_builder() is None


def test_require_builder_names_the_caller_when_there_is_no_builder() -> None:
    with pytest.raises(RuntimeError, match="thing must be called inside"):
        require_builder("thing")


def test_build_returns_an_immutable_dag() -> None:
    with DAGBuilder("d") as b:
        step()
    dag = b.build()
    assert isinstance(dag, DAG)
    with pytest.raises(AttributeError, match="immutable"):
        dag.name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        dag.params["x"] = ParamSpec()  # type: ignore[index]


def test_dag_cannot_be_constructed_directly() -> None:
    with pytest.raises(TypeError, match=r"DAG\.create"):
        DAG()


def test_dag_node_lookup_of_an_unknown_id_raises_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no node 'ghost'"):
        DAGBuilder("d").build().node("ghost")


def test_nodes_are_kept_in_id_order_whatever_the_insertion_order() -> None:
    b = DAGBuilder("d")
    for nid in ["c", "a", "b"]:
        b.add_node(nid, TypedTask("noop"))
    dag = b.build()
    assert [n.id for n in dag.nodes] == ["a", "b", "c"]
    assert dict(dag.index) == {"a": 0, "b": 1, "c": 2}
    assert repr(dag) == "<DAG 'd': 3 nodes>"
