"""The four parallel branches of the wine pipeline, each a task over the validated data set.

Each takes the result of :func:`~open_examples.wine.dataset.validate` (``data``: ``X`` rows of
13 floats, ``y`` class indices, ``feature_names``, ``class_names``) and returns a small summary.
Standard deviations are sample ones (``n - 1`` in the denominator) throughout, z-scores included.
Rows are numbered from 1, as :class:`~open_examples.wine.dataset.WineDataError` numbers them.
"""

from __future__ import annotations

import statistics
from typing import Any

from core_engine import task


def columns(data: dict[str, Any]) -> list[list[float]]:
    """The feature columns of ``data``: ``columns(data)[j][i]`` is feature ``j`` of row ``i + 1``."""
    return [list(column) for column in zip(*data["X"], strict=True)]


@task
def feature_statistics(data: dict[str, Any]) -> dict[str, Any]:
    """Per-feature mean, sample standard deviation, minimum, median and maximum.

    Returns:
        ``{"source", "rows": int, "classes": [str], "features": [{"name", "mean", "std", "min",
        "median", "max"}, ...]}`` in column order.
    """
    features = [
        {
            "name": name,
            "mean": statistics.fmean(values),
            "std": statistics.stdev(values),
            "min": min(values),
            "median": statistics.median(values),
            "max": max(values),
        }
        for name, values in zip(data["feature_names"], columns(data), strict=True)
    ]
    return {
        "source": data["source"],
        "rows": len(data["X"]),
        "classes": list(data["class_names"]),
        "features": features,
    }


@task
def class_profiles(data: dict[str, Any]) -> dict[str, Any]:
    """Per class: how many rows, and the mean of every feature over them.

    Returns:
        ``{"classes": [{"name", "count": int, "means": {feature: float | None}}, ...]}`` in class
        index order; a class without rows has ``None`` means.
    """
    names: list[str] = data["feature_names"]
    out = []
    for index, class_name in enumerate(data["class_names"]):
        members = [x for x, y in zip(data["X"], data["y"], strict=True) if y == index]
        means: dict[str, float | None] = {
            name: statistics.fmean(x[j] for x in members) if members else None for j, name in enumerate(names)
        }
        out.append({"name": class_name, "count": len(members), "means": means})
    return {"classes": out}


@task
def correlations(data: dict[str, Any], top: int = 5) -> dict[str, Any]:
    """Pearson correlation of every pair of features, and the ``top`` strongest pairs by ``|r|``.

    Returns:
        ``{"features": [13 str], "matrix": 13 x 13 floats, "top_pairs": [{"a", "b", "r"}, ...]}``;
        ties in ``|r|`` keep column order.

    Raises:
        ValueError: ``top`` is negative.
    """
    if top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    names: list[str] = data["feature_names"]
    cols = columns(data)
    n = len(cols)
    matrix = [[1.0] * n for _ in range(n)]
    pairs: list[tuple[float, str, str]] = []
    for a in range(n):
        for b in range(a + 1, n):
            r = statistics.correlation(cols[a], cols[b])
            matrix[a][b] = matrix[b][a] = r
            pairs.append((r, names[a], names[b]))
    pairs.sort(key=lambda pair: -abs(pair[0]))  # stable: ties keep column order
    top_pairs = [{"a": a, "b": b, "r": r} for r, a, b in pairs[:top]]
    return {"features": names, "matrix": matrix, "top_pairs": top_pairs}


@task
def outliers(data: dict[str, Any], z_threshold: float = 3.0) -> dict[str, Any]:
    """Values more than ``z_threshold`` sample standard deviations from their feature's mean.

    Returns:
        ``{"threshold": float, "count": int, "rows_affected": int, "values": [{"row", "feature",
        "value", "z"}, ...]}``, by row then column.

    Raises:
        ValueError: ``z_threshold`` is not positive.
    """
    if not z_threshold > 0:
        raise ValueError(f"z_threshold must be > 0, got {z_threshold}")
    names: list[str] = data["feature_names"]
    found = []
    cols = columns(data)
    moments = [(statistics.fmean(col), statistics.stdev(col)) for col in cols]
    for i, x in enumerate(data["X"], start=1):
        for j, value in enumerate(x):
            mean, std = moments[j]
            z = (value - mean) / std if std > 0 else 0.0
            if abs(z) > z_threshold:
                found.append({"row": i, "feature": names[j], "value": value, "z": z})
    return {
        "threshold": float(z_threshold),
        "count": len(found),
        "rows_affected": len({item["row"] for item in found}),
        "values": found,
    }
