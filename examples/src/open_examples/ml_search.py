"""Machine learning: a hyperparameter grid searched in parallel worker processes.

    make_grid -> train.map(point=grid)  (run_in="process", one instance per point) -> pick_best

Each instance cross-validates an RBF support-vector classifier on scikit-learn's digits (1797
8x8 images) for one ``(C, gamma)`` pair; ``pick_best`` ranks them and returns the best with a
Markdown table. Run it:

    uv run python -m core_engine run examples/src/open_examples/ml_search.py

Parameters (all optional): ``cs`` ([1, 10, 100]), ``gammas`` ([0.0001, 0.0005, 0.001, 0.005]),
``folds`` (3). The default grid has 12 points; each takes 0.1 to 0.4 s on one core.
"""

from __future__ import annotations

from typing import Final

from core_engine import DAGBuilder, Param, ParamSpec
from open_examples.ml.search import make_grid, pick_best, train

#: The default grid's axes.
DEFAULT_CS: Final = (1.0, 10.0, 100.0)
DEFAULT_GAMMAS: Final = (0.0001, 0.0005, 0.001, 0.005)

with DAGBuilder(
    "ml_search",
    description="Grid search of an RBF SVC on the digits data set, one cross-validated fit per "
    "grid point in worker processes.",
    params={
        "cs": ParamSpec("array", default=list(DEFAULT_CS), description="values of C (regularisation)"),
        "gammas": ParamSpec(
            "array", default=list(DEFAULT_GAMMAS), description="values of the RBF kernel's gamma"
        ),
        "folds": ParamSpec("integer", default=3, description="k of the k-fold cross-validation"),
    },
) as builder:
    grid = make_grid(cs=Param("cs"), gammas=Param("gammas"))
    pick_best(results=train.map(point=grid, folds=Param("folds")))

#: The search, built and validated at import.
dag = builder.build()
