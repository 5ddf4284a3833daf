"""Reading and validating the wine data set: the ``extract`` and ``validate`` tasks.

The file is scikit-learn's raw ``sklearn/datasets/data/wine_data.csv`` (or one of the same shape):
a header line ``n_samples,n_features,class name,...`` (``178,13,class_0,class_1,class_2``), then
one line per sample: the 13 feature values, then the class index (``0`` .. ``n_classes - 1``).
The file names no features; they are :data:`FEATURE_NAMES`, in column order (as
``sklearn.datasets.load_wine().feature_names`` gives them).

``extract`` only splits the text into cells; ``validate`` checks everything and converts, so a bad
file fails at ``validate`` with a :class:`WineDataError` naming the row, the line and the column.
"""

from __future__ import annotations

import csv
import importlib.metadata
import io
import math
from pathlib import Path
from typing import Any, Final

from core_engine import task

#: The 13 features, in the file's column order.
FEATURE_NAMES: Final = (
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280/od315_of_diluted_wines",
    "proline",
)

#: The column holding the class index, as error messages name it.
CLASS_COLUMN: Final = "class"


class WineDataError(ValueError):
    """The data does not have the expected shape or values.

    Attributes:
        source: the file (or ``"<bundled wine_data.csv>"``).
        row: the 1-based data row (line ``row + 1`` of the file), or ``None`` for the header or
            the file as a whole.
        column: the column's name (a feature name or ``"class"``), or ``None``.
    """

    def __init__(self, source: str, message: str, row: int | None = None, column: str | None = None) -> None:
        self.source = source
        self.row = row
        self.column = column
        where = [source]
        if row is not None:
            where.append(f"row {row} (line {row + 1})")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}")


#: The bundled file, inside the scikit-learn distribution.
BUNDLED_PATH: Final = "sklearn/datasets/data/wine_data.csv"


def bundled_csv() -> tuple[str, str]:
    """``(name, text)`` of scikit-learn's bundled ``wine_data.csv``.

    The file is found through the installed distribution's metadata, which, unlike
    ``importlib.resources.files("sklearn.datasets")``, does not import scikit-learn (seconds).

    Raises:
        WineDataError: scikit-learn is not installed, or the file is not in it.
    """
    name = "<bundled wine_data.csv>"
    try:
        path = Path(str(importlib.metadata.distribution("scikit-learn").locate_file(BUNDLED_PATH)))
        return name, path.read_text(encoding="utf-8")
    except (importlib.metadata.PackageNotFoundError, OSError) as exc:
        raise WineDataError(name, f"cannot read {BUNDLED_PATH} from scikit-learn: {exc}") from None


@task
def extract(csv_path: str = "") -> dict[str, Any]:
    """Read the CSV and split it into cells, without interpreting them.

    Args:
        csv_path: a file of the wine CSV's shape; empty for scikit-learn's bundled copy.

    Returns:
        ``{"source": str, "header": [str, ...], "rows": [[str, ...], ...]}`` (blank lines dropped;
        about 20 KB as JSON for the 178 rows).

    Raises:
        WineDataError: the file cannot be read or is empty.
    """
    if csv_path:
        source = csv_path
        try:
            text = Path(csv_path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WineDataError(source, f"cannot read the file: {exc}") from None
    else:
        source, text = bundled_csv()
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise WineDataError(source, "the file is empty (expected a header line n_samples,n_features,...)")
    rows = [[cell.strip() for cell in cells] for cells in lines[1:] if any(cell.strip() for cell in cells)]
    return {"source": source, "header": [cell.strip() for cell in lines[0]], "rows": rows}


def _header(source: str, header: list[str]) -> tuple[int, list[str]]:
    """``(n_samples, class_names)`` from the header line."""
    if len(header) < 3:
        raise WineDataError(
            source, f"the header must be n_samples,n_features,class names...; got {','.join(header)!r}", 0
        )
    try:
        n_samples, n_features = int(header[0]), int(header[1])
    except ValueError:
        raise WineDataError(
            source, f"the header must start with two integers (n_samples,n_features), got {header[:2]}", 0
        ) from None
    if n_features != len(FEATURE_NAMES):
        raise WineDataError(
            source, f"the header declares {n_features} features; the wine data has {len(FEATURE_NAMES)}", 0
        )
    class_names = header[2:]
    if not all(class_names):
        raise WineDataError(source, "the header has an empty class name", 0)
    return n_samples, class_names


def _feature(source: str, row: int, column: str, cell: str) -> float:
    if not cell:
        raise WineDataError(source, "the value is missing", row, column)
    try:
        value = float(cell)
    except ValueError:
        raise WineDataError(source, f"{cell!r} is not a number", row, column) from None
    if math.isnan(value):
        raise WineDataError(source, "the value is NaN", row, column)
    if math.isinf(value):
        raise WineDataError(source, "the value is infinite", row, column)
    return value


def _label(source: str, row: int, cell: str, n_classes: int) -> int:
    try:
        label = int(cell)
    except ValueError:
        raise WineDataError(
            source, f"{cell!r} is not a class index (an integer)", row, CLASS_COLUMN
        ) from None
    if not 0 <= label < n_classes:
        raise WineDataError(
            source,
            f"class index {label} is outside 0..{n_classes - 1} ({n_classes} classes)",
            row,
            CLASS_COLUMN,
        )
    return label


@task
def validate(raw: dict[str, Any]) -> dict[str, Any]:
    """Check the extracted cells and convert them to numbers.

    Checks, in file order: the header (two integers, 13 features, class names), each row's field
    count, each feature value (present, a number, not NaN or infinite), each class index (an
    integer in ``0 .. n_classes - 1``), and finally the row count against the header.

    Args:
        raw: the result of :func:`extract`.

    Returns:
        ``{"source": str, "feature_names": [13 str], "class_names": [str, ...],
        "X": [[13 floats], ...], "y": [int, ...]}``.

    Raises:
        WineDataError: at the first problem, naming the row (1-based, with its file line) and the
            column.
    """
    source: str = raw["source"]
    n_samples, class_names = _header(source, raw["header"])
    width = len(FEATURE_NAMES) + 1
    xs: list[list[float]] = []
    ys: list[int] = []
    for row, cells in enumerate(raw["rows"], start=1):
        if len(cells) != width:
            raise WineDataError(
                source, f"expected {width} fields ({width - 1} features and the class), got {len(cells)}", row
            )
        xs.append(
            [_feature(source, row, name, cell) for name, cell in zip(FEATURE_NAMES, cells, strict=False)]
        )
        ys.append(_label(source, row, cells[-1], len(class_names)))
    if len(xs) != n_samples:
        raise WineDataError(source, f"the header declares {n_samples} rows, the file has {len(xs)}")
    return {
        "source": source,
        "feature_names": list(FEATURE_NAMES),
        "class_names": class_names,
        "X": xs,
        "y": ys,
    }
