"""is_assignable and element_type: conservative static compatibility of annotations."""

from __future__ import annotations

import collections.abc as cabc
import typing
from typing import Annotated, Any, Literal, NewType, Optional, Protocol, TypedDict, TypeVar, Union

import pytest

from core_engine.typecheck import element_type, is_assignable


class Animal:
    pass


class Dog(Animal):
    pass


class HasName(Protocol):
    name: str


class Row(TypedDict):
    id: int


UserId = NewType("UserId", int)
T = TypeVar("T")

ASSIGNABLE: list[tuple[Any, Any]] = [
    # classes and subclasses
    (int, int),
    (Dog, Animal),
    (bool, int),
    (str, object),
    # the numeric tower
    (int, float),
    (int, complex),
    (float, complex),
    # Any on either side
    (Any, int),
    (int, Any),
    (list[str], Any),
    # Optional / Union as the target
    (int, Optional[int]),  # noqa: UP045 - the typing form is what is under test
    (None, Optional[int]),  # noqa: UP045
    (type(None), int | None),
    (str, Union[int, str]),  # noqa: UP007
    (int, int | str),
    # Union as the source: every member must fit
    (int | bool, int),
    (Optional[int], int | None),  # noqa: UP045
    (int | str, str | int | None),
    (Union[int, bool], float),  # noqa: UP007
    # generic containers
    (list[int], list[int]),
    (list[int], list[float]),
    (list[Dog], list[Animal]),
    (list[int], cabc.Sequence[int]),
    (list[int], typing.Sequence[int]),
    (list[int], cabc.Iterable[float]),
    (list, list[int]),
    (list[int], list),
    (set[int], cabc.Set[int]),
    (frozenset[str], cabc.Set[str]),
    (dict[str, int], dict[str, int]),
    (dict[str, int], cabc.Mapping[str, float]),
    (dict[str, list[int]], dict[str, list[float]]),
    (dict, dict[str, int]),
    # tuple forms
    (tuple[int, str], tuple[int, str]),
    (tuple[int, ...], tuple[float, ...]),
    (tuple[int, int], tuple[int, ...]),
    (tuple[int, ...], tuple[int, str]),  # lengths unknown: not judged
    (tuple[()], tuple[int, ...]),
    # Literal
    (Literal["a", "b"], str),
    (Literal[1, 2], float),
    (str, Literal["a"]),
    # forms not judged answer True
    (T, int),
    (int, T),
    (UserId, int),
    (int, UserId),
    ("Forward", int),
    (int, "Forward"),
    (int, HasName),
    (dict, Row),
    (Row, dict),
    (cabc.Callable[[int], str], cabc.Callable[[str], str]),
    # Annotated is judged by its underlying type
    (int, Annotated[int, "meta"]),
    (Annotated[int, "meta"], float),
    (list[int], list[Annotated[int, "meta"]]),
]

NOT_ASSIGNABLE: list[tuple[Any, Any]] = [
    (str, int),
    (float, int),
    (Animal, Dog),
    (int, str),
    (complex, float),
    (None, int),
    (type(None), str),
    (Optional[int], int),  # noqa: UP045
    (int | str, int),
    (int, str | bytes),
    (Union[int, str], Union[int, bytes]),  # noqa: UP007
    (list[int], list[str]),
    (list[str], cabc.Sequence[int]),
    (list[int], set[int]),
    (list[int], dict[str, int]),
    (tuple[int, ...], list[int]),
    (dict[str, int], dict[int, int]),
    (dict[str, int], dict[str, str]),
    (dict[str, list[int]], dict[str, list[str]]),
    (tuple[int, str], tuple[int, int]),
    (tuple[int], tuple[int, str]),
    (tuple[int, str], tuple[int, ...]),
    (tuple[str, ...], tuple[int, ...]),
    (Literal["a"], int),
    (Literal["a", 1], str),
    (Annotated[str, "meta"], int),
    (str, Annotated[int, "meta"]),
    (list[int] | None, list[int]),
    (list[str], Optional[list[int]]),  # noqa: UP045
]


@pytest.mark.parametrize(("source", "target"), ASSIGNABLE)
def test_assignable_pairs(source: Any, target: Any) -> None:
    assert is_assignable(source, target)


@pytest.mark.parametrize(("source", "target"), NOT_ASSIGNABLE)
def test_unassignable_pairs(source: Any, target: Any) -> None:
    assert not is_assignable(source, target)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (list[int], int),
        (typing.List[str], str),  # noqa: UP006
        (cabc.Sequence[float], float),
        (set[bytes], bytes),
        (cabc.Iterator[int], int),
        (tuple[int, ...], int),
        (Annotated[list[int], "meta"], int),
        (list[list[int]], list[int]),
    ],
)
def test_element_type_of_a_list_like_annotation(source: Any, expected: Any) -> None:
    assert element_type(source) == expected


@pytest.mark.parametrize("source", [Any, list, tuple[int, str], list[int] | None, Animal, T])
def test_element_type_is_any_when_the_item_type_is_unknown(source: Any) -> None:
    assert element_type(source) is Any


@pytest.mark.parametrize("source", [int, float, bool, type(None), str, bytes, dict, dict[str, int]])
def test_element_type_is_none_for_annotations_that_are_not_lists_of_items(source: Any) -> None:
    assert element_type(source) is None
