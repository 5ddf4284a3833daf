"""The hyperparameter search, run for real in worker processes."""

import itertools

import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

from core_engine import NodeState, RunStatus, execute
from open_examples.ml.search import make_grid, pick_best
from open_examples.ml_search import DEFAULT_CS, DEFAULT_GAMMAS, dag


async def test_every_grid_point_is_trained_and_the_best_is_the_highest_mean(process_pool):
    result = await execute(dag, process_pool=process_pool)
    assert result.status is RunStatus.SUCCEEDED, result.state
    trained = result.results["train"]
    assert [(r["C"], r["gamma"]) for r in trained] == list(itertools.product(DEFAULT_CS, DEFAULT_GAMMAS))
    assert len(trained) == 12
    assert all(len(r["scores"]) == 3 for r in trained)
    best = result.results["pick_best"]["best"]
    assert best["mean"] == max(r["mean"] for r in trained)
    assert best["mean"] > 0.9
    assert best == next(r for r in trained if r["mean"] == best["mean"])  # ties: first in grid order
    ranked = result.results["pick_best"]["ranked"]
    assert [r["mean"] for r in ranked] == sorted((r["mean"] for r in trained), reverse=True)
    assert result.results["pick_best"]["table"].count("\n| ") == 12

    x, y = load_digits(return_X_y=True)
    again = cross_val_score(SVC(C=best["C"], gamma=best["gamma"]), x, y, cv=3)
    assert best["scores"] == pytest.approx(list(again), abs=1e-12)


async def test_a_bad_fold_count_fails_every_instance_and_the_reduce_does_not_run(process_pool):
    result = await execute(dag, {"cs": [1.0], "gammas": [0.001], "folds": 1}, process_pool=process_pool)
    assert result.status is RunStatus.FAILED
    assert result.state.nodes["train"].error.message == "folds must be at least 2, got 1"
    assert result.state.nodes["pick_best"].state is NodeState.UPSTREAM_FAILED


def test_the_grid_is_the_product_of_its_axes_c_major():
    assert make_grid.fn([1, 2], [0.1, 0.2, 0.3]) == [
        {"C": c, "gamma": g} for c in (1.0, 2.0) for g in (0.1, 0.2, 0.3)
    ]


@pytest.mark.parametrize(
    ("cs", "gammas", "message"), [([], [1.0], "cs must list"), ([1.0], [0], "gammas must hold")]
)
def test_a_bad_grid_axis_is_refused(cs, gammas, message):
    with pytest.raises(ValueError, match=message):
        make_grid.fn(cs, gammas)


def test_pick_best_refuses_an_empty_grid():
    with pytest.raises(ValueError, match="the grid was empty"):
        pick_best.fn([])
