"""The wine pipeline's last step: join the four branches into a Markdown report on disk.

The report (``wine_report.md`` in the output folder) has one section per branch; every number
is printed with :data:`open_examples.markdown.DECIMALS` decimals. The task's own result stays
small (the report's path and a summary), so it fits inline in the platform's database.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Final

from core_engine import task
from open_examples import locations
from open_examples.markdown import number, table

#: The report's file name inside the output folder.
REPORT_NAME: Final = "wine_report.md"


def render(
    stats: dict[str, Any], profiles: dict[str, Any], corr: dict[str, Any], outl: dict[str, Any]
) -> str:
    """The report's Markdown text, from the four branch results."""
    classes = profiles["classes"]
    lines = [
        "# Wine data set report",
        "",
        f"Source: `{stats['source']}`; {stats['rows']} rows, {len(stats['features'])} features, "
        f"{len(classes)} classes. Standard deviations and z-scores use n - 1.",
        "",
        "## Feature statistics",
        "",
        *table(
            ["feature", "mean", "std", "min", "median", "max"],
            (
                [f["name"], *(number(f[k]) for k in ("mean", "std", "min", "median", "max"))]
                for f in stats["features"]
            ),
        ),
        "",
        "## Class profiles (feature means per class)",
        "",
        *table(
            ["feature", *(c["name"] for c in classes)],
            [
                ["rows", *(str(c["count"]) for c in classes)],
                *([f["name"], *(number(c["means"][f["name"]]) for c in classes)] for f in stats["features"]),
            ],
        ),
        "",
        f"## Strongest correlations (top {len(corr['top_pairs'])} by |r|, Pearson)",
        "",
        *table(
            ["feature a", "feature b", "r"], ([p["a"], p["b"], number(p["r"])] for p in corr["top_pairs"])
        ),
        "",
        f"## Outliers (|z| > {outl['threshold']:g})",
        "",
        f"{outl['count']} values in {outl['rows_affected']} rows.",
        "",
        *table(
            ["row", "feature", "value", "z"],
            ([str(v["row"]), v["feature"], number(v["value"]), number(v["z"])] for v in outl["values"]),
        ),
        "",
    ]
    return "\n".join(lines)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so readers never see half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@task
def report(
    stats: dict[str, Any],
    profiles: dict[str, Any],
    corr: dict[str, Any],
    outl: dict[str, Any],
    output_dir: str = "",
) -> dict[str, Any]:
    """Write ``wine_report.md`` and return where it is, with a summary.

    Args:
        stats, profiles, corr, outl: the results of the four branches.
        output_dir: the folder to write to (created if missing); empty for the default of
            :func:`open_examples.locations.output_dir` (``wine_pipeline`` under
            ``$OPEN_ARTIFACT_DIR/examples`` or the system temp dir).

    Returns:
        ``{"report": absolute path, "bytes": int, "summary": {"rows", "features", "classes",
        "class_counts", "outliers", "strongest_pair"}}``.

    Raises:
        OSError: the folder cannot be created or written.
    """
    path = locations.output_dir("wine_pipeline", output_dir) / REPORT_NAME
    text = render(stats, profiles, corr, outl)
    write_atomically(path, text)
    strongest = corr["top_pairs"][0] if corr["top_pairs"] else None
    return {
        "report": str(path),
        "bytes": len(text.encode("utf-8")),
        "summary": {
            "rows": stats["rows"],
            "features": len(stats["features"]),
            "classes": len(profiles["classes"]),
            "class_counts": {c["name"]: c["count"] for c in profiles["classes"]},
            "outliers": outl["count"],
            "strongest_pair": strongest,
        },
    }
