"""Conservative static compatibility of type annotations, for definition-time validation.

:func:`is_assignable` answers "can a value of type ``source`` be passed where ``target`` is
declared?". It understands classes, ``Any``/``object``, unions and ``Optional``, ``Literal``,
``None``, ``Annotated`` (by its underlying type), and the generic containers
``list``/``set``/``frozenset``/``tuple``/``dict`` and their ``collections.abc`` counterparts. For
anything else it answers ``True``: a false alarm at build time would block a valid DAG, while a
miss only defers the error to run time.
"""

from __future__ import annotations

import collections.abc as cabc
import types
import typing
from typing import Any

_UNION_TYPES = (typing.Union, types.UnionType)
_NUMERIC_TOWER: dict[type, tuple[type, ...]] = {float: (int,), complex: (int, float)}


def is_assignable(source: Any, target: Any) -> bool:
    """Whether a value typed ``source`` fits a parameter annotated ``target`` (see module doc)."""
    source, target = _strip_annotated(source), _strip_annotated(target)
    if target is Any or target is object or source is Any:
        return True
    if source is None:
        source = type(None)
    if target is None:
        target = type(None)

    t_origin = typing.get_origin(target)
    s_origin = typing.get_origin(source)

    if t_origin in _UNION_TYPES:
        if s_origin in _UNION_TYPES:
            return all(is_assignable(s, target) for s in typing.get_args(source))
        return any(is_assignable(source, t) for t in typing.get_args(target))
    if s_origin in _UNION_TYPES:
        return all(is_assignable(s, target) for s in typing.get_args(source))
    if s_origin is typing.Literal:
        return all(_value_fits(v, target) for v in typing.get_args(source))
    if t_origin is typing.Literal:
        return True  # a str may hold the literal at run time: not judged statically

    s_class = s_origin or source
    t_class = t_origin or target
    if not isinstance(s_class, type) or not isinstance(t_class, type):
        return True  # TypeVar, NewType, forward references...: not judged
    if not _class_fits(s_class, t_class):
        return False
    if t_origin is None or s_origin is None:
        return True  # bare ``list`` on either side: element types unknown
    return _args_fit(s_class, typing.get_args(source), t_class, typing.get_args(target))


def element_type(source: Any) -> Any | None:
    """Item type of a list-like annotation (``list[int]`` -> ``int``), ``Any`` when unknown.

    Returns ``None`` when ``source`` is a class that is certainly not a list of items
    (``int``, ``float``, ``bool``, ``None``, ``str``, ``bytes``, mappings), which makes mapping
    over it an error.
    """
    source = _strip_annotated(source)
    if source is Any:
        return Any
    origin = typing.get_origin(source) or source
    if origin in _UNION_TYPES:
        return Any
    if isinstance(origin, type):
        if origin in (int, float, bool, complex, type(None)):
            return None
        if issubclass(origin, (str, bytes, dict, cabc.Mapping)):
            return None
        args = typing.get_args(source)
        if issubclass(origin, cabc.Iterable) and len(args) == 1:
            return args[0]
        if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
            return args[0]
    return Any


def _strip_annotated(t: Any) -> Any:
    """``Annotated[int, ...]`` -> ``int``; anything else unchanged."""
    while typing.get_origin(t) is typing.Annotated:
        t = typing.get_args(t)[0]
    return t


def _class_fits(source: type, target: type) -> bool:
    try:
        if issubclass(source, target):
            return True
    except TypeError:  # non-runtime Protocols, TypedDicts...: cannot be judged by issubclass
        return True
    return any(issubclass(source, narrower) for narrower in _NUMERIC_TOWER.get(target, ()))


def _value_fits(value: object, target: Any) -> bool:
    return is_assignable(type(value), target)


def _args_fit(s_class: type, s_args: tuple[Any, ...], t_class: type, t_args: tuple[Any, ...]) -> bool:
    if not s_args or not t_args:
        return True
    if issubclass(t_class, cabc.Mapping) and issubclass(s_class, cabc.Mapping):
        if len(s_args) == 2 and len(t_args) == 2:
            return is_assignable(s_args[0], t_args[0]) and is_assignable(s_args[1], t_args[1])
        return True
    if t_class is tuple and s_class is tuple:
        if len(t_args) == 2 and t_args[1] is Ellipsis:
            items = s_args[:1] if len(s_args) == 2 and s_args[1] is Ellipsis else s_args
            return all(is_assignable(s, t_args[0]) for s in items)
        if len(s_args) == 2 and s_args[1] is Ellipsis:
            return True
        return len(s_args) == len(t_args) and all(map(is_assignable, s_args, t_args))
    if len(s_args) == 1 and len(t_args) == 1:
        return is_assignable(s_args[0], t_args[0])
    return True
