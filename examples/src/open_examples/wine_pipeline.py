"""Data pipeline on scikit-learn's wine data set: extract, validate, four parallel analyses, a report.

    extract -> validate -+-> feature_statistics -+
                         +-> class_profiles -----+
                         +-> correlations -------+-> report (wine_report.md + a summary)
                         +-> outliers -----------+

The four analyses only need ``validate``'s result, so they run at the same time. Run it:

    uv run python -m core_engine run examples/src/open_examples/wine_pipeline.py \\
        --param output_dir=/tmp/wine

Parameters (all optional): ``csv_path`` (a CSV of the same shape; empty: the bundled one),
``output_dir`` (empty: see :func:`open_examples.locations.output_dir`), ``z_threshold`` (3.0) and
``top_correlations`` (5). The tasks live in :mod:`open_examples.wine`, so the platform runs them
when ``OPEN_ALLOWED_CALLABLE_MODULES`` includes ``open_examples``.
"""

from __future__ import annotations

from core_engine import DAGBuilder, Param, ParamSpec
from open_examples.wine.analysis import class_profiles, correlations, feature_statistics, outliers
from open_examples.wine.dataset import extract, validate
from open_examples.wine.report import report

with DAGBuilder(
    "wine_pipeline",
    description="Wine data set: validate, then statistics, class profiles, correlations and outliers "
    "in parallel, then a Markdown report.",
    params={
        "csv_path": ParamSpec(
            "string",
            default="",
            description="CSV of the wine file's shape; empty: scikit-learn's bundled copy",
        ),
        "output_dir": ParamSpec(
            "string",
            default="",
            description="folder of wine_report.md; empty: $OPEN_ARTIFACT_DIR/examples/wine_pipeline "
            "or the system temp dir",
        ),
        "z_threshold": ParamSpec("number", default=3.0, description="|z| above which a value is an outlier"),
        "top_correlations": ParamSpec("integer", default=5, description="how many feature pairs to report"),
    },
) as builder:
    data = validate(raw=extract(csv_path=Param("csv_path")))
    report(
        stats=feature_statistics(data=data),
        profiles=class_profiles(data=data),
        corr=correlations(data=data, top=Param("top_correlations")),
        outl=outliers(data=data, z_threshold=Param("z_threshold")),
        output_dir=Param("output_dir"),
    )

#: The pipeline, built and validated at import.
dag = builder.build()
