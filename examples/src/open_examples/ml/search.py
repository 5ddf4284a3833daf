"""Hyperparameter search on scikit-learn's digits: a grid, one cross-validated fit per point, the best.

``make_grid`` lists every ``(C, gamma)`` pair of an RBF support-vector classifier; ``train`` runs
in the run's process pool (``run_in="process"``), one instance per grid point, and scores it by
k-fold cross-validation accuracy; ``pick_best`` ranks them. Each fit of the default grid takes
about 0.1 to 0.4 s on one core.
"""

from __future__ import annotations

import functools
import math
import time
from typing import Any

from core_engine import task
from open_examples.markdown import number, table


@functools.cache
def digits() -> tuple[Any, Any]:
    """``(X, y)`` of the digits data set: 1797 8x8 images (64 features, 0..16), labels 0..9.

    Loaded once per process (scikit-learn ships it; nothing is downloaded).
    """
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]

    x, y = load_digits(return_X_y=True)
    return x, y


def _positive(values: list[float], name: str) -> list[float]:
    if not values:
        raise ValueError(f"{name} must list at least one value")
    for value in values:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise ValueError(f"{name} must hold positive numbers, got {value!r}")
    return [float(v) for v in values]


@task
def make_grid(cs: list[float], gammas: list[float]) -> list[dict[str, float]]:
    """Every ``{"C": c, "gamma": g}`` of ``cs x gammas``, C-major.

    Raises:
        ValueError: a list is empty or holds a value that is not a positive number.
    """
    return [{"C": c, "gamma": g} for c in _positive(cs, "cs") for g in _positive(gammas, "gammas")]


@task(run_in="process")
def train(point: dict[str, float], folds: int = 3) -> dict[str, Any]:
    """Cross-validate an RBF ``SVC(C, gamma)`` on the digits.

    Args:
        point: ``{"C": float, "gamma": float}``.
        folds: k of the stratified k-fold cross-validation (2 or more).

    Returns:
        ``{"C", "gamma", "folds", "scores": [k accuracies], "mean", "std", "seconds"}``: fold
        accuracies in ``[0, 1]``, their mean and population standard deviation, and the wall
        seconds of the k fits.

    Raises:
        ValueError: ``folds`` < 2.
    """
    from sklearn.model_selection import cross_val_score  # type: ignore[import-untyped]
    from sklearn.svm import SVC  # type: ignore[import-untyped]

    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    x, y = digits()
    t0 = time.perf_counter()
    scores = cross_val_score(SVC(C=point["C"], gamma=point["gamma"]), x, y, cv=folds, n_jobs=1)
    seconds = time.perf_counter() - t0
    return {
        "C": point["C"],
        "gamma": point["gamma"],
        "folds": folds,
        "scores": [float(s) for s in scores],
        "mean": float(scores.mean()),
        "std": float(scores.std()),
        "seconds": seconds,
    }


@task
def pick_best(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The grid point with the highest mean accuracy (ties: the first in grid order), and a table.

    Returns:
        ``{"best": one result of train, "ranked": [results, best first], "table": Markdown text}``.

    Raises:
        ValueError: ``results`` is empty.
    """
    if not results:
        raise ValueError("no results to pick from: the grid was empty")
    ranked = sorted(results, key=lambda r: -r["mean"])  # sorted() is stable: ties keep grid order
    lines = table(
        ["rank", "C", "gamma", "mean accuracy", "std", "fit seconds"],
        (
            [
                str(k),
                f"{r['C']:g}",
                f"{r['gamma']:g}",
                number(r["mean"]),
                number(r["std"]),
                f"{r['seconds']:.2f}",
            ]
            for k, r in enumerate(ranked, start=1)
        ),
    )
    return {"best": ranked[0], "ranked": ranked, "table": "\n".join(lines)}
