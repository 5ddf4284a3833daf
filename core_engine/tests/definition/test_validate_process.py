import pytest

from core_engine import DAGBuilder, DAGValidationError


def test_local_process_task_is_refused_at_build():
    def local(x: int) -> int:
        return x

    with DAGBuilder("p") as b:
        b.add_node("n", local, {"x": 1}, run_in="process")
    with pytest.raises(DAGValidationError) as err:
        b.build()
    assert [i.code for i in err.value.issues] == ["unimportable_callable"]
    assert err.value.issues[0].node_id == "n"
