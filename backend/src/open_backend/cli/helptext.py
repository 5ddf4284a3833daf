"""Command help from module docstrings: reST literals unquoted, paragraphs unwrapped."""

from __future__ import annotations

import re


def help_text(doc: str | None) -> str:
    """``doc`` as ``--help`` text: each paragraph on one line (the terminal wraps it), double
    backquotes removed, paragraphs separated by a blank line."""
    paragraphs = re.split(r"\n\s*\n", (doc or "").strip())
    return "\n\n".join(" ".join(p.split()).replace("``", "") for p in paragraphs)
