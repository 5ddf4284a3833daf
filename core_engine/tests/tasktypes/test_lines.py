"""Cutting stderr into lines: boundaries across chunks, cut long lines, bad UTF-8, the last line."""

from __future__ import annotations

from core_engine.tasktypes.lines import CUT_MARK, MAX_LINE_BYTES, LineSplitter


def split(*chunks: bytes) -> list[str]:
    lines: list[str] = []
    splitter = LineSplitter(lines.append)
    for chunk in chunks:
        splitter.feed(chunk)
    splitter.close()
    return lines


def test_lines_are_handed_on_as_soon_as_they_are_complete() -> None:
    lines: list[str] = []
    splitter = LineSplitter(lines.append)
    splitter.feed(b"one\ntw")
    assert lines == ["one"]
    splitter.feed(b"o\r\nthree\n")
    assert lines == ["one", "two", "three"]


def test_an_unterminated_last_line_is_handed_on_at_the_end() -> None:
    assert split(b"a\nb") == ["a", "b"]
    assert split(b"a\n") == ["a"]
    assert split() == []


def test_empty_lines_are_kept() -> None:
    assert split(b"\n\nx\n") == ["", "", "x"]


def test_invalid_utf8_is_replaced() -> None:
    assert split(b"caf\xc3\xa9 \xff\n") == ["café \ufffd"]


def test_a_long_line_is_cut_once_and_its_remainder_dropped() -> None:
    long = b"x" * (MAX_LINE_BYTES * 3)
    assert split(long[:1000], long[1000:], b"\nafter\n") == ["x" * MAX_LINE_BYTES + CUT_MARK, "after"]


def test_a_long_line_within_one_chunk_is_cut() -> None:
    assert split(b"y" * (MAX_LINE_BYTES + 1) + b"\nz\n") == ["y" * MAX_LINE_BYTES + CUT_MARK, "z"]


def test_a_line_of_exactly_the_limit_is_kept_whole() -> None:
    assert split(b"w" * MAX_LINE_BYTES + b"\n") == ["w" * MAX_LINE_BYTES]
