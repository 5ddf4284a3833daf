"""Read the fenced code blocks of a guide, so its tests run exactly what the reader sees.

A block is named by the ``##`` section it sits in; a block preceded by the line
``<!-- file: NAME -->`` is the content of the file ``NAME`` the guide asks the reader to save.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1]

_FENCE = re.compile(
    r"(?:^<!-- file: (?P<file>[^ ]+) -->\n)?^```(?P<lang>[a-z]*)\n(?P<code>.*?)^```$",
    re.DOTALL | re.MULTILINE,
)
_SECTION = re.compile(r"^## (?P<title>.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One fenced block: its language, its ``##`` section, the file it is (or ``None``), its text."""

    lang: str
    section: str
    file: str | None
    code: str


def read(name: str) -> str:
    """The text of ``docs/<name>``."""
    return (DOCS / name).read_text(encoding="utf-8")


def blocks(text: str, lang: str | None = None) -> list[Block]:
    """Every fenced block of ``text`` (only those in ``lang`` when given), in order."""
    titles = [(m.start(), m["title"]) for m in _SECTION.finditer(text)]
    out = []
    for match in _FENCE.finditer(text):
        if lang is not None and match["lang"] != lang:
            continue
        before = [title for start, title in titles if start < match.start()]
        out.append(Block(match["lang"], before[-1] if before else "", match["file"], match["code"]))
    return out


def commands(block: Block) -> list[str]:
    """The shell commands of a ``bash`` block: one per line, blank lines and comments left out."""
    lines = (line.split("  #", 1)[0].strip() for line in block.code.splitlines())
    return [line for line in lines if line and not line.startswith("#")]
