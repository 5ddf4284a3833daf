"""Cutting a byte stream (a program's stderr) into text lines as the bytes arrive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

#: Longest line kept, in bytes; the rest of a longer line is dropped and the kept part marked.
MAX_LINE_BYTES: Final = 16 * 1024

#: Appended to a line that was cut.
CUT_MARK: Final = " [line cut]"


def _text(raw: bytes | bytearray) -> str:
    cut = len(raw) > MAX_LINE_BYTES
    text = bytes(raw[:MAX_LINE_BYTES]).decode("utf-8", "replace").removesuffix("\r")
    return text + CUT_MARK if cut else text


class LineSplitter:
    """Hands each complete line of the bytes fed to it to ``on_line``, as soon as it is complete.

    Lines end at ``\\n`` (a ``\\r`` before it is dropped); invalid UTF-8 is replaced; a line
    over :data:`MAX_LINE_BYTES` is handed on cut (with :data:`CUT_MARK`) as soon as it gets that
    long, and its remainder is dropped. Memory stays under about twice the longest line kept.
    """

    def __init__(self, on_line: Callable[[str], None]) -> None:
        self._on_line = on_line
        self._pending = bytearray()
        self._cutting = False  # the start of the current line was handed on already, cut

    def feed(self, data: bytes) -> None:
        """Take the next bytes of the stream."""
        pending = self._pending
        pending += data
        start = 0
        while (end := pending.find(b"\n", start)) >= 0:
            if not self._cutting:
                self._on_line(_text(pending[start:end]))
            self._cutting = False
            start = end + 1
        del pending[:start]
        if len(pending) > MAX_LINE_BYTES:
            if not self._cutting:
                self._on_line(_text(pending))
            self._cutting = True
            pending.clear()

    def close(self) -> None:
        """The stream ended: hand on an unterminated last line."""
        if self._pending and not self._cutting:
            self._on_line(_text(self._pending))
        self._pending.clear()
        self._cutting = False
