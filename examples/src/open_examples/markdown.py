"""Markdown helpers the examples' reports share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

#: Decimals of numbers in the reports.
DECIMALS: Final = 4


def number(value: float | None, decimals: int = DECIMALS) -> str:
    """``value`` with ``decimals`` decimals, as the reports print numbers (``-`` for ``None``)."""
    return "-" if value is None else f"{value:.{decimals}f}"


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """The lines of a Markdown table with header ``head``."""
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines
